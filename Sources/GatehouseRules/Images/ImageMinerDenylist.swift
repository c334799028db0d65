import KubeModel

/// image-miner-denylist: known cryptomining images are refused.
public struct ImageMinerDenylist: Rule {
    /// Repository names of widely distributed miners. Defender's own list is not public.
    static let defaultPattern =
        "(?i)(^|[/_.-])(xmrig|xmr-stak|xmrstak|minergate|coinhive|cpuminer|ccminer|cgminer|bfgminer|ethminer|"
        + "nbminer|lolminer|t-rex|phoenixminer|nanominer|claymore|nicehash|cryptonight|minerd|srbminer|teamredminer|"
        + "gminer|xmr-miner|monero-miner)([/_.:@-]|$)"

    public static let description = RuleDescription(
        id: "image-miner-denylist",
        title: "Known cryptomining images",
        category: .images,
        severity: .high,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            Fails for each container (initContainers, containers, ephemeralContainers) whose normalised image \
            name (registry/repository, without tag or digest) contains a match of `deniedImagesRegex`. Unlike \
            image-allowed-registry's allow-list, this deny-list is a search (unanchored), so a pattern finds the \
            miner anywhere in the path. The default pattern names common miners (xmrig, xmr-stak, minergate, \
            cpuminer, ethminer, lolminer, t-rex, nicehash...) bounded by path separators, so `xmrig/xmrig` and \
            `ghcr.io/x/xmrig-proxy` fail while `mining-reports` does not. Defender's image list behind alert \
            K8S_MaliciousContainerImage is not public (UNVERIFIED); this list is Gatehouse's own.
            Fields: spec.*Containers[*].image.
            """,
        rationale: """
            Cryptominers are the most common payload after a cluster compromise; refusing well-known miner images \
            stops the lazy variant of the attack and flags it in the audit.
            """,
        remediation: "Remove the container. If it is a legitimate image that happens to match, exempt that image.",
        references: [
            .defender("Digital currency mining container detected (alert K8S_MaliciousContainerImage)"),
        ],
        parameters: [
            ParameterSpec(
                "deniedImagesRegex", .regex, default: defaultPattern,
                "Searched (unanchored) in the normalised image name registry/repository."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: "myacr.azurecr.io/mining-reports:1"}
                  - {name: side, image: "nginx:1.27"}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: a, image: "xmrig/xmrig:6.21"}
                      - {name: b, image: "nginx:1.27"}
                      - {name: c, image: "ghcr.io/someone/XMRig-proxy@sha256:0123abcd"}
                """,
                paths: ["spec.template.spec.containers[0].image", "spec.template.spec.containers[2].image"]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: "evil.example/tools/helper:1"}
                """,
                parameters: "{deniedImagesRegex: '^evil\\.example/'}",
                paths: ["spec.containers[0].image"]),
        ],
        docker: DockerView(
            .dockerContainer, controls: [],
            spec: """
                Docker container (Defender's host alert "Container with a miner image detected", \
                VM_MinerInContainerImage; no CIS control): fails when the normalised name of Config.Image (the \
                image as the run gave it) matches `deniedImagesRegex`, as for pods. A container started by image \
                id is not judged (no name to match).
                """,
            remediation: "Stop and remove the container (docker rm -f), find how it was started, and remove the image.",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /reports
                    Config: {Image: "myacr.azurecr.io/mining-reports:1"}
                    """, docker: .dockerContainer),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /helper
                    Config: {Image: "XMRig/xmrig:6.21"}
                    """, docker: .dockerContainer, paths: ["Config.Image"]),
            ])
    )

    let pattern: RulePattern?
    /// The default pattern as a plain word search, used instead of `pattern` for printable-ASCII names
    /// (a regex search per container was a tenth of an audit's time); `nil` when the user set a pattern.
    let defaultNames: MinerNameSearch?

    public init(parameters: RuleParameters) throws {
        pattern = try parameters.pattern("deniedImagesRegex", default: Self.defaultPattern)
        defaultNames = pattern?.source == Self.defaultPattern ? MinerNameSearch() : nil
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let container = DockerContainerView(object) { return checkDocker(container, &context) }
        guard let template = context.template, pattern != nil else { return }
        for container in template.containers {
            guard let image = ImageReference(container.image), denies(image) else { continue }
            context.report(
                "container \"\(container.name)\" image \"\(container.image)\" matches the miner deny-list",
                path: container.path("image"), at: container.value["image"], container: container)
        }
    }
}

extension ImageMinerDenylist {
    /// Whether the image's normalised name (registry/repository) matches the deny-list.
    func denies(_ image: ImageReference) -> Bool {
        guard let pattern else { return false }
        let name = image.name
        return defaultNames?.found(in: name) ?? pattern.found(in: name)
    }

    private func checkDocker(_ container: DockerContainerView, _ context: inout CheckContext) {
        let given = container.image
        guard !DockerImageName.isImageID(given, of: container), let image = ImageReference(given), denies(image)
        else { return }
        context.report(
            "container \(container.label) runs image \"\(given)\", which matches the miner deny-list",
            path: "Config.Image", at: container.root.at("Config", "Image"))
    }
}

/// ``ImageMinerDenylist/defaultPattern`` without a regex engine: a miner name, case-insensitively, preceded by
/// the start or one of `/_.-` and followed by the end or one of `/_.:@-`.
struct MinerNameSearch: Sendable {
    static let names: [[UInt8]] = [
        "xmrig", "xmr-stak", "xmrstak", "minergate", "coinhive", "cpuminer", "ccminer", "cgminer", "bfgminer",
        "ethminer", "nbminer", "lolminer", "t-rex", "phoenixminer", "nanominer", "claymore", "nicehash",
        "cryptonight", "minerd", "srbminer", "teamredminer", "gminer", "xmr-miner", "monero-miner",
    ].map { Array($0.utf8) }

    /// Whether the default pattern is found in `text`; `nil` when `text` has a byte outside printable ASCII,
    /// where the regex's Unicode case folding and grapheme rules must decide.
    func found(in text: String) -> Bool? {
        var text = text
        return text.withUTF8 { bytes -> Bool? in
            var lowered = [UInt8](repeating: 0, count: bytes.count)
            for (i, b) in bytes.enumerated() {
                guard b > 0x20, b < 0x7F else { return nil }
                lowered[i] = b >= 65 && b <= 90 ? b | 0x20 : b
            }
            return Self.search(lowered)
        }
    }

    /// The names by their first byte.
    private static let namesByFirstByte: [[[UInt8]]] = {
        var table = [[[UInt8]]](repeating: [], count: 256)
        for name in names { table[Int(name[0])].append(name) }
        return table
    }()

    /// A name can start only at the start or after `/_.-`: only those few places of an image name are tried,
    /// against the names starting with the byte found there.
    private static func search(_ text: [UInt8]) -> Bool {
        let n = text.count
        for start in 0..<n {
            if start > 0 {
                let before = text[start - 1]
                guard before == UInt8(ascii: "/") || before == UInt8(ascii: "_") || before == UInt8(ascii: ".")
                    || before == UInt8(ascii: "-")
                else { continue }
            }
            for name in namesByFirstByte[Int(text[start])] where start + name.count <= n {
                var same = true
                for k in 1..<name.count where text[start + k] != name[k] {
                    same = false
                    break
                }
                guard same else { continue }
                let end = start + name.count
                if end == n { return true }
                switch text[end] {
                case UInt8(ascii: "/"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "@"),
                    UInt8(ascii: "-"):
                    return true
                default: continue
                }
            }
        }
        return false
    }
}

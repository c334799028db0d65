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
        ]
    )

    let pattern: RulePattern?

    public init(parameters: RuleParameters) throws {
        pattern = try parameters.pattern("deniedImagesRegex", default: Self.defaultPattern)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template, let pattern else { return }
        for container in template.containers {
            guard let image = ImageReference(container.image), pattern.found(in: image.name) else { continue }
            context.report(
                "container \"\(container.name)\" image \"\(container.image)\" matches the miner deny-list",
                path: container.path("image"), at: container.value["image"], container: container)
        }
    }
}

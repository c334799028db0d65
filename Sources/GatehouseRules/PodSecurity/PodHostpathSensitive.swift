import KubeModel

/// pod-hostpath-sensitive: no hostPath volume exposes a sensitive host path.
public struct PodHostpathSensitive: Rule {
    /// kubeaudit's list (taken from Falco's sensitive mounts) without `/` and `/etc`, plus every container
    /// runtime's socket (containerd, CRI-O, cri-dockerd, Docker) and socket directory under /run and /var/run,
    /// and the runtimes' state directories.
    static let defaultPaths = [
        "/proc", "/root", "/home/admin", "/etc/kubernetes", "/etc/kubernetes/manifests", "/var/lib/kubelet",
        "/var/lib/kubelet/pki", "/var/run/docker.sock", "/run/docker.sock", "/var/run/crio/crio.sock",
        "/run/crio/crio.sock", "/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock",
        "/var/lib/docker", "/var/lib/containerd", "/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock",
        "/var/run/containerd", "/run/containerd", "/var/run/crio", "/run/crio", "/var/run/docker", "/run/docker",
    ]
    /// Directories sensitive as a whole but with harmless, commonly mounted children (/etc/localtime,
    /// /etc/ssl/certs): only the directory itself, or a parent of it, is reported.
    static let defaultExactPaths = ["/", "/etc"]

    public static let description = RuleDescription(
        id: "pod-hostpath-sensitive",
        title: "Sensitive host path mounted",
        category: .podSecurity,
        severity: .critical,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            Fails for each spec.volumes[*].hostPath whose path overlaps a sensitive path: it equals an entry of \
            `sensitivePaths`, lies under one, or contains one (mounting /var exposes /var/run/docker.sock); or \
            it equals or contains an entry of `sensitiveExactPaths` (default `/` and `/etc`: the directory \
            itself is sensitive, but children such as /etc/localtime or /etc/ssl/certs are routinely mounted, \
            and the sensitive ones, like /etc/kubernetes, are in `sensitivePaths`). Paths are compared by \
            component after removing empty, `.` and `..` components (`/var//run/./docker.sock/` and \
            `/var/log/../run/docker.sock` are `/var/run/docker.sock`), case-sensitively; `/` is never "under" \
            anything but itself. `/var/run` is a symlink to `/run` on current distributions, followed when the \
            kubelet mounts a host path, so a path under either is also compared under the other name \
            (mounting `/run` exposes an entry `/var/run/docker.sock`).
            All volumes are checked, mounted or not (as PSA and gatekeeper; Azure's hostPath policy only checks \
            mounted volumes): an unmounted volume costs nothing to remove, and an ephemeral container can mount it \
            later. Defaults: kubeaudit's list (from Falco; kubeaudit compares paths exactly) split between the \
            two parameters, plus every CRI socket (containerd, CRI-O, cri-dockerd, Docker) and the containerd, \
            CRI-O and Docker socket directories under /run and /var/run, and /var/lib/{docker,containerd}. Defender's list for alert \
            K8S_SensitiveMount is not public (UNVERIFIED).
            Field: spec.volumes[*].hostPath.path.
            """,
        rationale: """
            The container runtime socket, kubelet credentials, /etc and /proc of the node each hand a container \
            the node itself: start privileged containers, read every pod's secrets, or rewrite static pod manifests.
            """,
        remediation: "Remove the hostPath volume; use a ConfigMap, Secret, emptyDir, CSI or projected volume instead.",
        references: [
            .defender("Container with a sensitive volume mount detected (alert K8S_SensitiveMount)"),
            .other("KSV006 (docker.sock), kubeaudit SensitivePathsMounted"),
        ],
        parameters: [
            ParameterSpec(
                "sensitivePaths", .stringList, default: "[" + defaultPaths.joined(separator: ", ") + "]",
                "Host paths that must not be mounted, nor anything above or below them."),
            ParameterSpec(
                "sensitiveExactPaths", .stringList, default: "[" + defaultExactPaths.joined(separator: ", ") + "]",
                "Host paths that must not be mounted, nor anything above them (children are allowed)."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: logs}
                spec:
                  volumes:
                  - {name: logs, hostPath: {path: /var/log/app}}
                  - {name: other, hostPath: {path: /var/runner}}
                  containers:
                  - {name: app, image: fluentbit:3, volumeMounts: [{name: logs, mountPath: /logs}]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent}
                spec:
                  template:
                    spec:
                      volumes:
                      - {name: sock, hostPath: {path: /var/run/docker.sock, type: Socket}}
                      - {name: logs, hostPath: {path: /var/log}}
                      - {name: var, hostPath: {path: /var/}}
                      - {name: pki, hostPath: {path: /etc/kubernetes/pki}}
                      - {name: tricky, hostPath: {path: "/var//lib/./kubelet"}}
                      - {name: tz, hostPath: {path: /etc/localtime}}
                      - {name: etc, hostPath: {path: /etc}}
                      containers:
                      - {name: agent, image: agent:2}
                """,
                paths: [
                    "spec.template.spec.volumes[0].hostPath.path",
                    "spec.template.spec.volumes[2].hostPath.path",
                    "spec.template.spec.volumes[3].hostPath.path",
                    "spec.template.spec.volumes[4].hostPath.path",
                    "spec.template.spec.volumes[6].hostPath.path",
                ]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: x}
                spec:
                  volumes:
                  - {name: data, hostPath: {path: /data/secrets}}
                  - {name: root, hostPath: {path: /}}
                  containers:
                  - {name: app, image: app:1}
                """,
                parameters: "{sensitivePaths: [/data], sensitiveExactPaths: []}",
                paths: ["spec.volumes[0].hostPath.path", "spec.volumes[1].hostPath.path"]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: runtime}
                spec:
                  volumes:
                  - {name: dockerd, hostPath: {path: /var/run/cri-dockerd.sock, type: Socket}}
                  - {name: crio, hostPath: {path: "/run//crio/"}}
                  - {name: run, hostPath: {path: /run}}
                  - {name: back, hostPath: {path: /var/log/../run/containerd/containerd.sock}}
                  containers:
                  - {name: app, image: app:1}
                """,
                paths: [
                    "spec.volumes[0].hostPath.path", "spec.volumes[1].hostPath.path",
                    "spec.volumes[2].hostPath.path", "spec.volumes[3].hostPath.path",
                ]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: symlink}
                spec:
                  volumes:
                  - {name: run, hostPath: {path: /run/}}
                  - {name: sock, hostPath: {path: /run/docker.sock}}
                  containers:
                  - {name: app, image: app:1}
                """,
                parameters: "{sensitivePaths: [/var/run/docker.sock], sensitiveExactPaths: []}",
                paths: ["spec.volumes[0].hostPath.path", "spec.volumes[1].hostPath.path"]),
        ]
    )

    let sensitive: [(text: String, components: [Substring])]
    let exact: [(text: String, components: [Substring])]

    public init(parameters: RuleParameters) {
        sensitive = parameters.strings("sensitivePaths", default: Self.defaultPaths).map {
            ($0, Self.components($0))
        }
        exact = parameters.strings("sensitiveExactPaths", default: Self.defaultExactPaths).map {
            ($0, Self.components($0))
        }
    }

    static func components(_ path: String) -> [Substring] { HostPathNames.components(path) }

    /// The first sensitive path `path` overlaps, under any of its names, and whether it is that path.
    func overlap(_ path: [Substring]) -> (text: String, same: Bool)? {
        for path in HostPathNames.spellings(of: path) {
            for (text, s) in exact where path.count <= s.count && s[..<path.count] == path[...] {
                return (text, path == s)
            }
            for (text, s) in sensitive {
                // `path` is s, or under s (s is a prefix), or above s (path is a prefix of s).
                let shorter = min(s.count, path.count)
                if s[..<shorter] == path[..<shorter], !s.isEmpty || path.isEmpty { return (text, path == s) }
            }
        }
        return nil
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template, let volumes = template.spec["volumes"], volumes.isSequence else {
            return
        }
        for (i, volume) in volumes.items.enumerated() {
            guard let pathValue = volume["hostPath"]?["path"], let path = pathValue.string else { continue }
            guard let match = overlap(Self.components(path)) else { continue }
            let name = volume["name"]?.string ?? ""
            let relation = match.same ? "is" : "overlaps"
            context.report(
                "volume \"\(name)\" mounts host path \"\(path)\", which \(relation) the sensitive path \(match.text)",
                path: template.path("volumes[\(i)].hostPath.path"), at: pathValue)
        }
    }
}

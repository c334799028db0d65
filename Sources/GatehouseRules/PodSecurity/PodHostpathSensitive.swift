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
    /// CIS Docker 5.6's host directories.
    static let cisDirectories = ["/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"].map(components)
    /// Container runtime sockets by file name: CIS Docker 5.32 names docker.sock; the others hand over the host
    /// just the same (start a privileged container).
    static let runtimeSocketNames: Set<Substring> = ["docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock"]
    /// The runtime sockets of ``defaultPaths``: a mount of one of their folders (`/run`, `/var/run/containerd`)
    /// hands them over too.
    static let runtimeSockets = defaultPaths.map(components).filter { $0.last.map(runtimeSocketNames.contains) ?? false }

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
        ],
        docker: DockerView(
            .dockerContainer, controls: [CISDocker.sensitiveMounts, CISDocker.dockerSocketMount],
            spec: """
                Docker container: each bind mount (Mounts[] of Type bind; a named volume's Source is Docker's own \
                folder) is judged by its Source, compared by component as for pods (`/etc/`, `//etc` and \
                `/usr/../etc` are `/etc`; /var/run and /run are one folder), at most one finding per mount:
                CIS 5.6: Source is one of the benchmark's host directories `/`, `/boot`, `/dev`, `/etc`, `/lib`, \
                `/proc`, `/sys`, `/usr`, or lies under /proc (/proc/1/root is the host's root, /proc/sys its kernel \
                settings). Other folders under them (/etc/localtime, /usr/share/zoneinfo, /sys/fs/cgroup) pass 5.6. \
                Read-only mounts fail too: the benchmark's audit flags read-write ones only, but a read-only / or \
                /etc still hands the container the host's password hashes, keys and credentials, and the pod view \
                fails a hostPath whatever its readOnly (docker-bench passes them).
                CIS 5.32: Source is a container runtime socket, by file name anywhere (docker.sock, \
                containerd.sock, crio.sock, cri-dockerd.sock, as the pod view lists them), or a folder holding one \
                of the pod view's runtime sockets (`/run`, `/var/run`, `/var/run/containerd`). docker-bench only \
                matches `docker.sock` in the inspect text.
                Then, with no CIS control, a Source overlapping the rule's `sensitivePaths` or \
                `sensitiveExactPaths` as for pods (/var/lib/docker, /var/lib/kubelet, /root...).
                A volume whose driver binds a host folder (`--opt type=none --opt o=bind`) shows Docker's folder \
                as Source and is not judged.
                """,
            remediation: "Remove the -v / --mount of the host path (docker run without -v /etc:/host/etc or -v /var/run/docker.sock:...); give the container a named volume or only the files it needs.",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /web
                    Mounts:
                    - {Type: bind, Source: /etc/localtime, Destination: /etc/localtime, RW: false}
                    - {Type: bind, Source: /srv/www, Destination: /usr/share/nginx/html, RW: false}
                    - {Type: volume, Name: data, Source: /var/lib/docker/volumes/data/_data, Destination: /data, RW: true}
                    """, docker: .dockerContainer),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /agent
                    Mounts:
                    - {Type: bind, Source: /, Destination: /host, RW: true}
                    - {Type: bind, Source: /var/run/docker.sock, Destination: /var/run/docker.sock, RW: true}
                    - {Type: bind, Source: "//etc/", Destination: /hostetc, RW: false}
                    - {Type: bind, Source: /proc/1/root, Destination: /hostroot, RW: true}
                    - {Type: bind, Source: /home/u/docker.sock, Destination: /d.sock, RW: true}
                    - {Type: bind, Source: /run/, Destination: /hostrun, RW: true}
                    - {Type: bind, Source: /var/lib/docker, Destination: /docker, RW: false}
                    - {Type: bind, Source: /usr/share/zoneinfo, Destination: /zoneinfo, RW: false}
                    """, docker: .dockerContainer,
                    paths: [
                        "Mounts[0].Source", "Mounts[1].Source", "Mounts[2].Source", "Mounts[3].Source",
                        "Mounts[4].Source", "Mounts[5].Source", "Mounts[6].Source",
                    ]),
                // The daemon's own socket under another name, or its folder: found from the sockets it serves.
                Example(
                    """
                    Id: 7a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /ci-runner
                    Mounts:
                    - {Type: bind, Source: /srv/engine/api, Destination: /var/run/docker.sock, RW: true}
                    - {Type: bind, Source: /srv/engine/, Destination: /engine, RW: false}
                    - {Type: bind, Source: /srv/www, Destination: /www, RW: false}
                    """, docker: .dockerContainer,
                    host: "{Name: host-1, Sockets: [/srv/engine/api]}",
                    paths: ["Mounts[0].Source", "Mounts[1].Source"]),
            ])
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
        if let container = DockerContainerView(object) { return checkDocker(container, &context) }
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

    private func checkDocker(_ container: DockerContainerView, _ context: inout CheckContext) {
        let daemonSockets = (context.dockerHost?.daemonSockets ?? []).map(Self.components)
        for mount in container.mounts where mount.type == "bind" || mount.type.isEmpty {
            let path = Self.components(mount.source)
            let how = "\(mount.writable ? "read-write" : "read-only") at \(mount.destination)"
            let field = "\(mount.path).Source"
            let source = mount.value["Source"]
            if Self.isCISDirectory(path) {
                context.report(
                    "container \(container.label) mounts the host directory \(mount.source) \(how)",
                    control: CISDocker.sensitiveMounts, path: field, at: source)
            } else if let socket = daemonSockets.first(where: { $0.starts(with: path) }) {
                // The daemon's own socket (or its folder), whatever its name.
                let what = socket == path ? "the Docker daemon's socket" : "a folder holding the Docker daemon's socket"
                context.report(
                    "container \(container.label) mounts \(what) \(mount.source) \(how)",
                    control: CISDocker.dockerSocketMount, path: field, at: source)
            } else if let socket = Self.runtimeSocket(in: path) {
                let what = socket == path ? "the container runtime socket" : "a folder holding the runtime socket"
                context.report(
                    "container \(container.label) mounts \(what) \(mount.source) \(how)",
                    control: CISDocker.dockerSocketMount, path: field, at: source)
            } else if let match = overlap(path) {
                let relation = match.same ? "is" : "overlaps"
                context.report(
                    "container \(container.label) mounts host path \(mount.source) \(how), which \(relation) the "
                        + "sensitive path \(match.text)", path: field, at: source)
            }
        }
    }

    /// CIS Docker 5.6: one of the benchmark's directories, or anything under /proc.
    static func isCISDirectory(_ path: [Substring]) -> Bool {
        cisDirectories.contains(path) || path.first == "proc"
    }

    /// The runtime socket `path` hands over (itself, or one in a folder it names), as ``runtimeSockets`` spell it.
    static func runtimeSocket(in path: [Substring]) -> [Substring]? {
        if let last = path.last, runtimeSocketNames.contains(last) { return path }
        for spelling in HostPathNames.spellings(of: path) {
            if let socket = runtimeSockets.first(where: { $0.starts(with: spelling) }) {
                return socket == spelling ? path : socket
            }
        }
        return nil
    }
}

import KubeModel

/// docker-audit-rules: auditd watches Docker's files, folders and programs (CIS Docker 1.1.3 to 1.1.18).
public struct DockerAuditRules: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-audit-rules",
        title: "Audit rules for Docker's files",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host, with host files read. Each path CIS 1.1.3 to 1.1.18 names must be watched by a rule in \
            /etc/audit/audit.rules or /etc/audit/rules.d/*.rules (what auditd loads at boot): dockerd (where the \
            running one lives, else /usr/bin/dockerd) (1.1.3), /run/containerd (1.1.4), Docker's root directory \
            (/var/lib/docker, or where DockerRootDir says) (1.1.5), /etc/docker (1.1.6), the docker.service unit \
            found (1.1.7), /run/containerd/containerd.sock (1.1.8), the docker.socket unit (1.1.9), \
            /etc/default/docker (1.1.10), daemon.json (`--config-file`, else /etc/docker/daemon.json) (1.1.11), \
            /etc/containerd/config.toml (1.1.12), /etc/sysconfig/docker (1.1.13), and /usr/bin/containerd, \
            containerd-shim, containerd-shim-runc-v1, containerd-shim-runc-v2 and runc (1.1.14 to 1.1.18). A path \
            is watched by `-w PATH` or `-F path=PATH`, or by `-w` or `-F dir=` on a folder above it: auditctl \
            makes a directory watch recursive (`-F path=` on a folder watches that inode only). One finding per \
            path that exists and is not watched, naming its control; a path that does not exist passes (as \
            docker-bench's INFO), and so does one listed in the parameter skipPaths. With no audit rules file \
            at all, every existing path fails.
            """,
        rationale: """
            Docker runs as root and its files decide what containers may do: an audit trail of who changed or \
            ran them is what an investigation of a compromised host starts from.
            """,
        remediation: """
            Add `-w PATH -k docker` for each path to /etc/audit/rules.d/docker.rules and load the rules \
            (augenrules --load, or restart auditd).
            """,
        references: [.other("docker-bench-security check_1_1_3 to check_1_1_18")],
        parameters: [
            ParameterSpec("skipPaths", .stringList, default: "[]", "Host paths not to require an audit rule for."),
        ],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Dockerd: /usr/bin/dockerd
                Files: [{Path: /lib/systemd/system/docker.service, Role: docker.service, Exists: true}]
                Audit:
                  Read: true
                  Paths: [/usr/bin/dockerd, /etc/docker, /lib/systemd/system/docker.service, /var/lib/docker]
                  Trees: [/usr/bin/dockerd, /etc/docker, /lib/systemd/system/docker.service]
                Exists: {/usr/bin/dockerd: true, /etc/docker: true, /etc/docker/daemon.json: true, /run/containerd: false, /var/lib/docker: true}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Audit: {Read: true, Paths: [], Trees: []}
                Exists: {/etc/docker: true}
                """, docker: .dockerHost, parameters: "skipPaths: [/etc/docker]"),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Dockerd: /usr/sbin/dockerd
                Audit: {Read: true, Source: /etc/audit/rules.d/docker.rules, Paths: [/usr/bin/dockerd, /etc/docker], Trees: []}
                Exists: {/usr/sbin/dockerd: true, /etc/docker: true, /etc/docker/daemon.json: true}
                """, docker: .dockerHost, paths: ["Audit.Paths", "Audit.Paths"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Audit: null
                Exists: {/usr/bin/runc: true}
                """, docker: .dockerHost, paths: ["Audit"]),
        ],
        docker: DockerView(
            .dockerHost,
            controls: [
                CISDocker.auditDockerd, CISDocker.auditRunContainerd, CISDocker.auditVarLibDocker, CISDocker.auditEtcDocker,
                CISDocker.auditDockerService, CISDocker.auditContainerdSock, CISDocker.auditDockerSocket,
                CISDocker.auditEtcDefaultDocker, CISDocker.auditDaemonJSON, CISDocker.auditContainerdConfig,
                CISDocker.auditSysconfigDocker, CISDocker.auditContainerd, CISDocker.auditContainerdShim,
                CISDocker.auditContainerdShimV1, CISDocker.auditContainerdShimV2, CISDocker.auditRunc,
            ])
    )

    let skipped: Set<String>

    public init(parameters: RuleParameters) {
        skipped = Set(parameters.strings("skipPaths", default: []))
    }

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object), host.hostFilesRead else { return }
        let watched = host.auditedPaths
        let trees = host.auditedTrees
        for (control, path, exists) in Self.targets(of: host) where exists && !skipped.contains(path) {
            guard let watched else {
                context.report(
                    "host \(host.name) has no audit rules (/etc/audit/audit.rules, /etc/audit/rules.d/*.rules): "
                        + "\(path) is not audited",
                    control: control, path: "Audit", at: object.root["Audit"] ?? object.root)
                continue
            }
            if watched.contains(path) || trees.contains(where: { path.hasPrefix($0 == "/" ? $0 : $0 + "/") }) { continue }
            let source = host.auditSource.isEmpty ? "the audit rules" : host.auditSource
            context.report(
                "host \(host.name) does not audit \(path) (no rule in \(source) watches it, or a folder above it "
                    + "with -w or -F dir=)",
                control: control, path: "Audit.Paths", at: object.root.at("Audit", "Paths") ?? object.root)
        }
    }

    /// Each control's path on this host, and whether it exists there (as far as the reader looked).
    static func targets(of host: DockerHostView) -> [(CISDockerControl, String, Bool)] {
        func unit(_ role: String) -> (String, Bool)? { host.files(role: role).first.map { ($0.path, $0.exists) } }
        func fixed(_ path: String) -> (String, Bool) { (path, host.exists(path) ?? false) }
        let dockerd = host.dockerdPath ?? "/usr/bin/dockerd"
        let dataRoot = host.dataRoot?.path ?? "/var/lib/docker"
        let daemonJSON = unit("daemon.json") ?? fixed("/etc/docker/daemon.json")
        let list: [(CISDockerControl, (String, Bool)?)] = [
            (CISDocker.auditDockerd, fixed(dockerd)),
            (CISDocker.auditRunContainerd, fixed("/run/containerd")),
            (CISDocker.auditVarLibDocker, (dataRoot, host.exists(dataRoot) ?? (host.dataRoot != nil))),
            (CISDocker.auditEtcDocker, fixed("/etc/docker")),
            (CISDocker.auditDockerService, unit("docker.service")),
            (CISDocker.auditContainerdSock, fixed("/run/containerd/containerd.sock")),
            (CISDocker.auditDockerSocket, unit("docker.socket")),
            (CISDocker.auditEtcDefaultDocker, fixed("/etc/default/docker")),
            (CISDocker.auditDaemonJSON, daemonJSON),
            (CISDocker.auditContainerdConfig, fixed("/etc/containerd/config.toml")),
            (CISDocker.auditSysconfigDocker, fixed("/etc/sysconfig/docker")),
            (CISDocker.auditContainerd, fixed("/usr/bin/containerd")),
            (CISDocker.auditContainerdShim, fixed("/usr/bin/containerd-shim")),
            (CISDocker.auditContainerdShimV1, fixed("/usr/bin/containerd-shim-runc-v1")),
            (CISDocker.auditContainerdShimV2, fixed("/usr/bin/containerd-shim-runc-v2")),
            (CISDocker.auditRunc, fixed("/usr/bin/runc")),
        ]
        return list.compactMap { control, target in target.map { (control, $0.0, $0.1) } }
    }
}

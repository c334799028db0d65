import KubeModel

/// docker-file-daemon-json: daemon.json ownership and permissions (CIS Docker 3.17, 3.18).
public struct DockerFileDaemonJson: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-file-daemon-json",
        title: "daemon.json ownership and permissions",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            The daemon's configuration file (`--config-file`, else /etc/docker/daemon.json), as the host \
            document's Files list it under the role `daemon.json`. Passes when it is owned by uid 0 and gid 0 \
            and has no permission bit outside 0644; fails for each of the two it breaks, naming the control. \
            Modes are bit masks (`mode & ~0644` must be 0), so a mode that is smaller as a number can still fail \
            (docker-bench compares the octal text as decimals and would pass it); setuid, setgid and sticky fail \
            too. Ownership is judged by uid and gid, not by names. Passes when the file does not exist, or when \
            host files were not read.
            """,
        rationale: """
            daemon.json sets every daemon option: whoever can write it can open the API over TCP, drop user \
            namespaces or turn off inter-container isolation at the next restart.
            """,
        remediation: "chown root:root /etc/docker/daemon.json && chmod 644 /etc/docker/daemon.json",
        references: [.other("docker-bench-security check_3_17 and check_3_18")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/daemon.json, Role: daemon.json, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0644"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/daemon.json, Role: daemon.json, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0604"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/daemon.json, Role: daemon.json, Exists: false}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/daemon.json, Role: daemon.json, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0620"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/daemon.json, Role: daemon.json, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0646"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/daemon.json, Role: daemon.json, Exists: true, Uid: 1000, Gid: 0, Group: root, Mode: "0644"}
                """, docker: .dockerHost, paths: ["Files[0].Owner"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.daemonJSONOwner, CISDocker.daemonJSONMode])
    )

    static let requirement = DockerFileRequirement(
        role: "daemon.json", what: "the daemon configuration file", ownerControl: CISDocker.daemonJSONOwner,
        modeControl: CISDocker.daemonJSONMode, allowedMode: 0o644)

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        Self.requirement.check(object, &context)
    }
}

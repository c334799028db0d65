import KubeModel

/// docker-file-docker-service: docker.service unit ownership and permissions (CIS Docker 3.1, 3.2).
public struct DockerFileDockerService: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-file-docker-service",
        title: "docker.service unit ownership and permissions",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            The docker.service systemd unit (the first of /etc/systemd/system, /lib/systemd/system and \
            /usr/lib/systemd/system that holds it), as the host document's Files list it under the role \
            `docker.service`. Passes when it is owned by uid 0 and gid 0 and has no permission bit outside 0644; \
            fails for each of the two it breaks, naming the control. Modes are bit masks (`mode & ~0644` must be \
            0), so a mode that is smaller as a number can still fail (docker-bench compares the octal text as \
            decimals and would pass it); setuid, setgid and sticky fail too. Ownership is judged by uid and gid, \
            not by names. Passes when the file does not exist, or when host files were not read. The benchmark \
            titles 3.2 "appropriately set"; its audit asks for 644 or more restrictive.
            """,
        rationale: """
            The unit holds dockerd's command line: whoever can write it chooses the daemon's flags (a TCP socket \
            without TLS, no authorization plugin) at the next restart, and dockerd runs as root.
            """,
        remediation: "chown root:root /lib/systemd/system/docker.service && chmod 644 /lib/systemd/system/docker.service",
        references: [.other("docker-bench-security check_3_1 and check_3_2")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /lib/systemd/system/docker.service, Role: docker.service, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0644"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /lib/systemd/system/docker.service, Role: docker.service, Exists: true, Uid: 0, Gid: 0, Mode: "0600"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /lib/systemd/system/docker.service, Role: docker.service, Exists: false}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /lib/systemd/system/docker.service, Role: docker.service, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0664"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /lib/systemd/system/docker.service, Role: docker.service, Exists: true, Uid: 1000, Gid: 1000, Owner: alice, Group: alice, Mode: "0644"}
                """, docker: .dockerHost, paths: ["Files[0].Owner"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /lib/systemd/system/docker.service, Role: docker.service, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "04644"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.dockerServiceOwner, CISDocker.dockerServiceMode])
    )

    static let requirement = DockerFileRequirement(
        role: "docker.service", what: "the docker.service unit", ownerControl: CISDocker.dockerServiceOwner,
        modeControl: CISDocker.dockerServiceMode, allowedMode: 0o644)

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        Self.requirement.check(object, &context)
    }
}

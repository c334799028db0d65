import KubeModel

/// docker-file-etc-default-docker: /etc/default/docker ownership and permissions (CIS Docker 3.19, 3.20).
public struct DockerFileEtcDefaultDocker: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-file-etc-default-docker",
        title: "/etc/default/docker ownership and permissions",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            /etc/default/docker (the daemon's environment and options on Debian-style hosts), as the host \
            document's Files list it under the role `/etc/default/docker`. Passes when it is owned by uid 0 and \
            gid 0 and has no permission bit outside 0644; fails for each of the two it breaks, naming the \
            control. Modes are bit masks (`mode & ~0644` must be 0), so a mode that is smaller as a number can \
            still fail (docker-bench compares the octal text as decimals and would pass it); setuid, setgid and \
            sticky fail too. Ownership is judged by uid and gid, not by names. Passes when the file does not \
            exist, or when host files were not read.
            """,
        rationale: """
            The file feeds dockerd's options and environment: whoever can write it changes how the daemon \
            starts.
            """,
        remediation: "chown root:root /etc/default/docker && chmod 644 /etc/default/docker",
        references: [.other("docker-bench-security check_3_19 and check_3_20")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/default/docker, Role: /etc/default/docker, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0644"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/default/docker, Role: /etc/default/docker, Exists: false}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/default/docker, Role: /etc/default/docker, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0666"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/default/docker, Role: /etc/default/docker, Exists: true, Uid: 0, Gid: 50, Owner: root, Group: staff, Mode: "0644"}
                """, docker: .dockerHost, paths: ["Files[0].Owner"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.etcDefaultDockerOwner, CISDocker.etcDefaultDockerMode])
    )

    static let requirement = DockerFileRequirement(
        role: "/etc/default/docker", what: "the file", ownerControl: CISDocker.etcDefaultDockerOwner,
        modeControl: CISDocker.etcDefaultDockerMode, allowedMode: 0o644)

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        Self.requirement.check(object, &context)
    }
}

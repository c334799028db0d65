import KubeModel

/// docker-file-sysconfig-docker: /etc/sysconfig/docker ownership and permissions (CIS Docker 3.22, 3.21).
public struct DockerFileSysconfigDocker: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-file-sysconfig-docker",
        title: "/etc/sysconfig/docker ownership and permissions",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            /etc/sysconfig/docker (the daemon's options on Red Hat-style hosts), as the host document's Files \
            list it under the role `/etc/sysconfig/docker`. Passes when it is owned by uid 0 and gid 0 and has \
            no permission bit outside 0644; fails for each of the two it breaks, naming the control. Modes are \
            bit masks (`mode & ~0644` must be 0), so a mode that is smaller as a number can still fail \
            (docker-bench compares the octal text as decimals and would pass it); setuid, setgid and sticky fail \
            too. Ownership is judged by uid and gid, not by names. Passes when the file does not exist, or when \
            host files were not read. (The benchmark numbers this pair the other way round: 3.21 is the mode, \
            3.22 the owner.)
            """,
        rationale: """
            The file feeds dockerd's options: whoever can write it changes how the daemon starts.
            """,
        remediation: "chown root:root /etc/sysconfig/docker && chmod 644 /etc/sysconfig/docker",
        references: [.other("docker-bench-security check_3_22 and check_3_21")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/sysconfig/docker, Role: /etc/sysconfig/docker, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0644"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/sysconfig/docker, Role: /etc/sysconfig/docker, Exists: false}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/sysconfig/docker, Role: /etc/sysconfig/docker, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0664"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/sysconfig/docker, Role: /etc/sysconfig/docker, Exists: true, Uid: 1000, Gid: 1000, Owner: alice, Group: alice, Mode: "0644"}
                """, docker: .dockerHost, paths: ["Files[0].Owner"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.sysconfigDockerOwner, CISDocker.sysconfigDockerMode])
    )

    static let requirement = DockerFileRequirement(
        role: "/etc/sysconfig/docker", what: "the file", ownerControl: CISDocker.sysconfigDockerOwner,
        modeControl: CISDocker.sysconfigDockerMode, allowedMode: 0o644)

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        Self.requirement.check(object, &context)
    }
}

import KubeModel

/// docker-file-etc-docker: /etc/docker ownership and permissions (CIS Docker 3.5, 3.6).
public struct DockerFileEtcDocker: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-file-etc-docker",
        title: "/etc/docker ownership and permissions",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            The /etc/docker folder, as the host document's Files list it under the role `/etc/docker`. Passes \
            when it is owned by uid 0 and gid 0 and has no permission bit outside 0755; fails for each of the \
            two it breaks, naming the control. Modes are bit masks (`mode & ~0755` must be 0), so a mode that is \
            smaller as a number can still fail (docker-bench compares the octal text as decimals and would pass \
            it); setuid, setgid and sticky fail too. Ownership is judged by uid and gid, not by names. Passes \
            when the file does not exist, or when host files were not read.
            """,
        rationale: """
            /etc/docker holds daemon.json, the TLS keys and the registry certificates: whoever can write the \
            folder can replace any of them.
            """,
        remediation: "chown root:root /etc/docker && chmod 755 /etc/docker",
        references: [.other("docker-bench-security check_3_5 and check_3_6")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker, Role: /etc/docker, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0755"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker, Role: /etc/docker, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0700"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker, Role: /etc/docker, Exists: false}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker, Role: /etc/docker, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0775"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker, Role: /etc/docker, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0757"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker, Role: /etc/docker, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "01755"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.etcDockerOwner, CISDocker.etcDockerMode])
    )

    static let requirement = DockerFileRequirement(
        role: "/etc/docker", what: "the folder", ownerControl: CISDocker.etcDockerOwner,
        modeControl: CISDocker.etcDockerMode, allowedMode: 0o755)

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        Self.requirement.check(object, &context)
    }
}

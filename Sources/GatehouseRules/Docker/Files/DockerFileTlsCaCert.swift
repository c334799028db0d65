import KubeModel

/// docker-file-tls-ca-cert: tLS CA certificate ownership and permissions (CIS Docker 3.9, 3.10).
public struct DockerFileTlsCaCert: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-file-tls-ca-cert",
        title: "TLS CA certificate ownership and permissions",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            The TLS CA certificate the daemon verifies clients with (daemon.json `tlscacert` or `--tlscacert`; \
            no such setting, no file), as the host document's Files list it under the role `tlscacert`. Passes \
            when it is owned by uid 0 and gid 0 and has no permission bit outside 0444; fails for each of the \
            two it breaks, naming the control. Modes are bit masks (`mode & ~0444` must be 0), so a mode that is \
            smaller as a number can still fail (docker-bench compares the octal text as decimals and would pass \
            it); setuid, setgid and sticky fail too. Ownership is judged by uid and gid, not by names. Passes \
            when the file does not exist, or when host files were not read.
            """,
        rationale: """
            The CA decides which client certificates may drive the daemon: whoever can replace it can sign a \
            certificate of their own and control Docker.
            """,
        remediation: "chown root:root FILE && chmod 444 FILE, for the file the daemon's tlscacert setting names (for example /etc/docker/ca.pem)",
        references: [.other("docker-bench-security check_3_9 and check_3_10")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/ca.pem, Role: tlscacert, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0444"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/ca.pem, Role: tlscacert, Exists: false}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/ca.pem, Role: tlscacert, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0604"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/ca.pem, Role: tlscacert, Exists: true, Uid: 0, Gid: 998, Owner: root, Group: docker, Mode: "0440"}
                """, docker: .dockerHost, paths: ["Files[0].Owner"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.tlsCACertOwner, CISDocker.tlsCACertMode])
    )

    static let requirement = DockerFileRequirement(
        role: "tlscacert", what: "the TLS CA certificate", ownerControl: CISDocker.tlsCACertOwner,
        modeControl: CISDocker.tlsCACertMode, allowedMode: 0o444)

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        Self.requirement.check(object, &context)
    }
}

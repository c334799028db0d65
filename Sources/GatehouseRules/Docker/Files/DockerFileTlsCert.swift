import KubeModel

/// docker-file-tls-cert: docker server certificate ownership and permissions (CIS Docker 3.11, 3.12).
public struct DockerFileTlsCert: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-file-tls-cert",
        title: "Docker server certificate ownership and permissions",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            The daemon's TLS server certificate (daemon.json `tlscert` or `--tlscert`), as the host document's \
            Files list it under the role `tlscert`. Passes when it is owned by uid 0 and gid 0 and has no \
            permission bit outside 0444; fails for each of the two it breaks, naming the control. Modes are bit \
            masks (`mode & ~0444` must be 0), so a mode that is smaller as a number can still fail (docker-bench \
            compares the octal text as decimals and would pass it); setuid, setgid and sticky fail too. \
            Ownership is judged by uid and gid, not by names. Passes when the file does not exist, or when host \
            files were not read.
            """,
        rationale: """
            Whoever can replace the server certificate can make clients trust another daemon, or break the TLS \
            the API depends on.
            """,
        remediation: "chown root:root FILE && chmod 444 FILE, for the file the daemon's tlscert setting names (for example /etc/docker/server-cert.pem)",
        references: [.other("docker-bench-security check_3_11 and check_3_12")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/server-cert.pem, Role: tlscert, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0444"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/server-cert.pem, Role: tlscert, Exists: false}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/server-cert.pem, Role: tlscert, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0666"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/server-cert.pem, Role: tlscert, Exists: true, Uid: 1000, Gid: 1000, Owner: alice, Group: alice, Mode: "0444"}
                """, docker: .dockerHost, paths: ["Files[0].Owner"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.tlsCertOwner, CISDocker.tlsCertMode])
    )

    static let requirement = DockerFileRequirement(
        role: "tlscert", what: "the Docker server certificate", ownerControl: CISDocker.tlsCertOwner,
        modeControl: CISDocker.tlsCertMode, allowedMode: 0o444)

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        Self.requirement.check(object, &context)
    }
}

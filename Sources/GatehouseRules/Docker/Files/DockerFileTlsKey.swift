import KubeModel

/// docker-file-tls-key: docker server key ownership and permissions (CIS Docker 3.13, 3.14).
public struct DockerFileTlsKey: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-file-tls-key",
        title: "Docker server key ownership and permissions",
        category: .docker,
        severity: .high,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            The daemon's TLS private key (daemon.json `tlskey` or `--tlskey`), as the host document's Files list \
            it under the role `tlskey`. Passes when it is owned by uid 0 and gid 0 and has no permission bit \
            outside 0400; fails for each of the two it breaks, naming the control. Modes are bit masks (`mode & \
            ~0400` must be 0), so a mode that is smaller as a number can still fail (docker-bench compares the \
            octal text as decimals and would pass it); setuid, setgid and sticky fail too. Ownership is judged \
            by uid and gid, not by names. Passes when the file does not exist, or when host files were not read. \
            The benchmark says "400": only the owner may read. 0600 fails too (owner write is beyond 0400), as \
            the benchmark's exact value says; nothing needs to write the key in place.
            """,
        rationale: """
            Whoever reads the server key can impersonate the daemon to every client; whoever writes it can \
            replace it.
            """,
        remediation: "chown root:root FILE && chmod 400 FILE, for the file the daemon's tlskey setting names (for example /etc/docker/server-key.pem)",
        references: [.other("docker-bench-security check_3_13 and check_3_14")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/server-key.pem, Role: tlskey, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0400"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/server-key.pem, Role: tlskey, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0000"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/server-key.pem, Role: tlskey, Exists: false}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/server-key.pem, Role: tlskey, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0600"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/server-key.pem, Role: tlskey, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0440"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/server-key.pem, Role: tlskey, Exists: true, Uid: 0, Gid: 1000, Mode: "0400"}
                """, docker: .dockerHost, paths: ["Files[0].Owner"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.tlsKeyOwner, CISDocker.tlsKeyMode])
    )

    static let requirement = DockerFileRequirement(
        role: "tlskey", what: "the Docker server key", ownerControl: CISDocker.tlsKeyOwner,
        modeControl: CISDocker.tlsKeyMode, allowedMode: 0o400)

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        Self.requirement.check(object, &context)
    }
}

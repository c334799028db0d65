import KubeModel

/// docker-file-registry-certs: registry certificate ownership and permissions (CIS Docker 3.7, 3.8).
public struct DockerFileRegistryCerts: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-file-registry-certs",
        title: "Registry certificate ownership and permissions",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Every file in the registry folders of /etc/docker/certs.d (ca.crt, client.cert, client.key), as the \
            host document's Files list it under the role `registry-cert`. Passes when it is owned by uid 0 and \
            gid 0 and has no permission bit outside 0444; fails for each of the two it breaks, naming the \
            control. Modes are bit masks (`mode & ~0444` must be 0), so a mode that is smaller as a number can \
            still fail (docker-bench compares the octal text as decimals and would pass it); setuid, setgid and \
            sticky fail too. Ownership is judged by uid and gid, not by names. Passes when the file does not \
            exist, or when host files were not read. Each file is judged on its own.
            """,
        rationale: """
            These certificates decide which registries the daemon trusts: whoever can replace one can serve the \
            host forged images.
            """,
        remediation: "chown root:root /etc/docker/certs.d/registry.example.com/ca.crt && chmod 444 /etc/docker/certs.d/registry.example.com/ca.crt (every file under /etc/docker/certs.d)",
        references: [.other("docker-bench-security check_3_7 and check_3_8")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/certs.d/registry.example.com/ca.crt, Role: registry-cert, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0444"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/certs.d/registry.example.com/ca.crt, Role: registry-cert, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0400"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/certs.d/registry.example.com/ca.crt, Role: registry-cert, Exists: false}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/certs.d/registry.example.com/ca.crt, Role: registry-cert, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0644"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /etc/docker/certs.d/registry.example.com/ca.crt, Role: registry-cert, Exists: true, Uid: 1000, Gid: 0, Group: root, Mode: "0444"}
                """, docker: .dockerHost, paths: ["Files[0].Owner"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.registryCertOwner, CISDocker.registryCertMode])
    )

    static let requirement = DockerFileRequirement(
        role: "registry-cert", what: "the registry certificate", ownerControl: CISDocker.registryCertOwner,
        modeControl: CISDocker.registryCertMode, allowedMode: 0o444)

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        Self.requirement.check(object, &context)
    }
}

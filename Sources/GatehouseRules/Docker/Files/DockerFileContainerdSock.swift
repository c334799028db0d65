import KubeModel

/// docker-file-containerd-sock: containerd socket ownership and permissions (CIS Docker 3.23, 3.24).
public struct DockerFileContainerdSock: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-file-containerd-sock",
        title: "containerd socket ownership and permissions",
        category: .docker,
        severity: .high,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            /run/containerd/containerd.sock, as the host document's Files list it under the role \
            `containerd.sock`. Passes when it is owned by uid 0 and gid 0 and has no permission bit outside \
            0660; fails for each of the two it breaks, naming the control. Modes are bit masks (`mode & ~0660` \
            must be 0), so a mode that is smaller as a number can still fail (docker-bench compares the octal \
            text as decimals and would pass it); setuid, setgid and sticky fail too. Ownership is judged by uid \
            and gid, not by names. Passes when the file does not exist, or when host files were not read.
            """,
        rationale: """
            containerd runs every container: access to its socket is root on the host, beside Docker's own \
            access control.
            """,
        remediation: "chown root:root /run/containerd/containerd.sock && chmod 660 /run/containerd/containerd.sock",
        references: [.other("docker-bench-security check_3_23 and check_3_24")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /run/containerd/containerd.sock, Role: containerd.sock, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0660"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /run/containerd/containerd.sock, Role: containerd.sock, Exists: false}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /run/containerd/containerd.sock, Role: containerd.sock, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0666"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /run/containerd/containerd.sock, Role: containerd.sock, Exists: true, Uid: 0, Gid: 998, Owner: root, Group: docker, Mode: "0660"}
                """, docker: .dockerHost, paths: ["Files[0].Owner"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.containerdSockOwner, CISDocker.containerdSockMode])
    )

    static let requirement = DockerFileRequirement(
        role: "containerd.sock", what: "the containerd socket", ownerControl: CISDocker.containerdSockOwner,
        modeControl: CISDocker.containerdSockMode, allowedMode: 0o660)

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        Self.requirement.check(object, &context)
    }
}

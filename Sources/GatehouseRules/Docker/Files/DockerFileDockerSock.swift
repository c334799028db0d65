import KubeModel

/// docker-file-docker-sock: docker socket ownership and permissions (CIS Docker 3.15, 3.16).
public struct DockerFileDockerSock: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-file-docker-sock",
        title: "Docker socket ownership and permissions",
        category: .docker,
        severity: .high,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            The daemon's unix sockets (each `unix://` of `hosts`, else /var/run/docker.sock, and the socket the \
            audit reads through), as the host document's Files list it under the role `docker.sock`. Passes when \
            it is owned by uid 0 and by the group named docker (3.15), or by gid 0 (stricter: only root can use \
            it) and has no permission bit outside 0660; fails for each of the two it breaks, naming the control. \
            Modes are bit masks (`mode & ~0660` must be 0), so a mode that is smaller as a number can still fail \
            (docker-bench compares the octal text as decimals and would pass it); setuid, setgid and sticky fail \
            too. Ownership is judged by uid and gid, not by names. Passes when the file does not exist, or when \
            host files were not read.
            """,
        rationale: """
            Access to the socket is root on the host: whoever can open it starts a privileged container with the \
            host's root filesystem mounted.
            """,
        remediation: "chown root:docker /var/run/docker.sock && chmod 660 /var/run/docker.sock (dockerd sets both when it creates the socket; a unit or script changed them)",
        references: [.other("docker-bench-security check_3_15 and check_3_16")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /var/run/docker.sock, Role: docker.sock, Exists: true, Uid: 0, Gid: 998, Owner: root, Group: docker, Mode: "0660"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /var/run/docker.sock, Role: docker.sock, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0600"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /var/run/docker.sock, Role: docker.sock, Exists: false}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /var/run/docker.sock, Role: docker.sock, Exists: true, Uid: 0, Gid: 998, Owner: root, Group: docker, Mode: "0666"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /var/run/docker.sock, Role: docker.sock, Exists: true, Uid: 0, Gid: 1000, Owner: root, Group: alice, Mode: "0660"}
                """, docker: .dockerHost, paths: ["Files[0].Owner"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /var/run/docker.sock, Role: docker.sock, Exists: true, Uid: 1000, Gid: 998, Group: docker, Mode: "0662"}
                """, docker: .dockerHost, paths: ["Files[0].Owner", "Files[0].Mode"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.dockerSockOwner, CISDocker.dockerSockMode])
    )

    static let requirement = DockerFileRequirement(
        role: "docker.sock", what: "the Docker socket", ownerControl: CISDocker.dockerSockOwner,
        modeControl: CISDocker.dockerSockMode, allowedMode: 0o660,
        groups: ["docker"])

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        Self.requirement.check(object, &context)
    }
}

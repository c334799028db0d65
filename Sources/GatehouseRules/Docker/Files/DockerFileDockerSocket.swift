import KubeModel

/// docker-file-docker-socket: docker.socket unit ownership and permissions (CIS Docker 3.3, 3.4).
public struct DockerFileDockerSocket: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-file-docker-socket",
        title: "docker.socket unit ownership and permissions",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            The docker.socket systemd unit (found as docker.service is), as the host document's Files list it \
            under the role `docker.socket`. Passes when it is owned by uid 0 and gid 0 and has no permission bit \
            outside 0644; fails for each of the two it breaks, naming the control. Modes are bit masks (`mode & \
            ~0644` must be 0), so a mode that is smaller as a number can still fail (docker-bench compares the \
            octal text as decimals and would pass it); setuid, setgid and sticky fail too. Ownership is judged \
            by uid and gid, not by names. Passes when the file does not exist, or when host files were not read.
            """,
        rationale: """
            The socket unit decides where the Docker API listens and who may open the socket (SocketMode, \
            SocketGroup, ListenStream): whoever can write it can expose the API.
            """,
        remediation: "chown root:root /lib/systemd/system/docker.socket && chmod 644 /lib/systemd/system/docker.socket",
        references: [.other("docker-bench-security check_3_3 and check_3_4")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /lib/systemd/system/docker.socket, Role: docker.socket, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0644"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /lib/systemd/system/docker.socket, Role: docker.socket, Exists: false}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /lib/systemd/system/docker.socket, Role: docker.socket, Exists: true, Uid: 0, Gid: 0, Owner: root, Group: root, Mode: "0646"}
                """, docker: .dockerHost, paths: ["Files[0].Mode"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Files:
                - {Path: /lib/systemd/system/docker.socket, Role: docker.socket, Exists: true, Uid: 0, Gid: 1000, Owner: root, Group: ops, Mode: "0644"}
                """, docker: .dockerHost, paths: ["Files[0].Owner"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.dockerSocketUnitOwner, CISDocker.dockerSocketUnitMode])
    )

    static let requirement = DockerFileRequirement(
        role: "docker.socket", what: "the docker.socket unit", ownerControl: CISDocker.dockerSocketUnitOwner,
        modeControl: CISDocker.dockerSocketUnitMode, allowedMode: 0o644)

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        Self.requirement.check(object, &context)
    }
}

import KubeModel

/// alert-docker-ssh: an SSH server runs inside a container on a Docker host.
public struct AlertDockerSsh: DockerAlertRule {
    public static let tactic = Tactic.execution
    public static let description = RuleDescription(
        id: "alert-docker-ssh",
        title: "SSH server running inside a container",
        category: .alerts,
        severity: .medium,
        action: .audit,
        scope: .kinds(["DockerEvent"]),
        profiles: [.cisDocker, .cisDockerL1],
        spec: """
            Alerts when the processes of a running container (`GET /containers/{id}/top`, read when the watcher \
            connects and then every poll interval) include an SSH server, read as the CIS 5.7 rule docker-sshd reads \
            it: a command column whose program (by base name, so `/usr/sbin/sshd -D` counts) is `dropbear`, \
            `sshd`, `sshd-session` and the like, or OpenSSH's own `sshd: ...` title. The evidence names the process. Polling \
            misses a server that lives shorter than the interval; the daemon's `top` events that polling causes \
            are the watcher's own and are not judged.
            """,
        rationale: """
            A container is reached through its runtime, not a login service: an SSH server inside one is a \
            misconfiguration, or the door an intruder left to come back.
            """,
        remediation: """
            Find what started the server; remove it from the image and reach the container with `docker exec` \
            (under access control) instead. If the container was breached, replace it from a clean image.
            """,
        references: [
            .defender("SSH server is running inside a container (alert K8S.NODE_ContainerSSH; before: VM_ContainerSSH)"),
            tactic.reference,
        ],
        passing: [
            Example(
                """
                Event: {Type: container, Action: poll, Actor: {ID: 0c3e, Attributes: {name: web}}}
                Container: {Id: 0c3e, Name: /web, Config: {Image: nginx}}
                Top:
                  Titles: [PID, USER, COMMAND, COMMAND]
                  Processes:
                    - ["4120", root, nginx, "nginx: master process nginx -g daemon off;"]
                    - ["4170", "101", sh, "sh -c echo sshd is not running"]
                """),
        ],
        failing: [
            Example(
                """
                Event: {Type: container, Action: poll, Actor: {ID: 0c3e, Attributes: {name: box}}}
                Container: {Id: 0c3e, Name: /box, Config: {Image: ubuntu}}
                Top:
                  Titles: [PID, USER, COMMAND, COMMAND]
                  Processes:
                    - ["5001", root, bash, "bash"]
                    - ["5077", root, sshd, "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"]
                """,
                paths: ["Top.Processes[1]"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ activity: DockerActivity, _ context: inout DockerAlertContext) {
        guard activity.type == "container", activity.action == DockerActivity.poll || activity.action == DockerActivity.inventory,
            let top = activity.top
        else { return }
        guard let server = SSHServers.find(in: top).first else { return }
        let pidText = server.pid.map { " (pid \($0))" } ?? ""
        context.report(
            "an SSH server runs inside container \(activity.containerLabel) of image \(activity.image): \(server.command)\(pidText)",
            evidence: [Evidence("Top.Processes[\(server.index)]", server.columns.joined(separator: " "))])
    }
}

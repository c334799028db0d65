import KubeModel

/// docker-sshd: no SSH server runs inside a container (CIS Docker 5.7).
public struct DockerSshd: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-sshd",
        title: "SSH server running in a container",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container, running. Reads the process list the live reader adds to the container's document \
            (`Top`: {Titles, Processes}, from GET /containers/{id}/top?ps_args=-ef, which runs the host's ps on \
            the container's processes, so it works on images without ps). Fails for each process whose program \
            is an SSH server: the first word of a command column (CMD, COMMAND, COMM or ARGS, else the last \
            column), without a directory and a trailing `:`, is `dropbear`, `sshd` or starts with `sshd-` \
            (OpenSSH 9.8's sshd-session and sshd-auth; `sshd: /usr/sbin/sshd -D [listener]` is how sshd renames itself). An argument naming sshd \
            (`grep sshd`, `vi /etc/ssh/sshd_config`) does not count. Passes when there is no process list (an \
            export, a stopped container, a daemon that refused top): nothing to read. docker-bench runs \
            `docker exec <c> ps -el | grep -c sshd` inside the container, which needs ps in the image and counts \
            any line mentioning sshd. A poll sees only what runs at that moment.
            """,
        rationale: """
            An SSH server in a container is another way in that bypasses Docker's access control and logging, \
            with its own keys and passwords to manage; `docker exec` is the way in.
            """,
        remediation: "Remove the SSH server from the image and its start command; use docker exec to get a shell.",
        references: [
            .defender("SSH server is running inside a container (alerts VM_ContainerSSH, K8S.NODE_ContainerSSH)"),
            .other("docker-bench-security check_5_7"),
        ],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                Top:
                  Titles: [UID, PID, PPID, C, STIME, TTY, TIME, CMD]
                  Processes:
                  - [root, "4242", "4220", "0", "10:00", "?", "00:00:00", "nginx: master process nginx -g daemon off;"]
                  - [root, "4300", "4242", "0", "10:01", "?", "00:00:00", "grep sshd /etc/ssh/sshd_config"]
                """, docker: .dockerContainer),
            Example(
                """
                Id: 4f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /exported
                State: {Running: true}
                """, docker: .dockerContainer),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /ssh
                Top:
                  Titles: [UID, PID, PPID, C, STIME, TTY, TIME, CMD]
                  Processes:
                  - [root, "5100", "5080", "0", "10:00", "?", "00:00:00", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"]
                  - [root, "5200", "5100", "0", "10:02", "?", "00:00:00", "sshd-session: admin [priv]"]
                  - [root, "5300", "5080", "0", "10:03", "?", "00:00:00", "/usr/sbin/sshd -D"]
                  - [root, "5400", "5080", "0", "10:03", "?", "00:00:00", "/usr/local/bin/sshd_exporter"]
                """, docker: .dockerContainer,
                paths: ["Top.Processes[0]", "Top.Processes[1]", "Top.Processes[2]"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.sshd])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let container = DockerContainerView(object), let top = container.root["Top"] else { return }
        for server in SSHServers.find(in: top) {
            context.report(
                "container \(container.label) runs an SSH server (\(server.command))", control: CISDocker.sshd,
                path: "Top.Processes[\(server.index)]", at: server.value)
        }
    }
}

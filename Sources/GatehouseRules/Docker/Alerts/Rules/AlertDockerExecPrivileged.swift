import KubeModel

/// alert-docker-exec-privileged: a command was exec'd into a container as root or with `--privileged`.
public struct AlertDockerExecPrivileged: DockerAlertRule {
    public static let tactic = Tactic.privilegeEscalation
    public static let description = RuleDescription(
        id: "alert-docker-exec-privileged",
        title: "Command exec'd into a container as root or privileged",
        category: .alerts,
        severity: .low,
        action: .audit,
        scope: .kinds(["DockerEvent"]),
        profiles: [.cisDocker, .cisDockerL1],
        spec: """
            Alerts on an `exec_start` event (its Action is `exec_start: <command>`, with the attribute `execID`) \
            whose exec, read from `GET /exec/{execID}/json`, has `ProcessConfig.privileged: true` (`docker exec \
            --privileged`) or runs as root: `ProcessConfig.user` is `root` or `0` (with or without a group), or is \
            empty and the container's `Config.User` is empty, `root` or `0` (the daemon runs an exec without a \
            user as the container's user, and a container without one as root). The actor is that user. \
            `exec_create` is not judged (nothing has run yet), and neither is the container's own healthcheck \
            (the daemon runs it as an exec: an exec whose command equals `Config.Healthcheck.Test`). An exec gone \
            before it could be inspected is not judged.
            Only execs through the Engine API are seen: a privileged process started inside the container by \
            another process needs a process sensor.
            """,
        rationale: """
            An interactive root or privileged shell in a running container bypasses the image, the deployment \
            pipeline and its review; with `--privileged` it has the host's devices and capabilities.
            """,
        remediation: """
            Confirm who opened the session and why. Restrict who can reach the Docker socket (members of the \
            docker group are root-equivalent), and run containers as a non-root user (CIS Docker 4.1, 5.24).
            """,
        references: [
            .defender("Command within a container running with high privileges (alert K8S.NODE_PrivilegedExecutionInContainer; before: VM_PrivilegedExecutionInContainer, \"Privileged command run in container\")"),
            tactic.reference,
        ],
        passing: [
            Example(
                """
                Event: {Type: container, Action: "exec_start: sh", Actor: {ID: 5e0d, Attributes: {name: web, execID: a1b2}}}
                Container: {Id: 5e0d, Name: /web, Config: {Image: nginx, User: "101"}}
                Exec: {ID: a1b2, ProcessConfig: {entrypoint: sh, arguments: [], privileged: false, user: ""}}
                """),
            // The container's healthcheck runs as an exec: not a person's command.
            Example(
                """
                Event: {Type: container, Action: "exec_start: /bin/sh -c wget -q -O- localhost", Actor: {ID: 5e0d, Attributes: {execID: c3d4}}}
                Container: {Id: 5e0d, Name: /web, Config: {Image: nginx, User: "", Healthcheck: {Test: [CMD-SHELL, "wget -q -O- localhost"]}}}
                Exec: {ID: c3d4, ProcessConfig: {entrypoint: /bin/sh, arguments: ["-c", "wget -q -O- localhost"], privileged: false, user: ""}}
                """),
        ],
        failing: [
            Example(
                """
                Event: {Type: container, Action: "exec_start: sh", Actor: {ID: 5e0d, Attributes: {name: web, execID: a1b2}}, timeNano: 1700000000000000000}
                Container: {Id: 5e0d, Name: /web, Config: {Image: nginx, User: "101"}}
                Exec: {ID: a1b2, ProcessConfig: {entrypoint: sh, arguments: [], privileged: false, user: root}}
                """,
                paths: ["Exec.ProcessConfig.user"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ activity: DockerActivity, _ context: inout DockerAlertContext) {
        guard activity.type == "container", activity.action == "exec_start", let exec = activity.exec,
            let process = exec["ProcessConfig"]
        else { return }
        let arguments: [String] = process["arguments"]?.items.compactMap(\.string) ?? []
        let command = [process["entrypoint"]?.string ?? ""] + arguments
        if let test = activity.container?.at("Config", "Healthcheck", "Test"), Self.healthcheck(test) == command { return }
        var evidence: [Evidence] = []
        let privileged = process["privileged"]?.isTrue == true
        if privileged { evidence.append(Evidence("Exec.ProcessConfig.privileged", "true")) }
        let execUser = process["user"]?.string ?? ""
        let containerUser = activity.container?.at("Config", "User")?.string ?? ""
        let user = execUser.isEmpty ? containerUser : execUser
        let root = Self.isRoot(user)
        if root {
            evidence.append(
                execUser.isEmpty && !containerUser.isEmpty
                    ? Evidence("Container.Config.User", containerUser)
                    : Evidence("Exec.ProcessConfig.user", execUser.isEmpty ? "(empty: root)" : execUser))
        }
        guard !evidence.isEmpty else { return }
        let actor = user.isEmpty ? "root" : user
        let how = [privileged ? "privileged" : nil, root ? "as root" : "as \(actor)"].compactMap { $0 }.joined(separator: " ")
        context.report(
            "\"\(command.joined(separator: " "))\" exec'd \(how) into container \(activity.containerLabel) of image \(activity.image)",
            evidence: evidence, actor: actor)
    }

    /// `root`, `0`, `root:<group>`, `0:<group>`, or empty (the default user is root).
    static func isRoot(_ user: String) -> Bool {
        let name = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return name.isEmpty || name == "root" || name == "0"
    }

    /// The command the daemon runs for a healthcheck `Test` (`[CMD, ...]`, or `[CMD-SHELL, s]` through `/bin/sh -c`).
    static func healthcheck(_ test: Value) -> [String]? {
        let words = test.items.compactMap(\.string)
        switch words.first {
        case "CMD": return Array(words.dropFirst())
        case "CMD-SHELL": return words.count == 2 ? ["/bin/sh", "-c", words[1]] : nil
        default: return nil
        }
    }
}

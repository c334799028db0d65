import KubeModel

/// docker-exec-root: no command is run in a container as root with `docker exec` (CIS Docker 5.24).
public struct DockerExecRoot: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-exec-root",
        title: "docker exec as root",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container. Reads the exec sessions the live reader adds to the container's document (`Execs`: \
            GET /exec/{id}/json of each ExecIDs) and fails for each that runs as root: ProcessConfig.user is \
            `root`, a UID 0, or either with a group (`0:0`, `root:staff`); an empty user means the container's \
            Config.User (the daemon fills it in), and an empty one of those means root. Passes when there are \
            none to read (an export, no exec running). docker-bench does not implement this control.
            """,
        rationale: """
            A root shell in a container can change any file of it and is root on the host after an escape; \
            `docker exec --user root` also undoes an image's non-root USER.
            """,
        remediation: "Run docker exec with --user set to the container's non-root user (docker exec --user 1000 ...).",
        references: [.other("docker-bench-security check_5_24 (note only)")],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                Config: {User: app}
                Execs:
                - {ID: e1, ProcessConfig: {entrypoint: sh, arguments: [], privileged: false, user: ""}}
                - {ID: e2, ProcessConfig: {entrypoint: sh, arguments: [], privileged: false, user: "1000:1000"}}
                """, docker: .dockerContainer),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /web
                Config: {User: app}
                Execs:
                - {ID: e1, ProcessConfig: {entrypoint: sh, arguments: [], privileged: false, user: "root"}}
                - {ID: e2, ProcessConfig: {entrypoint: sh, arguments: [], privileged: false, user: "0:1000"}}
                - {ID: e3, ProcessConfig: {entrypoint: sh, arguments: [], privileged: false, user: "app"}}
                """, docker: .dockerContainer,
                paths: ["Execs[0].ProcessConfig.user", "Execs[1].ProcessConfig.user"]),
            Example(
                """
                Id: 8a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /rooted
                Config: {User: ""}
                Execs:
                - {ID: e1, ProcessConfig: {entrypoint: bash, arguments: [], privileged: false, user: ""}}
                """, docker: .dockerContainer, paths: ["Execs[0].ProcessConfig.user"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.execRoot])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let container = DockerContainerView(object) else { return }
        for exec in DockerExec.all(of: container) {
            let given = exec.processConfig?["user"]?.string ?? ""
            let user = given.isEmpty ? container.user : given
            guard DockerUser.isRoot(user) else { continue }
            let shown = user.isEmpty ? "root (no user set)" : user
            context.report(
                "container \(container.label) has an exec session \(exec.id) (\(exec.command)) running as \(shown)",
                control: CISDocker.execRoot, path: "\(exec.path).ProcessConfig.user",
                at: exec.processConfig?["user"] ?? exec.value)
        }
    }
}

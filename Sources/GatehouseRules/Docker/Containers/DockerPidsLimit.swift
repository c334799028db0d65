import KubeModel

/// docker-pids-limit: every container has a PIDs limit (CIS Docker 5.29).
public struct DockerPidsLimit: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-pids-limit",
        title: "No PIDs limit",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container. Fails when HostConfig.PidsLimit is absent, null, 0 or negative (`-1`): the daemon \
            reads all of these as unlimited. A positive limit (`docker run --pids-limit 100`) passes. Same as \
            docker-bench, which also fails `<nil>`.
            """,
        rationale: """
            Without a PIDs limit one container can fork until the host's process table is full (a fork bomb), \
            starving every other container and the host.
            """,
        remediation: "Run the container with --pids-limit set to what it needs (e.g. --pids-limit 200).",
        references: [.other("docker-bench-security check_5_29")],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                HostConfig: {PidsLimit: 100}
                """, docker: .dockerContainer),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /unlimited
                HostConfig: {PidsLimit: -1}
                """, docker: .dockerContainer, paths: ["HostConfig.PidsLimit"]),
            Example(
                """
                Id: 8a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /default
                HostConfig: {PidsLimit: null}
                """, docker: .dockerContainer, paths: ["HostConfig.PidsLimit"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.pidsLimit])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let container = DockerContainerView(object) else { return }
        if let limit = container.hostConfigInt("PidsLimit"), limit > 0 { return }
        let value = container.hostConfig("PidsLimit")
        context.report(
            "container \(container.label) has no PIDs limit (HostConfig.PidsLimit=\(value?.string ?? "null"))",
            control: CISDocker.pidsLimit, path: "HostConfig.PidsLimit", at: value ?? container.hostConfig)
    }
}

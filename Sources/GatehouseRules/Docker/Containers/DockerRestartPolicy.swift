import KubeModel

/// docker-restart-policy: a container restarts on failure at most five times (CIS Docker 5.15).
public struct DockerRestartPolicy: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-restart-policy",
        title: "Unbounded restart policy",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container, HostConfig.RestartPolicy. Fails when Name is `always`; when it is `unless-stopped` \
            (it restarts without limit like `always`, only not after a manual stop: no bound on retries); when \
            it is `on-failure` with MaximumRetryCount above 5, or 0 (the daemon reads 0 as no limit). Passes \
            with `on-failure` and a count of 1 to 5, and with `no` or no policy (the container is not restarted). \
            docker-bench compares only MaximumRetryCount with 5 and ignores the Name, so it passes `always` and \
            `on-failure` without a count.
            """,
        rationale: """
            A container that restarts forever hides a crash loop and gives an attacker unlimited attempts at an \
            exploit that crashes it, while it keeps taking the host's resources.
            """,
        remediation: "Run the container with --restart on-failure:5 (or fewer retries), or without --restart.",
        references: [.other("docker-bench-security check_5_15")],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                HostConfig: {RestartPolicy: {Name: on-failure, MaximumRetryCount: 5}}
                """, docker: .dockerContainer),
            Example(
                """
                Id: 4f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /job
                HostConfig: {RestartPolicy: {Name: "no", MaximumRetryCount: 0}}
                """, docker: .dockerContainer),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /always
                HostConfig: {RestartPolicy: {Name: always, MaximumRetryCount: 0}}
                """, docker: .dockerContainer, paths: ["HostConfig.RestartPolicy.Name"]),
            Example(
                """
                Id: 8a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /retry
                HostConfig: {RestartPolicy: {Name: on-failure, MaximumRetryCount: 10}}
                """, docker: .dockerContainer, paths: ["HostConfig.RestartPolicy.MaximumRetryCount"]),
            Example(
                """
                Id: 7a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /forever
                HostConfig: {RestartPolicy: {Name: on-failure, MaximumRetryCount: 0}}
                """, docker: .dockerContainer, paths: ["HostConfig.RestartPolicy.MaximumRetryCount"]),
            Example(
                """
                Id: 6a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /svc
                HostConfig: {RestartPolicy: {Name: unless-stopped, MaximumRetryCount: 0}}
                """, docker: .dockerContainer, paths: ["HostConfig.RestartPolicy.Name"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.restartPolicy])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let container = DockerContainerView(object), let policy = container.hostConfig("RestartPolicy")
        else { return }
        let name = policy["Name"]?.string ?? ""
        switch name {
        case "always", "unless-stopped":
            context.report(
                "container \(container.label) restarts without limit (restart policy \(name))",
                control: CISDocker.restartPolicy, path: "HostConfig.RestartPolicy.Name", at: policy["Name"])
        case "on-failure":
            let count = policy["MaximumRetryCount"]?.int ?? 0
            guard count <= 0 || count > 5 else { return }
            let detail = count <= 0 ? "no retry limit (MaximumRetryCount 0)" : "\(count) retries, more than 5"
            context.report(
                "container \(container.label) restarts on failure with \(detail)", control: CISDocker.restartPolicy,
                path: "HostConfig.RestartPolicy.MaximumRetryCount", at: policy["MaximumRetryCount"] ?? policy)
        default:
            return
        }
    }
}

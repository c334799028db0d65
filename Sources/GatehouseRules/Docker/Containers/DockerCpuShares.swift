import KubeModel

/// docker-cpu-shares: containers set their CPU priority (CIS Docker 5.12).
public struct DockerCpuShares: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-cpu-shares",
        title: "CPU shares not set",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container. Fails when HostConfig.CpuShares is absent, 0 or 1024: the benchmark's audit reads \
            both as "not set" (0 is the API's unset, 1024 the kernel's default weight, so every container weighs \
            the same). Any other value (`docker run --cpu-shares 512`) passes. \
            HostConfig.NanoCpus (`--cpus`) and CpuQuota are hard caps, not a priority, and do not satisfy the \
            control: a capped container still competes at the default weight. docker-bench passes a container \
            with NanoCpus set and never looks at 1024.
            """,
        rationale: """
            With equal weights a busy, low-value (or compromised) container takes the CPU as much as the critical \
            ones; shares let the host favour what matters under contention.
            """,
        remediation: "Run the container with --cpu-shares set to its relative weight (e.g. --cpu-shares 512).",
        references: [.other("docker-bench-security check_5_12")],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                HostConfig: {CpuShares: 512, NanoCpus: 0}
                """, docker: .dockerContainer),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /capped
                HostConfig: {CpuShares: 0, NanoCpus: 1000000000}
                """, docker: .dockerContainer, paths: ["HostConfig.CpuShares"]),
            Example(
                """
                Id: 8a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /default
                HostConfig: {CpuShares: 1024}
                """, docker: .dockerContainer, paths: ["HostConfig.CpuShares"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.cpuShares])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let container = DockerContainerView(object) else { return }
        let shares = container.hostConfigInt("CpuShares") ?? 0
        guard shares == 0 || shares == 1024 else { return }
        context.report(
            "container \(container.label) does not set its CPU shares (HostConfig.CpuShares=\(shares))",
            control: CISDocker.cpuShares, path: "HostConfig.CpuShares",
            at: container.hostConfig("CpuShares") ?? container.hostConfig)
    }
}

import KubeModel

/// docker-host-uts: containers do not share the host's UTS namespace (CIS Docker 5.21).
public struct DockerHostUts: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-host-uts",
        title: "Host UTS namespace shared",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container. Fails when HostConfig.UTSMode is `host` (`docker run --uts host`), compared exactly \
            as the daemon does; empty (a private UTS namespace, Docker's default) passes. Same as docker-bench.
            """,
        rationale: """
            In the host's UTS namespace a container can change the host's hostname and domain name, which other \
            services (logging, Kerberos, certificates) trust.
            """,
        remediation: "Run the container without --uts host.",
        references: [.other("docker-bench-security check_5_21")],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                HostConfig: {UTSMode: ""}
                """, docker: .dockerContainer),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /tool
                HostConfig: {UTSMode: host}
                """, docker: .dockerContainer, paths: ["HostConfig.UTSMode"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.hostUTS])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        DockerContainerView(object)?.reportHostMode("UTSMode", flag: "UTS", control: CISDocker.hostUTS, &context)
    }
}

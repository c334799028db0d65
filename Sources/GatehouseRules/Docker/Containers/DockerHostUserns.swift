import KubeModel

/// docker-host-userns: containers do not opt out of the daemon's user namespace (CIS Docker 5.31).
public struct DockerHostUserns: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-host-userns",
        title: "Host user namespace shared",
        category: .docker,
        severity: .high,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container. Fails when HostConfig.UsernsMode is `host` (`docker run --userns host`), compared \
            exactly as the daemon does; empty passes. docker-bench fails any value containing `host`; the daemon \
            knows no other such value. On a daemon without userns-remap every container runs in the host's user \
            namespace anyway: CIS 2.9 (a host rule) judges that.
            """,
        rationale: """
            `--userns host` turns off the daemon's user namespace remapping for this container: root in the \
            container is root on the host again.
            """,
        remediation: "Run the container without --userns host.",
        references: [.other("docker-bench-security check_5_31")],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                HostConfig: {UsernsMode: ""}
                """, docker: .dockerContainer),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /tool
                HostConfig: {UsernsMode: host}
                """, docker: .dockerContainer, paths: ["HostConfig.UsernsMode"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.hostUserns])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        DockerContainerView(object)?.reportHostMode("UsernsMode", flag: "user", control: CISDocker.hostUserns, &context)
    }
}

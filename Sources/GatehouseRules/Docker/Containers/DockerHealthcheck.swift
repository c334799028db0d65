import KubeModel

/// docker-healthcheck: every container has a health check (CIS Docker 5.27).
public struct DockerHealthcheck: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-healthcheck",
        title: "Container without health check",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container. Fails when Config.Healthcheck is absent or null, has an empty Test, or its Test is \
            ["NONE"] (`docker run --no-healthcheck`). The container's Config already carries the image's \
            HEALTHCHECK when the run did not override it, so an image health check passes here too. Any other \
            Test (CMD, CMD-SHELL) passes. docker-bench reads State.Health, the runtime's echo of the check, which \
            a created but not started container lacks; this rule reads the configuration, so it judges stopped \
            containers alike.
            """,
        rationale: """
            Without a health check the engine (and whatever restarts containers) cannot tell a hung or hijacked \
            service from a healthy one.
            """,
        remediation: "Add a HEALTHCHECK to the image, or run the container with --health-cmd (and not --no-healthcheck).",
        references: [.other("docker-bench-security check_5_27")],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                Config: {Image: "nginx:1.27", Healthcheck: {Test: [CMD-SHELL, "curl -f http://localhost/"]}}
                """, docker: .dockerContainer),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /unchecked
                Config: {Image: "nginx:1.27"}
                State: {Health: {Status: healthy}}
                """, docker: .dockerContainer, paths: ["Config.Healthcheck"]),
            Example(
                """
                Id: 8a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /disabled
                Config: {Image: "nginx:1.27", Healthcheck: {Test: [NONE]}}
                """, docker: .dockerContainer, paths: ["Config.Healthcheck.Test"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.healthcheck])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let container = DockerContainerView(object) else { return }
        guard let missing = Self.missingHealthcheck(container.root["Config"]) else { return }
        context.report(
            "container \(container.label) \(missing.reason)", control: CISDocker.healthcheck, path: missing.path,
            at: missing.value ?? container.root["Config"])
    }

    /// Why a container or image `Config` has no working health check, with the field to name; `nil` when it
    /// has one. Test `[]` inherits the image's check: after the daemon merged the image in, it means none.
    static func missingHealthcheck(_ config: Value?) -> (reason: String, path: String, value: Value?)? {
        guard let check = config?["Healthcheck"], !check.isNull else {
            return ("has no health check (Config.Healthcheck is not set)", "Config.Healthcheck", nil)
        }
        let test = check["Test"]
        guard let first = test?.items.first?.string else {
            return ("has no health check (Config.Healthcheck.Test is empty)", "Config.Healthcheck", check)
        }
        guard first.uppercased() != "NONE" else {
            return ("has its health check disabled (Config.Healthcheck.Test is [\"NONE\"])", "Config.Healthcheck.Test", test)
        }
        return nil
    }
}

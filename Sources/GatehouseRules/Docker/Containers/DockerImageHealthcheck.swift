import KubeModel

/// docker-image-healthcheck: images declare a HEALTHCHECK (CIS Docker 4.6).
public struct DockerImageHealthcheck: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-image-healthcheck",
        title: "Image without HEALTHCHECK",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker image. Fails when the image's Config.Healthcheck is absent or null, has an empty Test, or its \
            Test is ["NONE"] (`HEALTHCHECK NONE`, which also turns off a base image's check). A CMD or CMD-SHELL \
            test passes. docker-bench fails only a missing Healthcheck (`<nil>`); `HEALTHCHECK NONE` passes there.
            """,
        rationale: """
            An image without a HEALTHCHECK leaves every container of it unchecked unless each run adds one: the \
            engine cannot tell a hung or hijacked service from a healthy one.
            """,
        remediation: "Add a HEALTHCHECK instruction to the Dockerfile (HEALTHCHECK CMD curl -f http://localhost/ || exit 1) and rebuild.",
        references: [.other("docker-bench-security check_4_6; Trivy AVD-DS-0026; Dockle CIS-DI-0006")],
        passing: [
            Example(
                """
                Id: "sha256:3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"
                RepoTags: ["web:1.0"]
                Config: {Healthcheck: {Test: [CMD, /healthcheck]}}
                """, docker: .dockerImage),
        ],
        failing: [
            Example(
                """
                Id: "sha256:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b"
                RepoTags: ["busybox:1.36"]
                Config: {User: "", Cmd: [sh]}
                """, docker: .dockerImage, paths: ["Config.Healthcheck"]),
            Example(
                """
                Id: "sha256:8a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b"
                RepoTags: ["app:2"]
                Config: {Healthcheck: {Test: [NONE]}}
                """, docker: .dockerImage, paths: ["Config.Healthcheck.Test"]),
        ],
        docker: DockerView(.dockerImage, controls: [CISDocker.healthcheckInstruction])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let image = DockerImageView(object) else { return }
        guard let missing = DockerHealthcheck.missingHealthcheck(image.root["Config"]) else { return }
        context.report(
            "image \(image.label) \(missing.reason)", control: CISDocker.healthcheckInstruction, path: missing.path,
            at: missing.value ?? image.root["Config"] ?? image.root)
    }
}

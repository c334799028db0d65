import KubeModel

/// image-digest: images are pinned by digest.
public struct ImageDigest: Rule {
    public static let description = RuleDescription(
        id: "image-digest",
        title: "Images pinned by digest",
        category: .images,
        severity: .low,
        action: .warn,
        scope: .podSpec,
        profiles: [],
        spec: """
            Fails for each container (initContainers, containers, ephemeralContainers) whose image has no \
            digest (`@sha256:...` or any `@algorithm:hex`). A tag alone fails, however specific. Off by default \
            (only in the `all` profile): most teams pin by tag and rely on registry immutability.
            Fields: spec.*Containers[*].image.
            """,
        rationale: """
            A tag can be moved to different content after review; a digest names exactly the bytes that were \
            scanned and approved.
            """,
        remediation: "Reference the image by digest: myacr.azurecr.io/app:1.4@sha256:<digest>.",
        references: [
            .other("gatekeeper k8simagedigests"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: "nginx:1.27@sha256:0123abcd"}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: "nginx:1.27@sha256:0123abcd"}
                  - {name: side, image: "envoy:1.30"}
                """,
                paths: ["spec.containers[1].image"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template else { return }
        for container in template.containers {
            guard let image = ImageReference(container.image), image.digest?.isEmpty ?? true else { continue }
            context.report(
                "container \"\(container.name)\" image \"\(container.image)\" is not pinned by digest",
                path: container.path("image"), at: container.value["image"], container: container)
        }
    }
}

import KubeModel

/// image-not-scanned: a workload runs an image no loaded scanner report covers.
public struct ImageNotScanned: Rule {
    public static let description = RuleDescription(
        id: "image-not-scanned",
        title: "Container images should be scanned for vulnerabilities",
        category: .vulnerabilities,
        severity: .medium,
        action: .warn,
        scope: .podSpec,
        profiles: [],
        spec: """
            For each container (initContainers, containers, ephemeralContainers), fails when no loaded scanner \
            report covers its image, matched as running-image-vulnerabilities matches (digest when pinned or \
            when a Pod's status names it, else normalised `registry/repository:tag`). A reference pinned by a \
            digest that no report names is not scanned even when its tag was: the digest is the content that \
            runs. Silent when no scanner reports are loaded. Off by default (in the `all` profile only): a \
            cluster whose scanner covers only its own registry would flag every public image. At admission \
            the policy's `vulnerabilities.unscanned` (allow, warn, deny) sets its action.
            """,
        rationale: """
            A vulnerability report can only protect the images it covers; an image that was never scanned is \
            an unknown, not a clean one.
            """,
        remediation: "Scan the image (trivy image --format json -o report.json IMAGE) and load the report, or run an image that is scanned, pinned by digest.",
        references: [
            .defender("Container images should be scanned (registry scanning coverage)"),
            .other("Kyverno verifyImages with vulnerability attestations: an image without one is refused"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: ghcr.io/acme/web:1.4}
                """,
                vulnerabilities: ImageVulnerabilities.report(severity: "LOW", fixed: "")),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: never-scanned:1}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: app, image: ghcr.io/acme/web:1.4}
                      - {name: proxy, image: envoyproxy/envoy:v1.30.1}
                      - {name: pinned, image: "ghcr.io/acme/web:1.4@sha256:1111111111111111111111111111111111111111111111111111111111111111"}
                """,
                vulnerabilities: ImageVulnerabilities.report(severity: "LOW", fixed: ""),
                paths: ["spec.template.spec.containers[1].image", "spec.template.spec.containers[2].image"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let index = context.vulnerabilities, let template = context.template else { return }
        let running = RunningDigests.of(object)
        for container in template.containers {
            guard case .notScanned = index.match(container.image, runningDigest: running[container.name]) else { continue }
            let pinned = ImageReference(container.image)?.digest != nil ? " (no report names its digest)" : ""
            context.report(
                "container \"\(container.name)\" runs \(container.image), which no scanner report covers\(pinned)",
                path: container.path("image"), at: container.value["image"], container: container)
        }
    }
}

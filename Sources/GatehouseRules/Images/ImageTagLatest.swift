import KubeModel

/// image-tag-latest: images name a fixed tag, not `latest` and not nothing.
public struct ImageTagLatest: Rule {
    public static let description = RuleDescription(
        id: "image-tag-latest",
        title: "No :latest or untagged images",
        category: .images,
        severity: .medium,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            Fails for each container (initContainers, containers, ephemeralContainers) whose image has a tag in \
            `disallowedTags` (default `latest`, compared exactly: tags are case-sensitive), or has neither a tag \
            nor a digest (the runtime then pulls `latest`).
            A digest pins the content, so `app:latest@sha256:...` passes: the runtime pulls by digest and the \
            tag is ignored. gatekeeper's disallowedtags would fail it; Azure's Rego for this policy is \
            UNVERIFIED. A registry port is not a tag: `registry:5000/app` is untagged and fails.
            Empty images are left to image-allowed-registry. Fields: spec.*Containers[*].image.
            """,
        rationale: """
            A moving tag makes a rollout non-reproducible: two replicas can run different code, a rollback \
            re-pulls whatever `latest` is now, and an attacker who can push the tag ships code without a change \
            to the manifest.
            """,
        remediation: "Pin the image to a version tag (nginx:1.27.2) or, better, a digest (nginx@sha256:...).",
        references: [
            .azurePolicy("Kubernetes cluster containers should not use the latest image tag (021f8078, UNVERIFIED display name)"),
            .other("KSV013, Polaris tagNotSpecified, kubeaudit ImageTagMissing / ImageTagIncorrect, gatekeeper disallowedtags"),
        ],
        parameters: [
            ParameterSpec("disallowedTags", .stringList, default: "[latest]", "Tags that fail, compared exactly."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: "nginx:1.27"}
                  - {name: pinned, image: "registry:5000/app@sha256:0123abcd"}
                  - {name: both, image: "ghcr.io/o/r:latest@sha256:0123abcd"}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent}
                spec:
                  template:
                    spec:
                      initContainers:
                      - {name: setup, image: busybox}
                      containers:
                      - {name: app, image: "registry:5000/app"}
                      - {name: ok, image: "nginx:1.27"}
                      - {name: latest, image: "nginx:latest"}
                """,
                paths: [
                    "spec.template.spec.initContainers[0].image",
                    "spec.template.spec.containers[0].image",
                    "spec.template.spec.containers[2].image",
                ]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: "myacr.azurecr.io/app:dev"}
                  - {name: ok, image: "myacr.azurecr.io/app:1.0"}
                """,
                parameters: "{disallowedTags: [latest, dev]}",
                paths: ["spec.containers[0].image"]),
        ]
    )

    let disallowed: Set<String>

    public init(parameters: RuleParameters) {
        disallowed = Set(parameters.strings("disallowedTags", default: ["latest"]))
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template else { return }
        for container in template.containers {
            guard let image = ImageReference(container.image), image.digest == nil else { continue }
            let message: String
            if let tag = image.tag {
                guard disallowed.contains(tag) else { continue }
                message = "container \"\(container.name)\" image \"\(container.image)\" uses the tag \"\(tag)\""
            } else {
                message = "container \"\(container.name)\" image \"\(container.image)\" has no tag or digest (pulls latest)"
            }
            context.report(message, path: container.path("image"), at: container.value["image"], container: container)
        }
    }
}

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
        ],
        docker: DockerView(
            .dockerContainer, controls: [],
            spec: """
                Docker container: fails when Config.Image (the image as the run gave it) has a tag in \
                `disallowedTags` or neither a tag nor a digest (`docker run busybox` runs busybox:latest), as for \
                pods. A digest, or a container started by image id (`sha256:...` or a prefix of its Image id), \
                passes. No CIS control: the nearest, 5.28 "use the latest version of the image", is a Manual \
                control about pulling fresh images and docker-bench only prints a note for it.
                """,
            remediation: "Run the container from a version tag or digest (docker run nginx:1.27.2, or nginx@sha256:...).",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /web
                    Image: "sha256:0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd"
                    Config: {Image: "nginx:1.27"}
                    """, docker: .dockerContainer),
                Example(
                    """
                    Id: 4f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /by-id
                    Image: "sha256:0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd"
                    Config: {Image: "0123abcd0123"}
                    """, docker: .dockerContainer),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /moving
                    Image: "sha256:0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd"
                    Config: {Image: "busybox"}
                    """, docker: .dockerContainer, paths: ["Config.Image"]),
            ])
    )

    let disallowed: Set<String>

    public init(parameters: RuleParameters) {
        disallowed = Set(parameters.strings("disallowedTags", default: ["latest"]))
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let container = DockerContainerView(object) {
            guard !DockerImageName.isImageID(container.image, of: container),
                let problem = problem(container.image)
            else { return }
            return context.report(
                "container \(container.label) image \(problem)", path: "Config.Image",
                at: container.root.at("Config", "Image"))
        }
        guard let template = context.template else { return }
        for container in template.containers {
            guard let problem = problem(container.image) else { continue }
            context.report(
                "container \"\(container.name)\" image \(problem)", path: container.path("image"),
                at: container.value["image"], container: container)
        }
    }

    /// What is wrong with `reference` (`"nginx:latest" uses the tag "latest"`); `nil` when it is pinned.
    func problem(_ reference: String) -> String? {
        guard let image = ImageReference(reference), image.digest == nil else { return nil }
        guard let tag = image.tag else { return "\"\(reference)\" has no tag or digest (pulls latest)" }
        return disallowed.contains(tag) ? "\"\(reference)\" uses the tag \"\(tag)\"" : nil
    }
}

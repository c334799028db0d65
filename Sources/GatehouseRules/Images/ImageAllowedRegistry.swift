import KubeModel

/// image-allowed-registry: images come only from trusted registries.
public struct ImageAllowedRegistry: Rule {
    public static let description = RuleDescription(
        id: "image-allowed-registry",
        title: "Images from trusted registries only",
        category: .images,
        severity: .high,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            Fails for each container (initContainers, containers, ephemeralContainers) whose image is allowed \
            neither by `allowedImagesRegex` nor by `allowedRegistries`.
            - `allowedImagesRegex` is ANCHORED by Gatehouse: the whole image string must match, as written or in \
            its normalised form (`nginx` is `docker.io/library/nginx:latest`). Azure's \
            k8sazurev2containerallowedimages uses OPA `re_match`, an unanchored search, so an Azure regex \
            `azurecr\\.io` also admits `evil.com/azurecr.io-lookalike`; Azure's docs add `^...$` to avoid \
            that. Anchoring here makes the unsafe form impossible; a pattern already written with `^...$` \
            behaves the same in both.
            - `allowedRegistries` entries are prefixes matched on the normalised reference by whole path \
            components: `myacr.azurecr.io` (a registry), `docker.io/bitnami` (a namespace), `nginx` (one image \
            on Docker Hub). Unlike gatekeeper's k8sallowedrepos plain string prefix (flagged by Trivy KSV-0124), \
            `myacr.azurecr.io` does not admit `myacr.azurecr.io.evil.com/app`.
            Default: both parameters empty, and then the rule reports nothing, because an allow-list nobody has \
            written cannot be enforced; Azure's own sample value `^[^/]+\\.azurecr\\.io/.+$` would fail almost \
            every public manifest. The default action is warn (Azure's policy defaults to audit); set the \
            action to deny once the allow-list is written. An empty image is reported (it cannot be verified).
            Fields: spec.{initContainers,containers,ephemeralContainers}[*].image.
            """,
        rationale: """
            Images from arbitrary registries bypass scanning and provenance controls; a typo-squatted or \
            compromised public image runs with the workload's credentials.
            """,
        remediation: """
            Pull the image from an allowed registry (mirror it into your Azure Container Registry), or add its \
            registry to allowedRegistries / allowedImagesRegex.
            """,
        references: [
            .azurePolicy("Kubernetes cluster containers should only use allowed images (febd0533)"),
            .defender("Container images should be deployed from trusted registries only"),
            .cis("5.5.1 (image provenance, loosely)"),
            .other("KSV032, KSV034, KSV125; gatekeeper k8sallowedrepos"),
        ],
        parameters: [
            ParameterSpec(
                "allowedImagesRegex", .regex, default: "",
                "Anchored regular expression an image must match (as written or normalised), e.g. ^[^/]+\\.azurecr\\.io/.+$"),
            ParameterSpec(
                "allowedRegistries", .stringList, default: "[]",
                "Registry, namespace or image prefixes matched by path component, e.g. [myacr.azurecr.io, mcr.microsoft.com]"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: "docker.io/library/nginx:1.27"}
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  initContainers:
                  - {name: setup, image: "mcr.microsoft.com/azure-cli:2.60"}
                  containers:
                  - {name: app, image: "myacr.azurecr.io/team/app:v2"}
                  - {name: cache, image: "bitnami/redis:7"}
                """,
                parameters: "{allowedImagesRegex: '[^/]+\\.azurecr\\.io/.+', allowedRegistries: [mcr.microsoft.com, docker.io/bitnami]}"),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: app, image: "myacr.azurecr.io/team/app:v2"}
                      - {name: proxy, image: "evil.example/myacr.azurecr.io/proxy:1"}
                      - {name: lookalike, image: "myacr.azurecr.io.evil.example/app:1"}
                      - {name: hub, image: "nginx:1.27"}
                """,
                parameters: "{allowedImagesRegex: 'myacr\\.azurecr\\.io/.+'}",
                paths: [
                    "spec.template.spec.containers[1].image",
                    "spec.template.spec.containers[2].image",
                    "spec.template.spec.containers[3].image",
                ]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: "myacr.azurecr.io.evil.example/app:1"}
                  - {name: cache, image: "docker.io/bitnamii/redis:7"}
                  - {name: ok, image: "myacr.azurecr.io/app:1"}
                """,
                parameters: "{allowedRegistries: [myacr.azurecr.io, docker.io/bitnami]}",
                paths: ["spec.containers[0].image", "spec.containers[1].image"]),
        ]
    )

    let regex: RulePattern?
    let registries: [String]

    public init(parameters: RuleParameters) throws {
        regex = try parameters.pattern("allowedImagesRegex", default: nil)
        registries = parameters.strings("allowedRegistries", default: []).filter { !$0.isEmpty }
    }

    /// Whether the allow-list admits `image`.
    func allows(_ image: String) -> Bool {
        if let regex {
            if regex.wholeMatches(image) { return true }
            if let normalized = ImageReference(image)?.normalized, regex.wholeMatches(normalized) { return true }
        }
        guard let reference = ImageReference(image) else { return false }
        return registries.contains { reference.isUnder($0) }
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template, regex != nil || !registries.isEmpty else { return }
        for container in template.containers where !allows(container.image) {
            context.report(
                "container \"\(container.name)\" image \"\(container.image)\" is not from an allowed registry",
                path: container.path("image"), at: container.value["image"] ?? container.value, container: container)
        }
    }
}

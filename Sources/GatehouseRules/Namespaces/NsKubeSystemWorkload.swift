import KubeModel

/// ns-kube-system-workload: nothing unexpected runs in kube-system.
public struct NsKubeSystemWorkload: Rule {
    static let defaultImages = ["mcr.microsoft.com/*", "registry.k8s.io/*"]
    static let defaultUsers = ["system:serviceaccount:kube-system:*", "aksService", "masterclient"]
    static let defaultGroups = ["system:nodes"]

    public static let description = RuleDescription(
        id: "ns-kube-system-workload",
        title: "User workload in kube-system",
        category: .namespaces,
        severity: .medium,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            For Pods and pod templates in the kube-system namespace (metadata.namespace, or the request's at \
            admission), fails for each container (initContainers, containers, ephemeralContainers) whose image \
            is not in `allowedKubeSystemImages` (image patterns as in exemptions: `nginx` matches any tag of \
            docker.io/library/nginx, a trailing `*` matches any suffix of the normalised reference). The \
            default allows mcr.microsoft.com (AKS add-ons) and registry.k8s.io.
            At admission, requests from `allowedUsers` or `allowedGroups` (globs) pass whatever the image: \
            the kube-system controllers that create pods from kube-system workloads, kubelets (mirror pods), \
            and the AKS resource provider (users `aksService` and `masterclient`, names UNVERIFIED). In the \
            auditor the creator is unknown and only images are checked.
            NOTE: the default policy excludes kube-system from every rule (as Azure Policy does), so this rule \
            reports nothing until kube-system is removed from the policy's excluded namespaces or the rule \
            is given its own namespace scope. Defender's alert K8S_KubeSystemContainer learns a baseline of \
            expected images; this rule takes the list as configuration.
            Field: spec.*Containers[*].image.
            """,
        rationale: """
            kube-system holds the cluster's most privileged components and is excluded from most policies; it \
            is where an intruder hides a workload that should not be there.
            """,
        remediation: "Run the workload in its own namespace, or add its image to allowedKubeSystemImages.",
        references: [
            .defender("New container in the kube-system namespace detected (alert K8S_KubeSystemContainer)"),
            .other("KSV037"),
        ],
        parameters: [
            ParameterSpec(
                "allowedKubeSystemImages", .stringList, default: "[" + defaultImages.joined(separator: ", ") + "]",
                "Image patterns allowed in kube-system."),
            ParameterSpec(
                "allowedUsers", .stringList, default: "[" + defaultUsers.joined(separator: ", ") + "]",
                "Admission only: request users (globs) whose requests pass."),
            ParameterSpec(
                "allowedGroups", .stringList, default: "[" + defaultGroups.joined(separator: ", ") + "]",
                "Admission only: request groups (globs) whose requests pass."),
        ],
        passing: [
            Example(
                """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: csi, namespace: kube-system}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: driver, image: "mcr.microsoft.com/oss/kubernetes-csi/azuredisk-csi:v1.30.0"}
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: tool, namespace: kube-system}
                spec:
                  containers:
                  - {name: tool, image: "ghcr.io/someone/tool:1"}
                """,
                request: AdmissionInfo(
                    user: "system:serviceaccount:kube-system:daemon-set-controller", operation: .create)),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: tool, namespace: shop}
                spec:
                  containers:
                  - {name: tool, image: "ghcr.io/someone/tool:1"}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: helper, namespace: kube-system}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: ok, image: "registry.k8s.io/coredns/coredns:v1.11.1"}
                      - {name: helper, image: "ghcr.io/someone/helper:1"}
                """,
                paths: ["spec.template.spec.containers[1].image"]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: helper}
                spec:
                  containers:
                  - {name: helper, image: "ghcr.io/someone/helper:1"}
                """,
                request: AdmissionInfo(
                    user: "alice@example.com", groups: ["system:authenticated"], operation: .create,
                    namespace: "kube-system"),
                paths: ["spec.containers[0].image"]),
        ]
    )

    let images: [String]
    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        images = parameters.strings("allowedKubeSystemImages", default: Self.defaultImages)
        allowed = AllowedRequesters(parameters, users: Self.defaultUsers, groups: Self.defaultGroups)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template, Matching.namespace(of: object, context.request) == "kube-system",
            !allowed.contain(context.request)
        else { return }
        for container in template.containers {
            let allowed = ImageReference(container.image).map { image in images.contains { image.matches($0) } } ?? false
            guard !allowed else { continue }
            context.report(
                "container \"\(container.name)\" image \"\(container.image)\" is not an expected kube-system image",
                path: container.path("image"), at: container.value["image"] ?? container.value, container: container)
        }
    }
}

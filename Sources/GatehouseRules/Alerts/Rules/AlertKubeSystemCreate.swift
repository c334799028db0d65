import KubeModel

/// alert-kube-system-create: a pod or service account was created in kube-system or kube-public.
public struct AlertKubeSystemCreate: AlertRule {
    static let namespaces: Set<String> = ["kube-system", "kube-public"]
    /// Images of the components Kubernetes and AKS run in kube-system.
    static let defaultImages = [
        "mcr.microsoft.com/*", "registry.k8s.io/*", "k8s.gcr.io/*", "gcr.io/k8s-*", "docker.io/calico/*",
        "quay.io/cilium/*",
    ]
    /// Identities that create service accounts in kube-system in normal operation: the control plane, and
    /// AKS's own service principals.
    static let defaultUsers = ["system:kube-controller-manager", "system:apiserver", "aksService", "masterclient"]

    public static let tactic = Tactic.persistence
    public static let description = RuleDescription(
        id: "alert-kube-system-create",
        title: "New container or service account in kube-system",
        category: .alerts,
        severity: .medium,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create` of
            - `pods` in `kube-system` or `kube-public` running an image that matches none of `allowedImages` \
            (globs over the image reference as written, default the registries of Kubernetes and AKS system \
            components): one alert naming every such image. Without a request body the images are unknown: the \
            event is counted as unjudged, never alerted on.
            - `serviceaccounts` in `kube-system` or `kube-public` by a user not in `allowedUsers` and in no group \
            of `allowedGroups` (globs). Works at every audit level.
            Defender learns "new" from a baseline of what usually runs there; this rule takes the baseline as \
            the allowed images and identities instead, so it holds no state and needs no warm-up.
            """,
        rationale: """
            kube-system is where attackers hide: its pods are privileged, rarely looked at, and excluded from most \
            policies. A new workload or identity there is a common persistence step.
            """,
        remediation: """
            Find who created the pod or service account and why; delete it unless it belongs to a component you \
            installed, then add that component's image registry to allowedImages or its installer to allowedUsers.
            """,
        references: [
            .defender("New container in the kube-system namespace detected (alert K8S_KubeSystemContainer)"),
            .other("Falco k8saudit rules \"Pod Created in Kube Namespace\" and \"Service Account Created in Kube Namespace\""),
            tactic.reference,
        ],
        parameters: [
            ParameterSpec(
                "allowedImages", .stringList, default: "[" + defaultImages.joined(separator: ", ") + "]",
                "Image globs that may run in kube-system and kube-public without an alert."),
            ParameterSpec(
                "allowedUsers", .stringList, default: "[" + defaultUsers.joined(separator: ", ") + "]",
                "Users (globs) who may create service accounts there."),
            ParameterSpec("allowedGroups", .stringList, default: "[]", "Groups (globs) who may create service accounts there."),
        ],
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: create
                user: {username: "system:serviceaccount:kube-system:replicaset-controller"}
                objectRef: {resource: pods, namespace: kube-system, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: Pod
                  metadata: {generateName: coredns-5d78c9869d-, namespace: kube-system}
                  spec:
                    containers: [{name: coredns, image: "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.1"}]
                """),
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: create
                user: {username: alice}
                objectRef: {resource: serviceaccounts, namespace: shop, name: web, apiVersion: v1}
                responseStatus: {code: 201}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: create
                user: {username: mallory}
                objectRef: {resource: pods, namespace: kube-system, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: Pod
                  metadata: {name: kube-proxy-x, namespace: kube-system}
                  spec:
                    containers: [{name: proxy, image: "docker.io/evil/proxy:1"}]
                """,
                paths: ["requestObject.spec.containers[0].image"]),
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: create
                user: {username: mallory}
                objectRef: {resource: serviceaccounts, namespace: kube-public, name: helper, apiVersion: v1}
                responseStatus: {code: 201}
                """,
                paths: ["objectRef.namespace"]),
        ]
    )

    let images: [Glob]
    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        images = parameters.strings("allowedImages", default: Self.defaultImages).map(Glob.init)
        allowed = AllowedRequesters(parameters, users: Self.defaultUsers)
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard Self.namespaces.contains(event.target.namespace), event.succeeded else { return }
        if event.creates("serviceaccounts") {
            guard !event.actor(in: allowed) else { return }
            context.report(
                "\(event.actorName) created service account \(event.objectDisplayName)",
                evidence: [Evidence("objectRef.namespace", event.target.namespace)])
        } else if event.creates("pods") {
            guard let body = event.requestObject else { return context.cannotJudge(event.missingBodyReason) }
            guard let pod = KubeObject(root: body, source: SourceRef(file: event.origin.file)),
                let template = PodTemplate(of: pod)
            else { return }
            var evidence: [Evidence] = []
            var unknown: [String] = []
            for container in template.containers where !images.anyMatches(Self.normalised(container.image)) {
                evidence.append(Evidence("requestObject." + container.path + ".image", container.image))
                unknown.append(container.image)
            }
            guard !unknown.isEmpty else { return }
            context.report(
                "\(event.actorName) created pod \(event.objectDisplayName) running \(unknown.joined(separator: ", "))",
                evidence: evidence, images: unknown)
        }
    }

    /// The image with its registry spelt out (`nginx` is `docker.io/library/nginx`), so globs over registries
    /// cannot be dodged by leaving the registry out.
    static func normalised(_ image: String) -> String {
        ImageReference(image)?.normalized ?? image
    }
}

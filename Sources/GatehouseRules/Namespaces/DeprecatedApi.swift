import KubeModel

/// deprecated-api: manifests use API versions the target Kubernetes version still serves.
public struct DeprecatedApi: Rule {
    /// One deprecated group/version of one kind.
    struct Entry: Sendable {
        let apiVersion: String
        let kinds: [String]
        /// Minor version (1.x) where it was deprecated, and where it stopped being served.
        let deprecated: Int
        let removed: Int
        let replacement: String
    }

    /// From the Kubernetes deprecated API migration guide (stable and beta APIs).
    static let table: [Entry] = [
        Entry(apiVersion: "extensions/v1beta1", kinds: ["Deployment", "DaemonSet", "ReplicaSet"], deprecated: 9, removed: 16, replacement: "apps/v1"),
        Entry(apiVersion: "extensions/v1beta1", kinds: ["NetworkPolicy"], deprecated: 9, removed: 16, replacement: "networking.k8s.io/v1"),
        Entry(apiVersion: "extensions/v1beta1", kinds: ["PodSecurityPolicy"], deprecated: 10, removed: 16, replacement: "policy/v1beta1 (itself removed in 1.25)"),
        Entry(apiVersion: "extensions/v1beta1", kinds: ["Ingress"], deprecated: 14, removed: 22, replacement: "networking.k8s.io/v1"),
        Entry(apiVersion: "apps/v1beta1", kinds: ["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "ControllerRevision"], deprecated: 9, removed: 16, replacement: "apps/v1"),
        Entry(apiVersion: "apps/v1beta2", kinds: ["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "ControllerRevision"], deprecated: 9, removed: 16, replacement: "apps/v1"),
        Entry(apiVersion: "admissionregistration.k8s.io/v1beta1", kinds: ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"], deprecated: 16, removed: 22, replacement: "admissionregistration.k8s.io/v1"),
        Entry(apiVersion: "apiextensions.k8s.io/v1beta1", kinds: ["CustomResourceDefinition"], deprecated: 16, removed: 22, replacement: "apiextensions.k8s.io/v1"),
        Entry(apiVersion: "apiregistration.k8s.io/v1beta1", kinds: ["APIService"], deprecated: 19, removed: 22, replacement: "apiregistration.k8s.io/v1"),
        Entry(apiVersion: "authentication.k8s.io/v1beta1", kinds: ["TokenReview"], deprecated: 19, removed: 22, replacement: "authentication.k8s.io/v1"),
        Entry(apiVersion: "authorization.k8s.io/v1beta1", kinds: ["SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview"], deprecated: 19, removed: 22, replacement: "authorization.k8s.io/v1"),
        Entry(apiVersion: "certificates.k8s.io/v1beta1", kinds: ["CertificateSigningRequest"], deprecated: 19, removed: 22, replacement: "certificates.k8s.io/v1"),
        Entry(apiVersion: "coordination.k8s.io/v1beta1", kinds: ["Lease"], deprecated: 19, removed: 22, replacement: "coordination.k8s.io/v1"),
        Entry(apiVersion: "networking.k8s.io/v1beta1", kinds: ["Ingress", "IngressClass"], deprecated: 19, removed: 22, replacement: "networking.k8s.io/v1"),
        Entry(apiVersion: "rbac.authorization.k8s.io/v1beta1", kinds: ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"], deprecated: 17, removed: 22, replacement: "rbac.authorization.k8s.io/v1"),
        Entry(apiVersion: "scheduling.k8s.io/v1beta1", kinds: ["PriorityClass"], deprecated: 14, removed: 22, replacement: "scheduling.k8s.io/v1"),
        Entry(apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"], deprecated: 19, removed: 22, replacement: "storage.k8s.io/v1"),
        Entry(apiVersion: "batch/v1beta1", kinds: ["CronJob"], deprecated: 21, removed: 25, replacement: "batch/v1"),
        Entry(apiVersion: "discovery.k8s.io/v1beta1", kinds: ["EndpointSlice"], deprecated: 21, removed: 25, replacement: "discovery.k8s.io/v1"),
        Entry(apiVersion: "events.k8s.io/v1beta1", kinds: ["Event"], deprecated: 19, removed: 25, replacement: "events.k8s.io/v1"),
        Entry(apiVersion: "autoscaling/v2beta1", kinds: ["HorizontalPodAutoscaler"], deprecated: 22, removed: 25, replacement: "autoscaling/v2"),
        Entry(apiVersion: "policy/v1beta1", kinds: ["PodDisruptionBudget"], deprecated: 21, removed: 25, replacement: "policy/v1"),
        Entry(apiVersion: "policy/v1beta1", kinds: ["PodSecurityPolicy"], deprecated: 21, removed: 25, replacement: "Pod Security Admission (no replacement API)"),
        Entry(apiVersion: "node.k8s.io/v1beta1", kinds: ["RuntimeClass"], deprecated: 20, removed: 25, replacement: "node.k8s.io/v1"),
        Entry(apiVersion: "autoscaling/v2beta2", kinds: ["HorizontalPodAutoscaler"], deprecated: 23, removed: 26, replacement: "autoscaling/v2"),
        Entry(apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", kinds: ["FlowSchema", "PriorityLevelConfiguration"], deprecated: 23, removed: 26, replacement: "flowcontrol.apiserver.k8s.io/v1"),
        Entry(apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIStorageCapacity"], deprecated: 24, removed: 27, replacement: "storage.k8s.io/v1"),
        Entry(apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2", kinds: ["FlowSchema", "PriorityLevelConfiguration"], deprecated: 26, removed: 29, replacement: "flowcontrol.apiserver.k8s.io/v1"),
        Entry(apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", kinds: ["FlowSchema", "PriorityLevelConfiguration"], deprecated: 29, removed: 32, replacement: "flowcontrol.apiserver.k8s.io/v1"),
    ]

    static let defaultTarget = "1.33"

    public static let description = RuleDescription(
        id: "deprecated-api",
        title: "Deprecated or removed apiVersion",
        category: .namespaces,
        severity: .low,
        action: .warn,
        scope: .kinds(Set(table.flatMap(\.kinds))),
        profiles: [],
        spec: """
            Fails when an object's apiVersion and kind are deprecated in, or removed by, `targetK8sVersion` \
            (default \(defaultTarget); written 1.N or v1.N), according to the Kubernetes deprecated API \
            migration guide: extensions/v1beta1 and apps/v1beta1/v1beta2 workloads (removed 1.16), the v1beta1 \
            Ingress, RBAC, admission, CRD, storage, certificates and coordination APIs (1.22), batch/v1beta1 \
            CronJob, policy/v1beta1 PodDisruptionBudget and PodSecurityPolicy, autoscaling/v2beta1, \
            discovery/events/node v1beta1 (1.25), autoscaling/v2beta2 and flowcontrol v1beta1 (1.26), \
            CSIStorageCapacity v1beta1 (1.27), flowcontrol v1beta2 (1.29) and v1beta3 (1.32). Alpha APIs are \
            not listed. Off by default (only in the `all` profile): it is a lint for manifests rather than an \
            AKS security recommendation; at admission a removed API cannot reach the webhook at all.
            Field: apiVersion.
            """,
        rationale: """
            A manifest on a removed API fails to apply after an upgrade, often in the middle of an incident; a \
            deprecated one will.
            """,
        remediation: "Move the manifest to the replacement apiVersion named in the finding and adapt changed fields.",
        references: [
            .other("Kubernetes deprecated API migration guide; KSV107; kubeaudit deprecatedapis"),
        ],
        parameters: [
            ParameterSpec("targetK8sVersion", .string, default: defaultTarget, "Kubernetes version the manifests must work on."),
        ],
        passing: [
            Example(
                """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: report}
                spec:
                  schedule: "0 * * * *"
                  jobTemplate: {spec: {template: {spec: {containers: [{name: job, image: report:3}]}}}}
                """),
            Example(
                """
                apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
                kind: FlowSchema
                metadata: {name: x}
                spec: {}
                """,
                parameters: "{targetK8sVersion: v1.28}"),
        ],
        failing: [
            Example(
                """
                apiVersion: policy/v1beta1
                kind: PodDisruptionBudget
                metadata: {name: web}
                spec: {minAvailable: 1}
                """,
                paths: ["apiVersion"]),
            Example(
                """
                apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
                kind: FlowSchema
                metadata: {name: x}
                spec: {}
                """,
                parameters: "{targetK8sVersion: '1.29'}",
                paths: ["apiVersion"]),
        ]
    )

    let target: Int

    public init(parameters: RuleParameters) throws {
        let text = parameters.string("targetK8sVersion", default: Self.defaultTarget) ?? Self.defaultTarget
        var version = Substring(text)
        if version.hasPrefix("v") { version = version.dropFirst() }
        let parts = version.split(separator: ".")
        guard parts.count >= 2, parts[0] == "1", let minor = Int(parts[1]) else {
            throw ParameterError(
                parameter: "targetK8sVersion", position: parameters.value("targetK8sVersion")?.position ?? .unknown,
                message: "\"\(text)\" is not a Kubernetes version such as 1.33")
        }
        target = minor
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard
            let entry = Self.table.first(where: { $0.apiVersion == object.apiVersion && $0.kinds.contains(object.kind) }),
            target >= entry.deprecated
        else { return }
        let state =
            target >= entry.removed
            ? "removed in Kubernetes 1.\(entry.removed)"
            : "deprecated since 1.\(entry.deprecated) and removed in 1.\(entry.removed)"
        context.report(
            "\(object.kind) uses \(object.apiVersion), \(state); use \(entry.replacement)", path: "apiVersion",
            at: object.root["apiVersion"])
    }
}

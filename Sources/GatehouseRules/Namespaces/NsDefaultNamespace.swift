import KubeModel

/// ns-default-namespace: workloads and their objects live in a namespace of their own, not `default`.
public struct NsDefaultNamespace: Rule {
    static let kinds: Set<String> = [
        "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController",
        "PodTemplate", "Service", "ServiceAccount", "ConfigMap", "Secret", "Role", "RoleBinding", "Ingress",
    ]

    public static let description = RuleDescription(
        id: "ns-default-namespace",
        title: "Default namespace used",
        category: .namespaces,
        severity: .low,
        action: .warn,
        scope: .kinds(kinds),
        profiles: [.aks],
        spec: """
            Fails when a Pod, workload (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, \
            ReplicationController, PodTemplate), Service, ServiceAccount, ConfigMap, Secret, Role, RoleBinding \
            or Ingress has metadata.namespace `default`, or none.
            At admission the namespace of the request counts when the object omits it (kubectl sends the \
            target namespace in the request, not always in the object). In the auditor a manifest without a \
            namespace fails: it lands in whatever namespace the applier's context points to, usually `default`; \
            Helm and kustomize users who set the namespace at apply time can switch the rule off or exempt paths.
            Exceptions, as Azure's k8sazurev1blockdefault: the ServiceAccount `default`, the Service \
            `kubernetes`, the ConfigMap `kube-root-ca.crt`, and a Secret of type \
            kubernetes.io/service-account-token for the ServiceAccount `default`, which Kubernetes creates itself.
            Field: metadata.namespace.
            """,
        rationale: """
            The default namespace has no quotas, network policies or RBAC boundaries of its own; objects there \
            share one blast radius and are hard to own, audit and clean up.
            """,
        remediation: "Create a namespace for the application and set metadata.namespace (or deploy with -n <namespace>).",
        references: [
            .azurePolicy("Kubernetes clusters should not use the default namespace (9f061a12)"),
            .defender("Kubernetes clusters should not use the default namespace"),
            .cis("5.7.4 [AKS 4.6.3]"),
            .other("KSV110, CKV_K8S_21"),
        ],
        passing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: app, image: nginx:1.27}
                """),
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: kubernetes, namespace: default}
                spec:
                  ports: [{port: 443}]
                """),
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: default-token-abcde
                  namespace: default
                  annotations: {kubernetes.io/service-account.name: default}
                type: kubernetes.io/service-account-token
                """),
            Example(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {a: b}
                """,
                request: AdmissionInfo(user: "alice", operation: .create, namespace: "shop")),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: default}
                data: {a: b}
                """,
                paths: ["metadata.namespace"]),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: reader}
                rules: []
                """,
                paths: ["metadata.namespace"]),
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: app-token
                  namespace: default
                  annotations: {kubernetes.io/service-account.name: app}
                type: kubernetes.io/service-account-token
                """,
                paths: ["metadata.namespace"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    func isException(_ object: KubeObject) -> Bool {
        guard object.group == "" else { return false }
        switch (object.kind, object.name) {
        case ("ServiceAccount", "default"), ("Service", "kubernetes"), ("ConfigMap", "kube-root-ca.crt"): return true
        case ("Secret", _):
            return object.root["type"]?.string == "kubernetes.io/service-account-token"
                && object.annotation("kubernetes.io/service-account.name") == "default"
        default: return false
        }
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        let namespace = Matching.namespace(of: object, context.request)
        guard namespace == nil || namespace == "default", !isException(object) else { return }
        let value = object.metadata?["namespace"]
        let message =
            namespace == nil
            ? "\(object.kind) \"\(object.name)\" has no namespace (it lands in the applier's current namespace, usually default)"
            : "\(object.kind) \"\(object.name)\" is in the default namespace"
        context.report(message, path: "metadata.namespace", at: value ?? object.metadata ?? object.root)
    }
}

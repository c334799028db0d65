import KubeModel

/// netpol-namespace-missing: namespaces that run pods with no NetworkPolicy at all.
public struct NetpolNamespaceMissing: CrossObjectRule {
    public static let description = RuleDescription(
        id: "netpol-namespace-missing",
        title: "Namespace without NetworkPolicy",
        category: .network,
        severity: .medium,
        action: .warn,
        scope: .kinds(["Namespace", "NetworkPolicy"]),
        profiles: [.aks],
        spec: """
            Audit only. Fails for each namespace that runs workloads (Pods or pod-template objects) and holds no \
            NetworkPolicy (networking.k8s.io). With includeEmpty: true, namespaces without workloads (seen \
            through a Namespace object or any namespaced object) are reported too. Namespaces excluded by the \
            policy (kube-system...) are skipped. Reported at the Namespace object (metadata.name), or at the \
            first object of the namespace when the input has no Namespace object.
            """,
        rationale: """
            Without a NetworkPolicy every pod accepts connections from every pod of the cluster: one \
            compromised pod reaches all the others.
            """,
        remediation: "Add a default-deny NetworkPolicy to the namespace, then allow the traffic each workload needs.",
        references: [
            .cis("5.3.2 [AKS 4.4.2] Ensure that all Namespaces have NetworkPolicies defined"),
            .other("kubeaudit netpols, Polaris missingNetworkPolicy"),
        ],
        parameters: [
            ParameterSpec("includeEmpty", .bool, default: "false", "Also report namespaces that run no workloads."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: app, image: web:1}]}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: shop}
                spec: {podSelector: {}, policyTypes: [Ingress]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: empty}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: app, image: web:1}]}}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: job, namespace: batch}
                spec: {containers: [{name: app, image: job:1}]}
                """,
                paths: ["Namespace batch: metadata.name", "Namespace shop: metadata.name"]),
        ]
    )

    let includeEmpty: Bool

    public init(parameters: RuleParameters) {
        includeEmpty = parameters.bool("includeEmpty", default: false)
    }

    public func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport) {
        for namespace in cluster.index.allNamespaces where cluster.policiesByNamespace[namespace] == nil {
            let workloads = cluster.workloadsByNamespace[namespace]?.count ?? 0
            guard includeEmpty || workloads > 0 else { continue }
            report.report(
                "namespace \(namespace) has no NetworkPolicy: its \(workloads) workload(s) accept traffic from every pod",
                about: cluster.index.namespaceAnchor(namespace), path: "metadata.name")
        }
    }
}

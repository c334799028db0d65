import KubeModel

/// ns-limitrange-quota: namespaces that run workloads without LimitRange and ResourceQuota.
public struct NsLimitrangeQuota: CrossObjectRule {
    public static let description = RuleDescription(
        id: "ns-limitrange-quota",
        title: "Namespace without LimitRange or ResourceQuota",
        category: .resources,
        severity: .low,
        action: .audit,
        scope: .kinds(["Namespace", "LimitRange", "ResourceQuota"]),
        profiles: [.aks],
        spec: """
            Audit only. Fails for each namespace that runs workloads and has no LimitRange (when \
            requireLimitRange, default true) or no ResourceQuota (when requireResourceQuota, default true); the \
            message names what is missing. Reported at the Namespace (metadata.name).
            """,
        rationale: """
            Without a LimitRange, containers without limits are unbounded; without a ResourceQuota one \
            namespace can take every node's capacity.
            """,
        remediation: "Add a LimitRange with default requests and limits, and a ResourceQuota sized for the namespace.",
        references: [
            .other("KSV039 (LimitRange), KSV040 (ResourceQuota)"),
        ],
        parameters: [
            ParameterSpec("requireLimitRange", .bool, default: "true", "Require a LimitRange."),
            ParameterSpec("requireResourceQuota", .bool, default: "true", "Require a ResourceQuota."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec: {containers: [{name: app, image: web:1}]}
                ---
                apiVersion: v1
                kind: LimitRange
                metadata: {name: limits, namespace: shop}
                spec: {limits: [{type: Container, default: {cpu: 500m, memory: 256Mi}}]}
                ---
                apiVersion: v1
                kind: ResourceQuota
                metadata: {name: quota, namespace: shop}
                spec: {hard: {requests.cpu: "4"}}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec: {containers: [{name: app, image: web:1}]}
                ---
                apiVersion: v1
                kind: LimitRange
                metadata: {name: limits, namespace: shop}
                spec: {limits: [{type: Container, default: {cpu: 500m, memory: 256Mi}}]}
                """,
                paths: ["Namespace shop: metadata.name"]),
        ]
    )

    let requireLimitRange: Bool
    let requireQuota: Bool

    public init(parameters: RuleParameters) {
        requireLimitRange = parameters.bool("requireLimitRange", default: true)
        requireQuota = parameters.bool("requireResourceQuota", default: true)
    }

    public func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport) {
        for namespace in cluster.index.allNamespaces where (cluster.workloadsByNamespace[namespace]?.count ?? 0) > 0 {
            var missing: [String] = []
            if requireLimitRange && !cluster.index.limitRangeNamespaces.contains(namespace) { missing.append("LimitRange") }
            if requireQuota && !cluster.index.resourceQuotaNamespaces.contains(namespace) { missing.append("ResourceQuota") }
            guard !missing.isEmpty else { continue }
            report.report(
                "namespace \(namespace) runs workloads without a \(missing.joined(separator: " or a "))",
                about: cluster.index.namespaceAnchor(namespace), path: "metadata.name")
        }
    }
}

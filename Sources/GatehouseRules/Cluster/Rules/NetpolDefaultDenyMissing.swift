import KubeModel

/// netpol-default-deny-missing: namespaces without a default-deny policy.
public struct NetpolDefaultDenyMissing: CrossObjectRule {
    public static let description = RuleDescription(
        id: "netpol-default-deny-missing",
        title: "Namespace without default-deny NetworkPolicy",
        category: .network,
        severity: .medium,
        action: .warn,
        scope: .kinds(["Namespace", "NetworkPolicy"]),
        profiles: [.aks],
        spec: """
            Audit only. Fails for each namespace that runs workloads and has no default-deny ingress policy: a \
            NetworkPolicy with an empty podSelector ({}), Ingress in its policyTypes (implied when policyTypes \
            is absent) and no ingress rules. With requireEgress: true, a default-deny egress policy (empty \
            podSelector, Egress in policyTypes, no egress rules) is required too; one policy may be both. The \
            message names what is missing. Reported at the Namespace (metadata.name).
            """,
        rationale: """
            A default-deny policy makes every new workload closed until someone allows its traffic, instead of \
            open until someone remembers to close it.
            """,
        remediation: "Add `podSelector: {}` with `policyTypes: [Ingress, Egress]` and no rules, then allow what each workload needs.",
        references: [
            .cis("5.3.2 [AKS 4.4.2]"),
            .other("kubeaudit MissingDefaultDenyIngressAndEgressNetworkPolicy"),
        ],
        parameters: [
            ParameterSpec("requireEgress", .bool, default: "false", "Require a default-deny egress policy as well."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec: {containers: [{name: app, image: web:1}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all, namespace: shop}
                spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
                """,
                parameters: "requireEgress: true"),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec: {containers: [{name: app, image: web:1}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-ingress, namespace: shop}
                spec: {podSelector: {}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: api, namespace: api}
                spec: {containers: [{name: app, image: api:1}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: web-only, namespace: api}
                spec:
                  podSelector: {matchLabels: {app: api}}
                  policyTypes: [Ingress]
                """,
                parameters: "requireEgress: true",
                paths: ["Namespace api: metadata.name", "Namespace shop: metadata.name"]),
        ]
    )

    let requireEgress: Bool

    public init(parameters: RuleParameters) {
        requireEgress = parameters.bool("requireEgress", default: false)
    }

    public func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport) {
        for namespace in cluster.index.allNamespaces where (cluster.workloadsByNamespace[namespace]?.count ?? 0) > 0 {
            let policies = cluster.policiesByNamespace[namespace] ?? []
            var missing: [String] = []
            if !policies.contains(where: \.isDefaultDenyIngress) { missing.append("ingress") }
            if requireEgress && !policies.contains(where: \.isDefaultDenyEgress) { missing.append("egress") }
            guard !missing.isEmpty else { continue }
            report.report(
                "namespace \(namespace) has no default-deny \(missing.joined(separator: " or ")) NetworkPolicy "
                    + "(\(policies.count) other polic\(policies.count == 1 ? "y" : "ies"))",
                about: cluster.index.namespaceAnchor(namespace), path: "metadata.name")
        }
    }
}

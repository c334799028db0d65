import KubeModel

/// netpol-all-namespaces: a namespaceSelector that, on this cluster, selects every namespace.
public struct NetpolAllNamespaces: CrossObjectRule {
    public static let description = RuleDescription(
        id: "netpol-all-namespaces",
        title: "NetworkPolicy admits every namespace",
        category: .network,
        severity: .medium,
        action: .warn,
        scope: .kinds(["NetworkPolicy", "Namespace"]),
        profiles: [.aks],
        spec: """
            Audit only; the cluster-aware half of netpol-allow-all. Fails for each NetworkPolicy ingress peer \
            whose namespaceSelector is not empty (`{}` is netpol-allow-all's) and has no or an empty podSelector, \
            in a rule without ports, when the selector matches every namespace of the input, judged by the \
            Namespace objects' labels plus kubernetes.io/metadata.name (set by the API server on every \
            namespace). Typical cases: `matchExpressions: [{key: kubernetes.io/metadata.name, operator: Exists}]`, \
            or NotIn with a name no namespace has. Needs at least two namespaces in the input. Reported at \
            spec.ingress[i].from[j].namespaceSelector; the chain lists the workloads the policy opens.
            """,
        rationale: """
            A selector written to look restrictive that matches every namespace opens the selected pods to the \
            whole cluster, and keeps doing so for every namespace created later.
            """,
        remediation: "Select the namespaces that must reach the pods by a label only they carry (or by kubernetes.io/metadata.name In [...]).",
        references: [
            .other("kubeaudit AllowAllIngressNetworkPolicyExists (semantic form), KSV038"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {team: retail}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: ingress, labels: {role: edge}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-edge, namespace: shop}
                spec:
                  podSelector: {}
                  ingress:
                  - from: [{namespaceSelector: {matchLabels: {role: edge}}}]
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {team: retail}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: ingress, labels: {role: edge}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: app, image: web:1}]}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: looks-strict, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: web}}
                  ingress:
                  - from:
                    - podSelector: {matchLabels: {app: gateway}}
                    - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [sandbox]}]}
                """,
                paths: ["NetworkPolicy shop/looks-strict: spec.ingress[0].from[1].namespaceSelector"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport) {
        let namespaces = cluster.index.allNamespaces
        guard namespaces.count >= 2 else { return }
        let labels = namespaces.map(cluster.index.namespaceLabels)
        for policy in cluster.index.networkPolicies {
            for peer in policy.namespaceWidePeers where !peer.hasPorts && labels.allSatisfy(peer.selector.matches) {
                let opened = (cluster.workloadsByNamespace[policy.namespace] ?? [])
                    .filter { policy.selects($0.podLabels) }
                    .sorted { $0.anchor.ref < $1.anchor.ref }
                report.report(
                    "NetworkPolicy \(policy.namespace)/\(policy.anchor.ref.name) ingress rule \(peer.rule) admits every pod "
                        + "of all \(namespaces.count) namespaces: its namespaceSelector matches each of them",
                    about: policy.anchor, path: peer.path,
                    chain: opened.map { ChainLink(object: $0.anchor.ref, detail: "selected by the policy") })
            }
        }
    }
}

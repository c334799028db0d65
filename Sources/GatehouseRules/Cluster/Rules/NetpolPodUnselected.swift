import KubeModel

/// netpol-pod-unselected: workloads no NetworkPolicy isolates, in namespaces that use policies.
public struct NetpolPodUnselected: CrossObjectRule {
    public static let description = RuleDescription(
        id: "netpol-pod-unselected",
        title: "Workload selected by no NetworkPolicy",
        category: .network,
        severity: .medium,
        action: .warn,
        scope: .kinds(["NetworkPolicy"]),
        profiles: [.aks],
        spec: """
            Audit only. In each namespace that has at least one NetworkPolicy (namespaces with none are \
            netpol-namespace-missing's), fails for each workload whose pod labels are selected by no policy \
            isolating ingress (policyTypes containing Ingress, or no policyTypes). Selection is Kubernetes \
            label-selector semantics: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) all \
            hold; an empty podSelector selects every pod; an unreadable selector selects none. Pods and \
            ReplicaSets whose controller is in the input are judged through the controller. Reported at the \
            pod template labels.
            """,
        rationale: """
            A pod no policy selects is not isolated: it accepts connections from every pod of every namespace, \
            even when its neighbours are locked down.
            """,
        remediation: "Add a default-deny policy to the namespace, or a policy whose podSelector matches the workload's labels.",
        references: [
            .cis("5.3.2 [AKS 4.4.2]"),
            .other("kubeaudit netpols, KSV038"),
        ],
        passing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec: {template: {metadata: {labels: {app: web, tier: front}}, spec: {containers: [{name: app, image: web:1}]}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: front, namespace: shop}
                spec:
                  podSelector: {matchExpressions: [{key: tier, operator: In, values: [front, edge]}]}
                  policyTypes: [Ingress]
                """),
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec: {template: {metadata: {labels: {app: shop, tier: back, version: v2}}, spec: {containers: [{name: app, image: api:1}]}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: front, namespace: shop}
                spec: {podSelector: {matchLabels: {app: shop, tier: front}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: back, namespace: shop}
                spec: {podSelector: {matchLabels: {tier: back, app: shop}}}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec: {template: {metadata: {labels: {app: web, tier: front}}, spec: {containers: [{name: app, image: web:1}]}}}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: shop}
                spec: {template: {metadata: {labels: {app: db, canary: "true"}}, spec: {containers: [{name: db, image: pg:16}]}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress-only, namespace: shop}
                spec: {podSelector: {}, policyTypes: [Egress]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: stable-only, namespace: shop}
                spec:
                  podSelector: {matchExpressions: [{key: canary, operator: DoesNotExist}, {key: app, operator: NotIn, values: [web]}]}
                """,
                paths: ["Deployment shop/web: spec.template.metadata.labels", "StatefulSet shop/db: spec.template.metadata.labels"]),
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec: {template: {metadata: {labels: {app: shop, version: v2}}, spec: {containers: [{name: app, image: api:1}]}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: back, namespace: shop}
                spec: {podSelector: {matchLabels: {app: shop, tier: back}}}
                """,
                paths: ["Deployment shop/api: spec.template.metadata.labels"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport) {
        for (namespace, policies) in cluster.policiesByNamespace {
            let isolating = policies.filter(\.isolatesIngress)
            // One chain per namespace, shared by every finding in it (arrays are copy-on-write): a namespace
            // of hundreds of policies and thousands of workloads would otherwise hold a copy per finding.
            let chain = policies.sorted { $0.anchor.ref < $1.anchor.ref }
                .map { ChainLink(object: $0.anchor.ref, detail: $0.isolatesIngress ? "does not select it" : "egress only") }
            let candidates = SelectorIndex(isolating)
            let policiesText = Self.policiesText(isolating: isolating.count, all: policies.count)
            for workload in cluster.workloadsByNamespace[namespace] ?? []
            where !candidates.anySelects(workload.podLabels) {
                let labels = workload.podLabels.keys.sorted().map { "\($0)=\(workload.podLabels[$0]!)" }
                // One interpolation: joining pieces with `+` copied the message as it grew.
                report.report(
                    """
                    \(workload.anchor.ref.kind) \(namespace)/\(workload.anchor.ref.name) is \(policiesText) \
                    (pod labels: \(labels.isEmpty ? "none" : labels.joined(separator: ",")))
                    """,
                    about: workload.anchor,
                    path: workload.anchor.ref.kind == "Pod"
                        ? "metadata.labels" : String(ClusterAnalysis.specPath(workload).dropLast(4)) + "metadata.labels",
                    chain: chain)
            }
        }
    }
}

extension NetpolPodUnselected {
    /// Why no policy selects a workload, counting the policies that isolate ingress (the only ones that could
    /// have isolated it), not every policy of the namespace.
    static func policiesText(isolating: Int, all: Int) -> String {
        switch isolating {
        case 0:
            return "selected by no NetworkPolicy that isolates ingress: the \(all) polic\(all == 1 ? "y" : "ies") of its namespace "
                + "isolate\(all == 1 ? "s" : "") egress only"
        case 1: return "not selected by the one NetworkPolicy of its namespace that isolates ingress"
        default: return "selected by none of the \(isolating) NetworkPolicies of its namespace that isolate ingress"
        }
    }
}

/// The ingress-isolating policies of one namespace, indexed by one `matchLabels` pair each, so a workload is
/// tested only against the policies that can select it. A namespace of hundreds of policies and thousands of
/// workloads otherwise costs policies × workloads selector tests (the million-object audit spent seconds here).
private struct SelectorIndex {
    /// Policies by one of their `matchLabels` pairs (the smallest key): a policy selects a workload only if the
    /// workload has every pair, that one included.
    private var byPair: [String: [String: [NetworkPolicyEntry]]] = [:]
    /// Policies without `matchLabels` (empty selector, expressions only): tested against every workload.
    private var unindexed: [NetworkPolicyEntry] = []

    init(_ policies: [NetworkPolicyEntry]) {
        for policy in policies {
            guard let selector = policy.podSelector else { continue }  // selects nothing
            if let key = selector.matchLabels.keys.min(), let value = selector.matchLabels[key] {
                byPair[key, default: [:]][value, default: []].append(policy)
            } else {
                unindexed.append(policy)
            }
        }
    }

    func anySelects(_ labels: [String: String]) -> Bool {
        if unindexed.contains(where: { $0.selects(labels) }) { return true }
        for (key, value) in labels {
            if let policies = byPair[key]?[value], policies.contains(where: { $0.selects(labels) }) { return true }
        }
        return false
    }
}

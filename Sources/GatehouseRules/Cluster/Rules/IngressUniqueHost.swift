import KubeModel

/// ingress-unique-host: one host name claimed by several Ingresses.
public struct IngressUniqueHost: CrossObjectRule {
    public static let description = RuleDescription(
        id: "ingress-unique-host",
        title: "Ingress host used by another Ingress",
        category: .network,
        severity: .low,
        action: .warn,
        scope: .kinds(["Ingress"]),
        profiles: [.aks],
        spec: """
            Audit only. Fails for each spec.rules[i].host (compared case-insensitively) that another Ingress, \
            in any namespace, also names. Every Ingress of such a group is reported at its rule's host, naming \
            the others. One Ingress repeating a host in two rules is not a conflict.
            """,
        rationale: """
            When two Ingresses claim one host, the controller picks one by its own rules: an Ingress in another \
            namespace can take over a production host name and its traffic.
            """,
        remediation: "Give each host to one Ingress; merge paths into it, or use distinct host names.",
        references: [
            .azurePolicy("IngressHostnamesConflict (deprecated)"),
            .other("gatekeeper-library uniqueingresshost"),
        ],
        passing: [
            Example(
                """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop, namespace: shop}
                spec: {rules: [{host: shop.example.com}, {host: www.example.com}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: api, namespace: api}
                spec: {rules: [{host: api.example.com}]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop, namespace: shop}
                spec: {rules: [{host: www.example.com}, {host: shop.example.com}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: takeover, namespace: sandbox}
                spec: {rules: [{host: Shop.Example.com}]}
                """,
                paths: ["Ingress sandbox/takeover: spec.rules[0].host", "Ingress shop/shop: spec.rules[1].host"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport) {
        var claims: [String: [(ingress: IngressEntry, index: Int)]] = [:]
        for ingress in cluster.index.ingresses {
            var seen: Set<String> = []
            for (host, index) in ingress.hosts where seen.insert(host.lowercased()).inserted {
                claims[host.lowercased(), default: []].append((ingress, index))
            }
        }
        for (host, unsorted) in claims where unsorted.count > 1 {
            let group = unsorted.sorted { $0.ingress.anchor.ref < $1.ingress.anchor.ref }
            for (ingress, index) in group {
                let others = group.filter { $0.ingress.anchor != ingress.anchor }
                report.report(
                    "host \(host) is also used by "
                        + others.map { "Ingress \($0.ingress.namespace)/\($0.ingress.anchor.ref.name)" }.joined(separator: ", "),
                    about: ingress.anchor, path: "spec.rules[\(index)].host",
                    chain: others.map { ChainLink(object: $0.ingress.anchor.ref, detail: "spec.rules[\($0.index)].host \(host)") })
            }
        }
    }
}

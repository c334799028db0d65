import KubeModel

/// svc-unique-selectors: Services of a namespace with the same selector.
public struct SvcUniqueSelectors: CrossObjectRule {
    public static let description = RuleDescription(
        id: "svc-unique-selectors",
        title: "Services with identical selectors",
        category: .services,
        severity: .low,
        action: .audit,
        scope: .kinds(["Service"]),
        profiles: [.aks],
        spec: """
            Audit only. Fails for each Service whose non-empty spec.selector is identical (same keys and values) \
            to another Service's in the same namespace; each Service of such a group is reported at \
            spec.selector, naming the others. Services without a selector are ignored.
            """,
        rationale: """
            Two Services with one selector send traffic to the same pods under two names; usually one of them \
            is a leftover that exposes the pods more widely than intended.
            """,
        remediation: "Remove the duplicate Service, or make the selectors distinguish the intended pods.",
        references: [
            .azurePolicy("Kubernetes cluster services should use unique selectors (b0fdedee)"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec: {selector: {app: web}, ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web-canary, namespace: shop}
                spec: {selector: {app: web, track: canary}, ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: other}
                spec: {selector: {app: web}, ports: [{port: 80}]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec: {selector: {app: web}, ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web-public, namespace: shop}
                spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
                """,
                paths: ["Service shop/web: spec.selector", "Service shop/web-public: spec.selector"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport) {
        for (_, services) in cluster.servicesByNamespace {
            let groups = Dictionary(grouping: services.filter { !$0.selector.isEmpty }, by: \.selectorText)
            for (selector, unsorted) in groups where unsorted.count > 1 {
                let group = unsorted.sorted { $0.anchor.ref < $1.anchor.ref }
                for service in group {
                    let others = group.filter { $0.name != service.name }.map(\.name).joined(separator: ", ")
                    report.report(
                        "Service \(service.namespace)/\(service.name) has the same selector (\(selector)) as \(others)",
                        about: service.anchor, path: "spec.selector",
                        chain: group.filter { $0.name != service.name }.map { ChainLink(object: $0.anchor.ref, detail: "selector \(selector)") })
                }
            }
        }
    }
}

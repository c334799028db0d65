import KubeModel

/// ingress-host-required: every Ingress rule names a host.
public struct IngressHostRequired: Rule {
    public static let description = RuleDescription(
        id: "ingress-host-required",
        title: "Ingress rules must name a host",
        category: .network,
        severity: .low,
        action: .warn,
        scope: .kinds(["Ingress"]),
        profiles: [.aks],
        spec: """
            Fails for each spec.rules[i] of an Ingress without a non-empty host. spec.defaultBackend alone (no \
            rules) is not reported.
            Fields: spec.rules[*].host.
            """,
        rationale: """
            A rule without a host answers for every name that reaches the controller, so one team's Ingress can \
            capture another's traffic, and TLS cannot be matched to it.
            """,
        remediation: "Set spec.rules[].host to the name the application serves.",
        references: [
            .azurePolicy("Kubernetes cluster ingress should have a host defined (d8c942c6)"),
        ],
        passing: [
            Example(
                """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop, namespace: app}
                spec:
                  rules:
                  - host: shop.example.com
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop, namespace: app}
                spec:
                  rules:
                  - host: shop.example.com
                  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}
                """,
                paths: ["spec.rules[1].host"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let rules = object.root["spec"]?["rules"], rules.isSequence else { return }
        for (i, rule) in rules.items.enumerated() where (rule["host"]?.string ?? "").isEmpty {
            context.report("Ingress rule \(i) has no host", path: "spec.rules[\(i)].host", at: rule)
        }
    }
}

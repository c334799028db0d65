import KubeModel

/// ingress-wildcard-host: Ingress rules and TLS entries name exact hosts, not wildcards.
///
/// Not an Azure Policy definition: the check of Kyverno's and Gatekeeper's policy libraries. Those also
/// count an empty host as a wildcard; here ingress-host-required reports that, so a rule is reported once.
/// Audit by default: a wildcard is sometimes the design (one Ingress per tenant subdomain).
public struct IngressWildcardHost: Rule {
    public static let description = RuleDescription(
        id: "ingress-wildcard-host",
        title: "Wildcard Ingress hosts",
        category: .network,
        severity: .medium,
        action: .audit,
        scope: .kinds(["Ingress"]),
        profiles: [.aks],
        spec: """
            Fails for each spec.rules[i].host and each spec.tls[i].hosts[j] of an Ingress that contains `*` \
            (a wildcard such as `*.example.com`). Rules without a host are left to ingress-host-required.
            Fields: spec.rules[*].host, spec.tls[*].hosts[*].
            """,
        rationale: """
            A wildcard host answers for every matching name that reaches the controller, so an Ingress in one \
            namespace can capture the traffic of subdomains that other teams serve, and a wildcard TLS \
            certificate is shared by all of them.
            """,
        remediation: "Name each host the application serves exactly (shop.example.com), with one rule per host.",
        references: [
            .other("Kyverno restrict-ingress-wildcard (Restrict Ingress Host with Wildcards)"),
            .other("Gatekeeper library block-wildcard-ingress (K8sBlockWildcardIngress)"),
        ],
        passing: [
            Example(
                """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop, namespace: app}
                spec:
                  tls:
                  - {hosts: [shop.example.com], secretName: shop-tls}
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
                  tls:
                  - {hosts: [shop.example.com, "*.example.com"], secretName: wildcard-tls}
                  rules:
                  - host: shop.example.com
                  - host: "*.example.com"
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}
                """,
                paths: ["spec.rules[1].host", "spec.tls[0].hosts[1]"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        let spec = object.root["spec"]
        if let rules = spec?["rules"], rules.isSequence {
            for (i, rule) in rules.items.enumerated() {
                guard let host = rule["host"], let name = host.string, name.contains("*") else { continue }
                context.report("Ingress host \"\(name)\" is a wildcard", path: "spec.rules[\(i)].host", at: host)
            }
        }
        if let tls = spec?["tls"], tls.isSequence {
            for (i, entry) in tls.items.enumerated() {
                guard let hosts = entry["hosts"], hosts.isSequence else { continue }
                for (j, host) in hosts.items.enumerated() {
                    guard let name = host.string, name.contains("*") else { continue }
                    context.report(
                        "Ingress TLS host \"\(name)\" is a wildcard", path: "spec.tls[\(i)].hosts[\(j)]", at: host)
                }
            }
        }
    }
}

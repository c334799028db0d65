import KubeModel

/// svc-external-ips: Services that claim external IPs (CVE-2020-8554).
public struct SvcExternalIps: Rule {
    public static let description = RuleDescription(
        id: "svc-external-ips",
        title: "Service externalIPs",
        category: .services,
        severity: .high,
        action: .deny,
        scope: .kinds(["Service"]),
        profiles: [.aks],
        spec: """
            Fails for each spec.externalIPs[i] of a Service that is not in allowedExternalIPs. Entries are exact \
            addresses (as Azure Policy and gatekeeper compare them, string for string) or IPv4 CIDR blocks \
            such as 10.20.0.0/16 (an extension; IPv6 entries match exactly). With the default empty list every \
            external IP fails.
            Fields: spec.externalIPs[*].
            """,
        rationale: """
            Any user who can create a Service with externalIPs can intercept traffic the cluster sends to \
            those IPs, in every namespace (CVE-2020-8554, unfixed by design).
            """,
        remediation: "Remove spec.externalIPs; use a LoadBalancer Service, or allow the exact addresses in the policy.",
        references: [
            .azurePolicy("Kubernetes cluster services should only use allowed external IPs (d46c275d)"),
            .other("CVE-2020-8554, kubernetes/kubernetes#97076, KSV108, gatekeeper k8sexternalips"),
        ],
        parameters: [
            ParameterSpec("allowedExternalIPs", .stringList, default: "[]", "Addresses or IPv4 CIDR blocks Services may use."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: app}
                spec:
                  selector: {app: web}
                  ports: [{port: 80}]
                  externalIPs: [10.20.1.5]
                """,
                parameters: "allowedExternalIPs: [10.20.0.0/16]"),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: app}
                spec:
                  selector: {app: web}
                  ports: [{port: 80}]
                  externalIPs: [203.0.113.7, 10.20.1.5]
                """,
                parameters: "allowedExternalIPs: [10.20.1.5]",
                paths: ["spec.externalIPs[0]"]),
        ]
    )

    let exact: Set<String>
    let blocks: [IPv4Block]

    public init(parameters: RuleParameters) {
        let allowed = parameters.strings("allowedExternalIPs", default: [])
        exact = Set(allowed)
        blocks = allowed.filter { $0.contains("/") }.compactMap(IPv4Block.init)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let list = object.root["spec"]?["externalIPs"], list.isSequence else { return }
        for (i, item) in list.items.enumerated() {
            guard let ip = item.string else { continue }
            if exact.contains(ip) || blocks.contains(where: { $0.contains(ip) }) { continue }
            context.report(
                "Service must not use external IP \(ip) (not in allowedExternalIPs)",
                path: "spec.externalIPs[\(i)]", at: item)
        }
    }
}

import KubeModel

/// alert-suspicious-address: a request reached the API server from an address on a threat-intelligence list.
public struct AlertSuspiciousAddress: AlertRule {
    static let exampleParameters = "addresses: [203.0.113.0/24, \"2001:db8:bad::/48\"]"

    public static let tactic = Tactic.execution
    public static let description = RuleDescription(
        id: "alert-suspicious-address",
        title: "API request from a suspicious address (proxy, Tor exit, known attacker)",
        category: .alerts,
        severity: .low,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a request any of whose `sourceIPs` lies in one of `addresses` (IPv4 or IPv6 addresses \
            and CIDR blocks; an IPv4 address also matches in its IPv4-mapped IPv6 form), whether the API server \
            allowed it or not. Every entry of `sourceIPs` is read, not just the first: the API server puts the \
            `X-Forwarded-For` chain first, which the client writes, and the address it connected from last. \
            Every stage but `RequestReceived` counts; alerts merge by actor. Works at every audit level. \
            Defender fills the list from Microsoft's threat intelligence (anonymising proxies, Tor exits); \
            Gatehouse ships none, so the rule fires only once `addresses` is given (a feed exported to the \
            policy file). A malformed entry is a policy error naming it.
            """,
        rationale: """
            Requests from anonymising proxies or known-bad infrastructure are how stolen credentials are usually \
            used: the caller hides where they are.
            """,
        remediation: """
            Check whose credentials made the request (the user, its groups) and rotate them unless the address \
            is expected; restrict the API server's authorised IP ranges (AKS `--api-server-authorized-ip-ranges`).
            """,
        references: [
            .defender("K8S API requests from proxy IP address detected (alert K8S_TI_Proxy)"),
            .other("Falco k8saudit: no equivalent rule"),
            tactic.reference,
        ],
        parameters: [
            ParameterSpec(
                "addresses", .stringList, default: "[]",
                "Suspicious IPv4/IPv6 addresses and CIDR blocks (a threat-intelligence feed)."),
        ],
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                requestURI: /api/v1/namespaces/shop/pods
                verb: list
                user: {username: alice@example.com}
                sourceIPs: [198.51.100.20]
                objectRef: {resource: pods, namespace: shop, apiVersion: v1}
                responseStatus: {code: 200}
                """,
                parameters: Self.exampleParameters),
        ],
        failing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                requestURI: /api/v1/namespaces/kube-system/secrets
                verb: list
                user: {username: alice@example.com}
                sourceIPs: [198.51.100.20, "::ffff:203.0.113.9"]
                objectRef: {resource: secrets, namespace: kube-system, apiVersion: v1}
                responseStatus: {code: 200}
                """,
                parameters: Self.exampleParameters, paths: ["sourceIPs.1"]),
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                requestURI: /api/v1/nodes
                verb: list
                user: {username: "system:serviceaccount:shop:web"}
                sourceIPs: ["2001:db8:bad:1::7"]
                objectRef: {resource: nodes, apiVersion: v1}
                responseStatus: {code: 403}
                """,
                parameters: Self.exampleParameters, paths: ["sourceIPs.0"]),
        ]
    )

    let blocks: [AddressBlock]

    public init(parameters: RuleParameters) throws {
        var blocks: [AddressBlock] = []
        for written in parameters.strings("addresses", default: []) {
            guard let block = AddressBlock(written) else {
                throw ParameterError(
                    parameter: "addresses", position: parameters.value("addresses")?.position ?? .unknown,
                    message: "\"\(written)\" is not an IPv4 or IPv6 address or CIDR block")
            }
            blocks.append(block)
        }
        self.blocks = blocks
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard !blocks.isEmpty, event.stage != "RequestReceived" else { return }
        let listed = event.sourceIPs.indices.filter { index in blocks.contains { $0.contains(event.sourceIPs[index]) } }
        guard !listed.isEmpty else { return }
        let addresses = listed.map { event.sourceIPs[$0] }.joined(separator: ", ")
        context.report(
            "\(event.actorName) called the API server from a listed suspicious address (\(addresses)): \(event.verb) \(event.requestURI)",
            evidence: listed.map { Evidence("sourceIPs.\($0)", event.sourceIPs[$0]) }, mergeBy: .actor)
    }
}

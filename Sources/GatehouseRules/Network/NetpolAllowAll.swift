import KubeModel

/// netpol-allow-all: NetworkPolicy rules that let every source (or destination) in.
public struct NetpolAllowAll: Rule {
    public static let description = RuleDescription(
        id: "netpol-allow-all",
        title: "Allow-all NetworkPolicy rule",
        category: .network,
        severity: .medium,
        action: .warn,
        scope: .kinds(["NetworkPolicy"]),
        profiles: [.aks],
        spec: """
            Fails for each spec.ingress[i] (spec.egress[i]) rule of a NetworkPolicy that has no ports and \
            either no peers (`{}`, `from`/`to` absent or empty: every source or destination, inside and outside \
            the cluster), or a peer that selects everything: `namespaceSelector: {}` with no or an empty \
            podSelector (every pod of every namespace, reported at the peer), or ipBlock 0.0.0.0/0 or ::/0 \
            without except. A rule limited to some ports passes (publishing port 443 to everyone is normal). \
            Egress rules are checked only when checkEgress is true (default true).
            Fields: spec.ingress[*].{from,ports}, spec.egress[*].{to,ports}.
            """,
        rationale: """
            An allow-all rule cancels every other policy that selects the same pods: a default-deny in the \
            namespace no longer protects them.
            """,
        remediation: "Name the sources (podSelector, namespaceSelector, ipBlock) and ports the pods must accept.",
        references: [
            .other("kubeaudit AllowAllIngressNetworkPolicyExists / AllowAllEgressNetworkPolicyExists, KSV038"),
        ],
        parameters: [
            ParameterSpec("checkEgress", .bool, default: "true", "Also report allow-all egress rules."),
        ],
        passing: [
            Example(
                """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: web, namespace: app}
                spec:
                  podSelector: {matchLabels: {app: web}}
                  ingress:
                  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress}}}]
                  - ports: [{port: 443}]
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-all, namespace: app}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                  ingress:
                  - {}
                  - from: [{podSelector: {matchLabels: {app: a}}}, {namespaceSelector: {}}]
                  egress:
                  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
                """,
                paths: ["spec.ingress[0]", "spec.ingress[1].from[1]", "spec.egress[0].to[0]"]),
        ]
    )

    let checkEgress: Bool

    public init(parameters: RuleParameters) {
        checkEgress = parameters.bool("checkEgress", default: true)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let spec = object.root["spec"] else { return }
        for (direction, peersKey) in [("ingress", "from"), ("egress", "to")] {
            if direction == "egress" && !checkEgress { continue }
            guard let rules = spec[direction], rules.isSequence else { continue }
            for (i, rule) in rules.items.enumerated() {
                guard rule.isMapping || rule.isNull else { continue }
                if let ports = rule["ports"], ports.count > 0 { continue }
                let path = "spec.\(direction)[\(i)]"
                let peers = rule[peersKey]
                if peers == nil || peers!.count == 0 {
                    context.report(
                        "NetworkPolicy \(direction) rule \(i) allows all traffic (no peers, no ports)", path: path, at: rule)
                    continue
                }
                for (j, peer) in peers!.items.enumerated() where NetworkPeer.isEverything(peer) {
                    context.report(
                        "NetworkPolicy \(direction) rule \(i) allows all traffic: \(peersKey)[\(j)] selects everything",
                        path: "\(path).\(peersKey)[\(j)]", at: peer)
                }
            }
        }
    }
}

/// NetworkPolicy peers (`from`/`to` entries).
public enum NetworkPeer {
    /// A peer that matches every pod of every namespace, or every address.
    public static func isEverything(_ peer: Value) -> Bool {
        if let namespaceSelector = peer["namespaceSelector"], isEmptySelector(namespaceSelector) {
            if let podSelector = peer["podSelector"] { return isEmptySelector(podSelector) }
            return true
        }
        if let block = peer["ipBlock"], let cidr = block["cidr"]?.string, cidr == "0.0.0.0/0" || cidr == "::/0" {
            return (block["except"]?.count ?? 0) == 0
        }
        return false
    }

    /// `{}` or a selector with no matchLabels and no matchExpressions.
    public static func isEmptySelector(_ selector: Value) -> Bool {
        if selector.isNull { return true }
        guard selector.isMapping else { return false }
        return (selector["matchLabels"]?.count ?? 0) == 0 && (selector["matchExpressions"]?.count ?? 0) == 0
    }
}

import GatehouseRules
import KubeModel

/// A rule over the whole cluster index rather than one object: namespaces without NetworkPolicies, exposed
/// workloads whose service account can read every secret, duplicate Ingress hosts...
///
/// Audit only (the webhook sees one object at a time). Like ``Rule`` it declares defaults and examples in its
/// ``RuleDescription``; a cross-object example is a multi-document YAML stream (the whole "cluster"), and its
/// paths are the `Kind namespace/name: path` of each expected finding, in report order.
public protocol CrossObjectRule: Sendable {
    static var description: RuleDescription { get }
    init(parameters: RuleParameters) throws
    func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport)
}

/// Every cross-object rule, sorted by id. Their ids never collide with ``Registry/rules``.
public enum CrossObjectRegistry {
    public static let rules: [any CrossObjectRule.Type] = [
        IngressUniqueHost.self,
        NetpolAllNamespaces.self,
        NetpolDefaultDenyMissing.self,
        NetpolNamespaceMissing.self,
        NetpolPodUnselected.self,
        NsLimitrangeQuota.self,
        RbacExposedWorkload.self,
        SaDefaultAutomount.self,
        SaDefaultBound.self,
        SecretExternalStore.self,
        SvcUniqueSelectors.self,
    ]

    public static var ids: [String] { rules.map { $0.description.id } }

    public static func rule(id: String) -> (any CrossObjectRule.Type)? {
        rules.first { $0.description.id == id }
    }
}

/// Where a cross-object rule reports.
public struct CrossObjectReport {
    public private(set) var findings: [Finding] = []
    let ruleID: String
    let severity: Severity

    public init(ruleID: String, severity: Severity) {
        self.ruleID = ruleID
        self.severity = severity
    }

    /// Reports a finding about `anchor`'s object, at `path` in it, with the chain of objects that proves it.
    public mutating func report(_ message: String, about anchor: Anchor, path: String, chain: [ChainLink] = []) {
        var finding = Finding(
            ruleID: ruleID, severity: severity, message: message, path: path, position: anchor.position,
            container: nil, image: nil, object: anchor.ref)
        finding.chain = chain
        findings.append(finding)
    }
}

/// The index plus what every cross-object rule derives from it, computed once: the RBAC graph, and objects
/// grouped by namespace.
public struct ClusterAnalysis: Sendable {
    public let index: ClusterIndex
    public let rbac: RBACGraph
    public let policiesByNamespace: [String: [NetworkPolicyEntry]]
    /// Workloads whose controller is not in the input (a Deployment, not its ReplicaSets and Pods), by namespace,
    /// in input order.
    public let workloadsByNamespace: [String: [WorkloadEntry]]
    public let servicesByNamespace: [String: [ServiceEntry]]

    public init(_ index: ClusterIndex) {
        self.index = index
        rbac = RBACGraph(index)
        // Grouped in input order: rules sort what they report, so findings do not depend on how the input
        // was split between indexes, and a 100,000-object audit does not pay for sorting everything.
        policiesByNamespace = Dictionary(grouping: index.networkPolicies, by: \.namespace)
        var present: [String: Set<String>] = [:]
        for w in index.workloads { present[w.namespace, default: []].insert(w.key) }
        workloadsByNamespace = Dictionary(
            grouping: index.workloads.filter { w in w.owner.map { present[w.namespace]?.contains($0) != true } ?? true },
            by: \.namespace)
        servicesByNamespace = Dictionary(grouping: index.services, by: \.namespace)
    }

    /// Top-level workloads of every namespace, in namespace then object order.
    public var allWorkloads: [WorkloadEntry] {
        workloadsByNamespace.keys.sorted().flatMap { workloadsByNamespace[$0]! }
    }

    /// The ServiceAccount object a workload runs as, when it is in the input.
    public func serviceAccount(of workload: WorkloadEntry) -> ServiceAccountEntry? {
        index.serviceAccounts[ServiceAccountEntry.key(workload.namespace, workload.serviceAccount)]
    }

    /// Whether the workload's pods get an API token: the pod's automountServiceAccountToken wins, then the
    /// ServiceAccount's, and the default is true.
    public func mountsToken(_ workload: WorkloadEntry) -> Bool {
        workload.automount ?? serviceAccount(of: workload)?.automount ?? true
    }

    /// An anchor for a service account: its object, or a reference placed at `near` (the workload or binding
    /// that names it) when the input has no ServiceAccount object.
    public func serviceAccountAnchor(namespace: String, name: String, near: Anchor? = nil) -> Anchor {
        if let entry = index.serviceAccounts[ServiceAccountEntry.key(namespace, name)] { return entry.anchor }
        let fallback = near ?? index.namespaceAnchor(namespace)
        return Anchor(
            ref: ObjectRef(apiVersion: "v1", kind: "ServiceAccount", namespace: namespace, name: name, source: fallback.ref.source),
            position: fallback.position)
    }

    /// The field path of a workload's service account name, e.g. `spec.template.spec.serviceAccountName`.
    public static func serviceAccountPath(_ workload: WorkloadEntry) -> String {
        "\(specPath(workload)).serviceAccountName"
    }

    static func specPath(_ workload: WorkloadEntry) -> String {
        switch workload.anchor.ref.kind {
        case "Pod": "spec"
        case "PodTemplate": "template.spec"
        case "CronJob": "spec.jobTemplate.spec.template.spec"
        default: "spec.template.spec"
        }
    }
}

/// Runs the cross-object rules a policy enables over a cluster index, applying the policy's severities,
/// actions and namespace exclusions. Build it once per policy; ``findings(_:)`` is pure.
public struct CrossObjectEngine: Sendable {
    public let policy: Policy
    let active: [Active]

    struct Active: Sendable {
        let rule: any CrossObjectRule
        let id: String
        let severity: Severity
        let action: Action
    }

    /// Throws ``ParameterError`` when a rule rejects its parameters.
    public init(policy: Policy = Policy()) throws {
        self.policy = policy
        var active: [Active] = []
        for type in CrossObjectRegistry.rules {
            let d = type.description
            guard let action = policy.action(for: d), action != .off else { continue }
            let settings = policy.settings(for: d.id)
            let rule = try type.init(parameters: RuleParameters(settings?.parameters))
            active.append(Active(rule: rule, id: d.id, severity: settings?.severity ?? d.severity, action: action))
        }
        self.active = active
    }

    public var activeRuleIDs: [String] { active.map(\.id) }

    /// Every cross-object finding, sorted by rule id, then object, then path. Findings about objects in the
    /// policy's excluded namespaces (for Namespace findings: the namespace itself) and findings a policy
    /// exemption covers are dropped.
    public func findings(_ index: ClusterIndex) -> [Finding] {
        findings(ClusterAnalysis(index))
    }

    public func findings(_ analysis: ClusterAnalysis) -> [Finding] {
        var result: [Finding] = []
        for entry in active {
            var report = CrossObjectReport(ruleID: entry.id, severity: entry.severity)
            entry.rule.check(analysis, &report)
            for var finding in report.findings {
                let namespace = finding.object.kind == "Namespace" ? finding.object.name : finding.object.namespace
                if let namespace, policy.excludedNamespaces.contains(where: { Glob($0).matches(namespace) }) { continue }
                // The index keeps no labels, so exemptions by label selector cannot match cross-object findings;
                // namespace, name, kind and rule exemptions do.
                if policy.exemption(for: finding) != nil { continue }
                finding.action = policy.action(entry.action, rule: entry.id, namespace: namespace)
                result.append(finding)
            }
        }
        return result.sorted { ($0.ruleID, $0.object, $0.path, $0.message) < ($1.ruleID, $1.object, $1.path, $1.message) }
    }
}

extension Engine {
    /// The cross-object findings for a finished index, under this engine's policy. Convenience for
    /// `CrossObjectEngine(policy:).findings(index)`.
    public func crossObjectFindings(_ index: ClusterIndex) throws -> [Finding] {
        try CrossObjectEngine(policy: policy).findings(index)
    }
}

/// Every rule Gatehouse knows, per-object and cross-object, for listings (`gatehouse rules`, generated docs)
/// and for policy validation (a policy may configure either kind by id).
public enum RuleCatalogue {
    /// Whether a rule runs on one object at a time (admission and audit) or over the whole cluster (audit only).
    public enum Kind: String, Sendable {
        case perObject = "per-object"
        case crossObject = "cross-object"
    }

    /// All descriptions, sorted by id.
    public static var descriptions: [(description: RuleDescription, kind: Kind)] {
        (Registry.rules.map { ($0.description, Kind.perObject) }
            + CrossObjectRegistry.rules.map { ($0.description, Kind.crossObject) })
            .sorted { $0.0.id < $1.0.id }
    }

    public static var ids: [String] { descriptions.map(\.description.id) }

    public static func description(id: String) -> RuleDescription? {
        Registry.rule(id: id)?.description ?? CrossObjectRegistry.rule(id: id)?.description
    }
}

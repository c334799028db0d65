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

    /// Hands the findings over without copying them.
    mutating func takeFindings() -> [Finding] {
        defer { findings = [] }
        return findings
    }
}

/// The index plus what every cross-object rule derives from it, computed once: the RBAC graph, and objects
/// grouped by namespace.
public struct ClusterAnalysis: Sendable {
    public let index: ClusterIndex
    public let rbac: RBACGraph
    public let policiesByNamespace: [String: EntryGroup<NetworkPolicyEntry>]
    /// Workloads whose controller is not in the input (a Deployment, not its ReplicaSets and Pods), by namespace,
    /// in input order.
    public let workloadsByNamespace: [String: EntryGroup<WorkloadEntry>]
    public let servicesByNamespace: [String: EntryGroup<ServiceEntry>]

    public init(_ index: ClusterIndex) {
        self.index = index
        rbac = RBACGraph(index)
        // Grouped in input order: rules sort what they report, so findings do not depend on how the input
        // was split between indexes, and a 100,000-object audit does not pay for sorting everything. The
        // groups hold positions in the index's arrays, not copies of the entries: a million-object audit
        // would otherwise hold every workload twice.
        policiesByNamespace = EntryGroup.grouping(index.networkPolicies, by: \.namespace)
        var present: [String: Set<String>] = [:]
        for w in index.workloads { present[w.namespace, default: []].insert(w.key) }
        workloadsByNamespace = EntryGroup.grouping(index.workloads, by: \.namespace) { w in
            w.owner.map { present[w.namespace]?.contains($0) != true } ?? true
        }
        servicesByNamespace = EntryGroup.grouping(index.services, by: \.namespace)
    }

    /// Top-level workloads of every namespace, in namespace then object order.
    public var allWorkloads: EntryGroup<WorkloadEntry> {
        EntryGroup(index.workloads, positions: workloadsByNamespace.keys.sorted().flatMap { workloadsByNamespace[$0]!.positions })
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

/// Some entries of one of the index's arrays, in the array's order: a position list over the shared array
/// (copy-on-write: grouping does not copy the entries).
public struct EntryGroup<Entry: Sendable>: RandomAccessCollection, ExpressibleByArrayLiteral, Sendable {
    let base: [Entry]
    let positions: [Int32]

    init(_ base: [Entry], positions: [Int32]) {
        self.base = base
        self.positions = positions
    }

    public init(arrayLiteral elements: Entry...) {
        self.init(elements, positions: elements.indices.map { Int32($0) })
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { positions.count }
    public subscript(position: Int) -> Entry { base[Int(positions[position])] }

    /// The entries of `base` that pass `include`, grouped by `key`, each group in `base` order.
    static func grouping(
        _ base: [Entry], by key: (Entry) -> String, where include: (Entry) -> Bool = { _ in true }
    ) -> [String: EntryGroup] {
        var positions: [String: [Int32]] = [:]
        for (i, entry) in base.enumerated() where include(entry) { positions[key(entry), default: []].append(Int32(i)) }
        return positions.mapValues { EntryGroup(base, positions: $0) }
    }
}

/// Runs the cross-object rules a policy enables over a cluster index, applying the policy's severities,
/// actions and namespace exclusions. Build it once per policy; ``findings(_:)`` is pure.
public struct CrossObjectEngine: Sendable {
    public let policy: Policy
    /// In rule id order, so that concatenating each rule's sorted findings sorts them all.
    let active: [Active]
    let excludedNamespaces: [Glob]

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
        self.active = active.sorted { $0.id < $1.id }
        excludedNamespaces = policy.excludedNamespaces.map(Glob.init)
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
        for rule in active.indices { result += findings(ofRule: rule, in: analysis) }
        return result
    }

    /// How many rules ``findings(ofRule:in:)`` takes.
    public var ruleCount: Int { active.count }

    /// The findings of the `rule`-th active rule (in id order), filtered and sorted as `findings(_:)`
    /// sorts them. The rules share nothing but the read-only analysis, so they may run on several threads at
    /// once; concatenating their results in rule order gives exactly ``findings(_:)``.
    ///
    /// `sorted: false` leaves them in reporting order, for a caller that puts them in the report's order
    /// anyway (that order compares the same fields, and findings it cannot tell apart are equal).
    public func findings(ofRule rule: Int, in analysis: ClusterAnalysis, sorted: Bool = true) -> [Finding] {
        let entry = active[rule]
        var report = CrossObjectReport(ruleID: entry.id, severity: entry.severity)
        entry.rule.check(analysis, &report)
        // A rule reports about a few hundred namespaces at most: whether each is excluded and the action it
        // gets are worked out once per namespace, not per finding.
        var namespaceOutcome: [String: Action?] = [:]
        var rootOutcome: Action??
        // Filtered in place (kept findings are moved to the front): a rule may report hundreds of thousands.
        var found = report.takeFindings()
        var kept = 0
        for i in found.indices {
            let object = found[i].object
            let namespace = object.kind == "Namespace" ? object.name : object.namespace
            let outcome: Action?
            if let namespace {
                if let known = namespaceOutcome[namespace] {
                    outcome = known
                } else {
                    outcome = excludedNamespaces.contains { $0.matches(namespace) }
                        ? nil : policy.action(entry.action, rule: entry.id, namespace: namespace)
                    namespaceOutcome[namespace] = outcome
                }
            } else {
                if rootOutcome == nil { rootOutcome = .some(policy.action(entry.action, rule: entry.id, namespace: nil)) }
                outcome = rootOutcome!
            }
            guard let action = outcome else { continue }
            // The index keeps no labels, so exemptions by label selector cannot match cross-object findings;
            // namespace, name, kind and rule exemptions do.
            if !policy.exemptions.isEmpty, policy.exemption(for: found[i]) != nil { continue }
            found[i].action = action
            if kept != i { found.swapAt(kept, i) }
            kept += 1
        }
        found.removeLast(found.count - kept)
        if sorted { Self.sort(&found) }
        return found
    }

    /// Sorts `findings` (all of one rule) in (object, path, message) order, ties kept in reporting order: the
    /// order `(ruleID, object, path, message) <` on the tuples with a stable sort gives. Sorts indices,
    /// comparing fields in place, then moves each finding once: the fat findings are not moved at every
    /// merge step, and no second array of them is made.
    static func sort(_ findings: inout [Finding]) {
        guard findings.count > 1 else { return }
        var order = Array(findings.indices)
        findings.withUnsafeBufferPointer { f in
            order.sort { a, b in
                let x = f[a].object, y = f[b].object
                // ObjectRef's order: namespace (none as empty), kind, name, source. Refs that differ but order
                // equal (in apiVersion, say) are, for the tuple comparison, neither smaller: reporting order.
                let s = x.namespace ?? "", t = y.namespace ?? ""
                if s != t { return s < t }
                if x.kind != y.kind { return x.kind < y.kind }
                if x.name != y.name { return x.name < y.name }
                if x.source < y.source { return true }
                if y.source < x.source { return false }
                if x != y { return a < b }
                let p = f[a].path, q = f[b].path
                if p != q { return p < q }
                let m = f[a].message, n = f[b].message
                if m != n { return m < n }
                return a < b
            }
        }
        // Apply the permutation cycle by cycle: position k receives the finding from order[k].
        for start in order.indices where order[start] != start {
            let first = findings[start]
            var k = start
            while order[k] != start {
                let from = order[k]
                findings[k] = findings[from]
                order[k] = k
                k = from
            }
            findings[k] = first
            order[k] = k
        }
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

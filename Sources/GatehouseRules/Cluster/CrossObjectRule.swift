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
        RbacBindingPowerfulRole.self,
        RbacExposedWorkload.self,
        SaDefaultAutomount.self,
        SaDefaultBound.self,
        SecretExternalStore.self,
        SvcUniqueSelectors.self,
        VulnerableWorkloadAttackPath.self,
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
    /// `severity` grades this finding apart from the rule's default, for rules whose spec says they do.
    public mutating func report(
        _ message: String, about anchor: Anchor, path: String, chain: [ChainLink] = [], severity: Severity? = nil
    ) {
        var finding = Finding(
            ruleID: ruleID, severity: severity ?? self.severity, message: message, path: path, position: anchor.position,
            container: nil, image: nil, object: anchor.ref)
        finding.chain = chain
        findings.append(finding)
    }

    /// Hands the findings over without copying them.
    public mutating func takeFindings() -> [Finding] {
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
    /// The scanner reports of the audit, `nil` when none were loaded.
    public let vulnerabilities: VulnerabilityIndex?

    public init(_ index: ClusterIndex, vulnerabilities: VulnerabilityIndex? = nil) {
        self.index = index
        self.vulnerabilities = vulnerabilities
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

/// Every rule Gatehouse knows, per-object and cross-object, for listings (`gatehouse rules`, generated docs)
/// and for policy validation (a policy may configure either kind by id).
public enum RuleCatalogue {
    /// Whether a rule runs on one object at a time (admission and audit) or over the whole cluster (audit only).
    public enum Kind: String, Sendable {
        case perObject = "per-object"
        case crossObject = "cross-object"
        case alert
    }

    /// All descriptions, sorted by id.
    public static var descriptions: [(description: RuleDescription, kind: Kind)] {
        (Registry.rules.map { ($0.description, Kind.perObject) }
            + CrossObjectRegistry.rules.map { ($0.description, Kind.crossObject) }
            + AlertRegistry.rules.map { ($0.description, Kind.alert) }
            + DockerAlertRegistry.rules.map { ($0.description, Kind.alert) })
            .sorted { $0.0.id < $1.0.id }
    }

    public static var ids: [String] { descriptions.map(\.description.id) }

    public static func description(id: String) -> RuleDescription? {
        Registry.rule(id: id)?.description ?? CrossObjectRegistry.rule(id: id)?.description
            ?? AlertRegistry.rule(id: id)?.description ?? DockerAlertRegistry.rule(id: id)?.description
    }
}

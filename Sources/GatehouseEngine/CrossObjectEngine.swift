import GatehouseRules
import KubeModel

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
        /// Whether the policy set the severity: it then wins over a severity a rule grades a finding with.
        let policySetsSeverity: Bool
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
            active.append(Active(
                rule: rule, id: d.id, severity: settings?.severity ?? d.severity,
                policySetsSeverity: settings?.severity != nil, action: action))
        }
        self.active = active.sorted { $0.id < $1.id }
        excludedNamespaces = policy.excludedNamespaces.map(Glob.init)
    }

    public var activeRuleIDs: [String] { active.map(\.id) }

    /// Every cross-object finding, sorted by rule id, then object, then path. Findings about objects in the
    /// policy's excluded namespaces (for Namespace findings: the namespace itself) and findings a policy
    /// exemption covers are dropped (``findings(ofRule:in:sorted:exempted:)`` keeps the exempted ones).
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
        var exempted: [ExemptedFinding] = []
        return findings(ofRule: rule, in: analysis, sorted: sorted, exempted: &exempted)
    }

    /// ``findings(ofRule:in:sorted:)``, adding the findings a policy exemption covers to `exempted` (in
    /// reporting order, with the action they would have had).
    public func findings(
        ofRule rule: Int, in analysis: ClusterAnalysis, sorted: Bool = true, exempted: inout [ExemptedFinding]
    ) -> [Finding] {
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
            found[i].action = action
            if entry.policySetsSeverity { found[i].severity = entry.severity }
            if !policy.exemptions.isEmpty, let source = policy.exemption(for: found[i]) {
                exempted.append(ExemptedFinding(finding: found[i], exemption: source))
                continue
            }
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


import GatehouseRules
import KubeModel

/// The rules a policy turns on, built once with their parameters, and applied to objects.
///
/// Thread-safe and immutable: the auditor evaluates files in parallel and the webhook evaluates requests
/// concurrently through one engine.
public struct Engine: Sendable {
    public let policy: Policy
    let active: [ActiveRule]

    struct ActiveRule: Sendable {
        let rule: any Rule
        let id: String
        let severity: Severity
        let action: Action
    }

    /// Builds every rule the policy enables. Throws ``ParameterError`` when a rule rejects its parameters.
    public init(policy: Policy = Policy()) throws {
        self.policy = policy
        var active: [ActiveRule] = []
        for type in Registry.rules {
            let d = type.description
            let settings = policy.settings(for: d.id)
            guard let action = policy.action(for: d), action != .off else { continue }
            let rule = try type.init(parameters: RuleParameters(settings?.parameters))
            active.append(ActiveRule(rule: rule, id: d.id, severity: settings?.severity ?? d.severity, action: action))
        }
        self.active = active
    }

    /// Ids of the rules this engine runs.
    public var activeRuleIDs: [String] { active.map(\.id) }

    /// Every finding for `object` with the policy's severity and action applied and exemptions removed,
    /// in a stable order (rule id, then field path).
    ///
    /// Under the `pss-baseline` / `pss-restricted` profiles the pod rules apply PSA's semantics at the newest
    /// policy version; use ``evaluate(_:pss:)`` to choose the version (`--pss-version`) or a namespace's level.
    public func evaluate(_ object: KubeObject) -> [Finding] {
        evaluate(object, pss: PSSContext(profile: policy.profile))
    }

    /// Every finding for `object`, with the pod rules judged by the Pod Security Standards at `pss` (level and
    /// version), or by their Azure semantics and parameters when `pss` is `nil`.
    public func evaluate(_ object: KubeObject, pss: PSSContext?) -> [Finding] {
        let template = PodTemplate(of: object)
        var findings: [Finding] = []
        for entry in active {
            for var finding in entry.rule.evaluate(object, template: template, pss: pss) {
                finding.severity = entry.severity
                finding.action = policy.action(entry.action, rule: entry.id, namespace: object.namespace)
                if policy.isExempt(finding, object: object) { continue }
                findings.append(finding)
            }
        }
        return findings
    }
}

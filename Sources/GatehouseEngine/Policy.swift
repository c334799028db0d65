import GatehouseRules
import KubeModel

/// What to enforce: a profile, per-rule settings and exemptions. Loaded from a policy file, or the embedded
/// default (profile `aks`, Azure's excluded namespaces).
public struct Policy: Sendable {
    public var profile: Profile = .aks
    public var rules: [String: RuleSettings] = [:]
    /// Namespaces (globs) no rule applies to.
    public var excludedNamespaces: [String] = Policy.azureExcludedNamespaces
    /// Admission only: request users (globs, e.g. `system:serviceaccount:kube-system:*`) never denied or warned.
    public var exemptUsers: [String] = []
    /// Admission only: request groups (globs) never denied or warned.
    public var exemptGroups: [String] = []
    /// Admission only: the action for findings on pod templates (Deployment, CronJob...), when it should
    /// differ from the one for Pods. `nil`: the same as for Pods.
    public var templateAction: Action?

    /// The namespaces Azure Policy for AKS excludes by default.
    public static let azureExcludedNamespaces = ["kube-system", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system"]

    public init() {}

    public func settings(for id: String) -> RuleSettings? { rules[id] }

    /// The action for a rule: the policy's override, else the rule's default when the profile includes it,
    /// else `nil` (not enabled).
    public func action(for description: RuleDescription) -> Action? {
        if let explicit = rules[description.id]?.action { return explicit }
        guard profile == .all || description.profiles.contains(profile) else { return nil }
        return description.defaultAction(in: profile)
    }

    /// The action for rule `id` in `namespace`, after per-namespace overrides (e.g. warn in `dev-*`).
    public func action(_ action: Action, rule id: String, namespace: String?) -> Action { action }

    public func isExempt(_ finding: Finding, object: KubeObject) -> Bool {
        if let ns = object.namespace, excludedNamespaces.contains(where: { Glob($0).matches(ns) }) { return true }
        return false
    }
}

/// A policy's settings for one rule.
public struct RuleSettings: Sendable {
    public var action: Action?
    public var severity: Severity?
    /// The `parameters:` mapping as written in the policy file.
    public var parameters: Value?

    public init(action: Action? = nil, severity: Severity? = nil, parameters: Value? = nil) {
        self.action = action
        self.severity = severity
        self.parameters = parameters
    }
}

/// A shell-style glob: `*` matches any run of characters, `?` one character.
public struct Glob: Sendable, Hashable {
    public let pattern: String

    public init(_ pattern: String) {
        self.pattern = pattern
    }

    public func matches(_ text: String) -> Bool {
        Self.match(Array(pattern.utf8)[...], Array(text.utf8)[...])
    }

    private static func match(_ p: ArraySlice<UInt8>, _ t: ArraySlice<UInt8>) -> Bool {
        var p = p
        var t = t
        var star: (ArraySlice<UInt8>, ArraySlice<UInt8>)?
        while !t.isEmpty {
            if let c = p.first, c == UInt8(ascii: "?") || c == t.first! {
                p = p.dropFirst()
                t = t.dropFirst()
            } else if p.first == UInt8(ascii: "*") {
                p = p.dropFirst()
                star = (p, t)
            } else if let (sp, st) = star {
                p = sp
                t = st.dropFirst()
                star = (sp, t)
            } else {
                return false
            }
        }
        return p.allSatisfy { $0 == UInt8(ascii: "*") }
    }
}

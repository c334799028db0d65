import GatehouseRules
import KubeModel

/// What to enforce: a profile, per-rule settings and exemptions.
///
/// Read from a policy file with ``Policy/load(contentsOf:rules:)`` or ``Policy/parse(_:file:rules:)``, which
/// reject any mistake with its line and column; `Policy()` is the embedded default: profile `aks`, Azure
/// Policy's excluded namespaces, annotation exemptions honoured when they give a reason.
/// The schema is documented, key by key, in `examples/policy.yaml`.
public struct Policy: Sendable {
    /// The rule set to start from; `rules:` entries turn further rules on or off.
    public var profile: Profile = .aks
    /// The Pod Security Standards version the PSS profiles judge by: `latest` or `v1.<minor>`, as in the
    /// `pod-security.kubernetes.io/enforce-version` label (a minor newer than Gatehouse knows means the
    /// newest it knows, as PSA clamps). Validated when read from a file.
    public var pssVersion: String = "latest"
    /// The lowest severity that makes `gatehouse audit` exit 1, when the command line does not say.
    public var failOn: Severity?
    /// Per-rule settings, by rule id.
    public var rules: [String: RuleSettings] = [:]
    /// Namespaces (globs) no rule applies to, at admission and in audits.
    public var excludedNamespaces: [String] = Policy.azureExcludedNamespaces
    /// Caps on every rule's action by namespace (e.g. at most `warn` in `dev-*`), first match wins. A rule's own
    /// per-namespace override, when one matches, takes precedence.
    public var namespaceLimits: [NamespaceLimit] = []
    /// Exemptions: findings they match are reported as exempted, not as findings.
    public var exemptions: [Exemption] = []
    /// Whether and for which rules the `gatehouse.io/exempt` annotation is honoured.
    public var annotationExemptions = AnnotationExemptions()
    /// Admission only: request users (globs, e.g. `system:serviceaccount:kube-system:*`) never denied or warned.
    public var exemptUsers: [String] = []
    /// Admission only: request groups (globs) never denied or warned.
    public var exemptGroups: [String] = []
    /// Admission only: namespaces (globs) whose requests are not evaluated (unlike ``excludedNamespaces``,
    /// audits still report them).
    public var exemptNamespaces: [String] = []
    /// The action for findings on pod templates (Deployment, CronJob...) when it should differ from the one
    /// for Pods. It replaces `deny` and `warn`; rules set to `audit` stay `audit`. `nil`: the same as for Pods.
    public var templateAction: Action?
    /// The `vulnerabilities` section: the scanner reports the webhook (and the audit) read, and the gate's
    /// settings, already written into ``rules``; `nil` when the policy has none.
    public var vulnerabilities: VulnerabilityGate?
    /// The file the policy was read from (`nil` for the embedded default), for messages.
    public var file: String?
    /// Things in the policy file that are valid but probably not what was meant (settings for a rule the
    /// profile leaves off), for the CLI to print; they do not stop the policy from loading.
    public var warnings: [PolicyProblem] = []

    /// The namespaces Azure Policy for AKS excludes by default.
    public static let azureExcludedNamespaces = ["kube-system", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system"]

    /// The embedded default policy.
    public init() {}

    /// The embedded default policy, used when no policy file is given.
    public static let `default` = Policy()

    /// The policy's `rules:` entry for rule `id`, if it has one.
    public func settings(for id: String) -> RuleSettings? { rules[id] }

    /// The action for a rule: the policy's override, else the rule's default when the profile includes it,
    /// else `nil` (not enabled).
    public func action(for description: RuleDescription) -> Action? {
        if let explicit = rules[description.id]?.action { return explicit }
        guard profile == .all || description.profiles.contains(profile) else { return nil }
        return description.defaultAction(in: profile)
    }

    /// The action for a finding of rule `id` in `namespace`, from the rule's action: the rule's first matching
    /// per-namespace override, else the policy's template action for pod templates (it replaces deny and
    /// warn), then capped by the first matching ``namespaceLimits`` entry. The engine applies the same steps.
    public func action(_ action: Action, rule id: String, namespace: String?, isTemplate: Bool = false) -> Action {
        Self.resolve(
            action, overrides: rules[id]?.namespaceActions ?? [], templateAction: templateAction,
            limits: namespaceLimits, namespace: namespace, isTemplate: isTemplate)
    }

    /// The action pipeline itself, shared with the engine (which holds each rule's overrides precompiled).
    static func resolve(
        _ action: Action, overrides: [NamespaceAction], templateAction: Action?, limits: [NamespaceLimit],
        namespace: String?, isTemplate: Bool
    ) -> Action {
        var action = action
        var overridden = false
        if let namespace {
            for entry in overrides where entry.match.matches(namespace) {
                action = entry.action
                overridden = true
                break
            }
        }
        if isTemplate, let templateAction, action == .deny || action == .warn { action = templateAction }
        if !overridden, let namespace {
            for limit in limits where limit.match.matches(namespace) {
                return action.capped(at: limit.maxAction)
            }
        }
        return action
    }

    /// The first of the policy's ``exemptions`` that covers `finding`, matched on the object the finding names
    /// (its namespace, name and kind; for a Namespace, its name as the namespace), its container and image,
    /// and `labels` when given (an exemption with a label selector never matches findings whose object's
    /// labels are unknown). For findings made outside ``Engine``, such as cross-object ones; the engine
    /// applies exemptions itself. Exemptions by user or group never match a finding (it has no actor).
    public func exemption(for finding: Finding, labels: [String: String]? = nil) -> ExemptionSource? {
        let ref = finding.object
        let namespace = ref.kind == "Namespace" ? ref.name : ref.namespace
        for (index, exemption) in exemptions.enumerated() where exemption.covers(rule: finding.ruleID) && !exemption.namesActors {
            if exemption.matchesObject(kind: ref.kind, name: ref.name, namespace: namespace, labels: { labels }),
                exemption.matchesContainer(of: finding)
            {
                return .policy(index: index, name: exemption.name, reason: exemption.reason, position: exemption.position)
            }
        }
        return nil
    }

    /// The Pod Security Standards level and version the PSS profiles judge by: `pss-baseline` and
    /// `pss-restricted` at ``pssVersion``; `nil` for `aks` and `all`, where the pod rules keep their Azure
    /// semantics and parameters.
    public var podSecurity: PSSContext? {
        let level: PSSLevel
        switch profile {
        case .pssBaseline: level = .baseline
        case .pssRestricted: level = .restricted
        case .aks, .all, .cisDocker, .cisDockerL1: return nil
        }
        let version = PSSVersion.parse(pssVersion) ?? .newest
        return PSSContext(level: level, version: version, requestedVersion: pssVersion)
    }
}

/// A policy's settings for one rule.
public struct RuleSettings: Sendable {
    public var action: Action?
    public var severity: Severity?
    /// The `parameters:` mapping as written in the policy file.
    public var parameters: Value?
    /// Per-namespace action overrides, in file order; the first whose glob matches wins.
    public var namespaceActions: [NamespaceAction]
    /// Where the rule's entry is written in the policy file.
    public var position: SourcePosition = .unknown

    public init(
        action: Action? = nil, severity: Severity? = nil, parameters: Value? = nil,
        namespaceActions: [NamespaceAction] = []
    ) {
        self.action = action
        self.severity = severity
        self.parameters = parameters
        self.namespaceActions = namespaceActions
    }
}

/// One per-namespace override of a rule's action, e.g. warn instead of deny in `dev-*`.
public struct NamespaceAction: Sendable, Hashable {
    public var match: Glob
    public var action: Action

    public init(match: Glob, action: Action) {
        self.match = match
        self.action = action
    }
}

/// A cap on every rule's action in matching namespaces: `{match: "dev-*", maxAction: warn}` turns deny into
/// warn there and leaves warn and audit alone.
public struct NamespaceLimit: Sendable, Hashable {
    public var match: Glob
    public var maxAction: Action

    public init(match: Glob, maxAction: Action) {
        self.match = match
        self.maxAction = maxAction
    }
}

extension Action {
    /// How strongly the action enforces: off < audit < warn < deny.
    var strictness: Int {
        switch self {
        case .off: 0
        case .audit: 1
        case .warn: 2
        case .deny: 3
        }
    }

    /// This action, or `limit` when `limit` is less strict.
    public func capped(at limit: Action) -> Action { limit.strictness < strictness ? limit : self }
}

/// Whether objects may exempt themselves with annotations:
/// `gatehouse.io/exempt: "rule-a,rule-b"` and `gatehouse.io/exempt-reason: "why"`.
///
/// Like Polaris, an operator can switch this off; unlike Polaris, an exemption without a reason is ignored by
/// default (``requireReason``), so every suppressed finding in a report says why.
public struct AnnotationExemptions: Sendable {
    public static let exemptKey = "gatehouse.io/exempt"
    public static let reasonKey = "gatehouse.io/exempt-reason"

    /// Whether the annotation is honoured at all.
    public var allowed: Bool
    /// Which rules (globs over rule ids) an annotation may exempt.
    public var rules: [Glob]
    /// Whether the annotation needs a non-empty `gatehouse.io/exempt-reason` to count.
    public var requireReason: Bool

    public init(allowed: Bool = true, rules: [Glob] = [Glob("*")], requireReason: Bool = true) {
        self.allowed = allowed
        self.rules = rules
        self.requireReason = requireReason
    }
}

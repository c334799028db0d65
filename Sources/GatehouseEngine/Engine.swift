import GatehouseRules
import KubeModel

/// The rules a policy turns on, built once with their parameters, and applied to objects.
///
/// Thread-safe and immutable: the auditor evaluates files in parallel and the webhook evaluates requests
/// concurrently through one engine. Everything the policy names (globs, exemptions, per-rule actions) is
/// compiled at construction, so evaluating an object allocates only for the findings it produces.
public struct Engine: Sendable {
    /// The policy the engine was built from.
    public let policy: Policy
    let active: [ActiveRule]
    let excludedNamespaces: [Glob]
    let exemptUsers: [Glob]
    let exemptGroups: [Glob]
    let exemptNamespaces: [Glob]
    let knownRuleIDs: Set<String>
    /// For each kind some active rule's scope names: whether each active rule (by index) names it. One
    /// dictionary lookup of the object's kind replaces a set lookup per kind-scoped rule.
    let rulesNamingKind: [String: [Bool]]

    /// A class, so walking the list per object costs one reference count per rule rather than one per field.
    final class ActiveRule: Sendable {
        let rule: any Rule
        let id: String
        /// The rule's scope and default severity, read from its description once here: reading
        /// `description` per object copied the whole description (texts, examples) for every rule.
        let scope: Scope
        let defaultSeverity: Severity
        /// The policy's severity for the rule, or the rule's default when the policy sets none.
        let severity: Severity
        /// Whether the policy set the rule's severity. Only then does `severity` replace the severity a rule
        /// gave a finding itself: a user who writes `severity: low` for a rule means every finding of it.
        let policySetsSeverity: Bool
        let action: Action
        let namespaceActions: [NamespaceAction]
        /// Indices into `policy.exemptions` of the exemptions that name this rule.
        let exemptions: [Int]
        /// Whether an object's `gatehouse.io/exempt` annotation may exempt this rule.
        let annotationExemptible: Bool
        let fix: MechanicalFix?

        init(
            rule: any Rule, description: RuleDescription, policySeverity: Severity?, action: Action,
            namespaceActions: [NamespaceAction], exemptions: [Int], annotationExemptible: Bool
        ) {
            self.rule = rule
            self.id = description.id
            self.fix = description.fix
            self.scope = description.scope
            self.defaultSeverity = description.severity
            self.severity = policySeverity ?? description.severity
            self.policySetsSeverity = policySeverity != nil
            self.action = action
            self.namespaceActions = namespaceActions
            self.exemptions = exemptions
            self.annotationExemptible = annotationExemptible
        }
    }

    /// The scanner reports the vulnerability rules read, taken once per evaluation (a server replaces them
    /// when the report files change).
    public let vulnerabilities: VulnerabilityStore?

    // The policy's settings the evaluation reads, held apart from `policy` so evaluating never copies it.
    let templateAction: Action?
    let namespaceLimits: [NamespaceLimit]
    let exemptions: [Exemption]
    let annotationSettings: AnnotationExemptions

    /// Builds every rule the policy enables, from the profile plus the rules the policy turns on, minus those
    /// it turns off. Throws ``ParameterError`` when a rule rejects its parameters (a policy read from a file
    /// has already been checked for that).
    ///
    /// `rules` is the catalogue to draw from: the registry by default.
    ///
    /// `vulnerabilities` holds the scanner reports the vulnerability rules read (``GatehouseRules/CheckContext/vulnerabilities``);
    /// without it they report nothing.
    public init(
        policy: Policy = Policy(), rules: [any Rule.Type] = Registry.rules, vulnerabilities: VulnerabilityStore? = nil
    ) throws {
        self.policy = policy
        self.vulnerabilities = vulnerabilities
        let annotations = policy.annotationExemptions
        var active: [ActiveRule] = []
        for type in rules {
            let d = type.description
            let settings = policy.settings(for: d.id)
            guard let action = policy.action(for: d), action != .off else { continue }
            let rule = try type.init(parameters: RuleParameters(settings?.parameters))
            active.append(
                ActiveRule(
                    rule: rule, description: d, policySeverity: settings?.severity, action: action,
                    namespaceActions: settings?.namespaceActions ?? [],
                    // A finding has no actor: exemptions by user or group are for alerts only.
                    exemptions: policy.exemptions.indices.filter {
                        policy.exemptions[$0].covers(rule: d.id) && !policy.exemptions[$0].namesActors
                    },
                    annotationExemptible: annotations.allowed && annotations.rules.anyMatches(d.id)))
        }
        self.active = active.sorted { $0.id < $1.id }
        var rulesNamingKind: [String: [Bool]] = [:]
        for (i, entry) in self.active.enumerated() {
            for kind in entry.scope.kinds {
                rulesNamingKind[kind, default: Array(repeating: false, count: self.active.count)][i] = true
            }
        }
        self.rulesNamingKind = rulesNamingKind
        self.excludedNamespaces = policy.excludedNamespaces.map(Glob.init)
        self.exemptUsers = policy.exemptUsers.map(Glob.init)
        self.exemptGroups = policy.exemptGroups.map(Glob.init)
        self.exemptNamespaces = policy.exemptNamespaces.map(Glob.init)
        self.knownRuleIDs = Set(rules.map { $0.description.id } + CrossObjectRegistry.rules.map { $0.description.id })
        self.podSecurity = policy.podSecurity
        self.templateAction = policy.templateAction
        self.namespaceLimits = policy.namespaceLimits
        self.exemptions = policy.exemptions
        self.annotationSettings = policy.annotationExemptions
    }

    /// Ids of the rules this engine runs, sorted.
    public var activeRuleIDs: [String] { active.map(\.id) }

    /// The rules this engine runs with the severity and action the policy gives them (before per-namespace
    /// and template adjustments), sorted by id: what `gatehouse rules --policy` and report headers show.
    public var effectiveRules: [EffectiveRule] {
        active.map { EffectiveRule(id: $0.id, severity: $0.severity, action: $0.action) }
    }

    /// The Pod Security Standards level and version the policy selects (`profile` and `pssVersion`), or `nil`
    /// under `aks` and `all` (each rule keeps its Azure semantics). The evaluate calls that take no `pss` use it.
    public let podSecurity: PSSContext?

    /// The findings for `object` (with exemptions removed), in a stable order: rule id, then the order the
    /// rule reports them (the field paths as the container walker visits them).
    ///
    /// Under the `pss-baseline` / `pss-restricted` profiles the pod rules apply PSA's semantics at the
    /// policy's `pssVersion`; use ``evaluate(_:pss:)`` to choose another version or a namespace's level.
    public func evaluate(_ object: KubeObject) -> [Finding] {
        evaluate(object, admission: nil, pss: podSecurity).findings
    }

    /// The findings for `object`, with the pod rules judged by the Pod Security Standards at `pss` (level and
    /// version), or by their Azure semantics and parameters when `pss` is `nil`.
    public func evaluate(_ object: KubeObject, pss: PSSContext?) -> [Finding] {
        evaluate(object, admission: nil, pss: pss).findings
    }

    /// Evaluates `object` with the policy's severities, actions and exemptions applied, judging the pod
    /// rules at the policy's Pod Security Standards level and version (``podSecurity``).
    ///
    /// Pass `admission` for a webhook request: its user, groups and namespace are checked against the
    /// policy's `admission` exemptions, its namespace stands in when the object does not name one, and
    /// rules about the requester see it. Audits pass `nil`.
    public func evaluate(_ object: KubeObject, admission: AdmissionInfo?) -> EvaluationResult {
        evaluate(object, admission: admission, pss: podSecurity)
    }

    /// ``evaluate(_:admission:)`` with the pod rules judged at `pss` instead of the policy's level and version
    /// (a namespace's `pod-security.kubernetes.io/*` labels, `--pss-version`), or by their Azure semantics
    /// when `pss` is `nil`.
    public func evaluate(_ object: KubeObject, admission: AdmissionInfo?, pss: PSSContext?) -> EvaluationResult {
        evaluate(object, admission: admission, pss: pss, dockerHost: nil)
    }

    /// Evaluates a Docker container or image with the host it lives on, whose daemon defaults the container
    /// rules read (``GatehouseRules/CheckContext/dockerHost``).
    public func evaluate(_ object: KubeObject, dockerHost: DockerHostView?) -> EvaluationResult {
        evaluate(object, admission: nil, pss: nil, dockerHost: dockerHost)
    }

    /// Evaluates a scanned image (`KubeObject(scannedImage:)`), which the `image-vulnerabilities` rule reads.
    public func evaluate(_ image: ScannedImage) -> EvaluationResult {
        evaluate(KubeObject(scannedImage: image), admission: nil, pss: nil, dockerHost: nil, scannedImage: image)
    }

    private func evaluate(
        _ object: KubeObject, admission: AdmissionInfo?, pss: PSSContext?, dockerHost: DockerHostView?,
        scannedImage: ScannedImage? = nil
    ) -> EvaluationResult {
        var result = EvaluationResult()
        let namespace = Self.namespace(of: object, admission: admission)
        if let namespace, excludedNamespaces.anyMatches(namespace) {
            result.skipped = .excludedNamespace(namespace)
            return result
        }
        if let admission {
            if let namespace, exemptNamespaces.anyMatches(namespace) {
                result.skipped = .exemptNamespace(namespace)
                return result
            }
            if exemptUsers.anyMatches(admission.user) {
                result.skipped = .exemptUser(admission.user)
                return result
            }
            if let group = admission.groups.first(where: exemptGroups.anyMatches) {
                result.skipped = .exemptGroup(group)
                return result
            }
        }

        let template = PodTemplate(of: object)
        let isTemplate = template.map { !$0.isPod } ?? false
        var annotation: AnnotationExemption?
        var labels: [String: String]?
        // One context for all rules; `run` sets the rule id and severity for each.
        var context = CheckContext(
            object: object, template: template, ruleID: "", severity: .info, request: admission, pss: pss)
        context.dockerHost = dockerHost
        context.vulnerabilities = vulnerabilities?.index
        context.scannedImage = scannedImage

        let namedKind = rulesNamingKind[object.kind]
        for (i, entry) in active.enumerated() {
            // `Rule.evaluate`'s work, with the scope and severity read once per rule rather than per object.
            guard entry.scope.applies(template: template, kindNamed: namedKind?[i] ?? false) else { continue }
            // A rule that is off here is not run at all.
            let action = Policy.resolve(
                entry.action, overrides: entry.namespaceActions, templateAction: templateAction,
                limits: namespaceLimits, namespace: namespace, isTemplate: isTemplate)
            if action == .off { continue }
            let start = context.run(entry.rule, on: object, ruleID: entry.id, severity: entry.defaultSeverity)
            if context.findings.count == start { continue }
            if annotation == nil {
                annotation = AnnotationExemption(
                    object: object, template: template, settings: annotationSettings, known: knownRuleIDs)
                result.notes += annotation!.notes
            }
            let annotationSource: ExemptionSource? =
                entry.annotationExemptible && annotation!.exempts(entry.id) ? annotation!.source : nil
            // `"*"` takes in every rule, but only those the policy allows are exempted: the rest are named.
            if !entry.annotationExemptible, annotationSettings.allowed, annotation!.all,
                !annotation!.refused.contains(entry.id)
            {
                result.notes.append(AnnotationExemption.notExemptible(entry.id))
            }

            context.settleFindings(from: start) { finding in
                // The rule set each finding's severity (its default, or its own grading); the policy's wins.
                if entry.policySetsSeverity { finding.severity = entry.severity }
                finding.action = action
                if let fix = entry.fix { finding.noteFix(fix, in: object) }
                // Policy exemptions first (they name their reason in the policy file), then the annotation.
                guard let source = entry.exemptions.isEmpty
                    ? annotationSource
                    : policyExemption(for: finding, entry: entry, object: object, namespace: namespace, labels: &labels)
                        ?? annotationSource
                else { return true }
                result.exempted.append(ExemptedFinding(finding: finding, exemption: source))
                return false
            }
        }
        result.findings = context.takeFindings()
        return result
    }

    /// Evaluates an UPDATE: like ``evaluate(_:admission:)`` on `object`, but findings that `oldObject` already
    /// had (same rule, field path and message) move to ``EvaluationResult/preexisting`` instead of
    /// ``EvaluationResult/findings``. So a label change or finalizer removal on an object that was already
    /// non-compliant is not denied, while any new violation is, as Pod Security Admission treats updates.
    public func evaluate(_ object: KubeObject, oldObject: KubeObject, admission: AdmissionInfo?) -> EvaluationResult {
        evaluate(object, oldObject: oldObject, admission: admission, pss: podSecurity)
    }

    /// The UPDATE evaluation of ``evaluate(_:oldObject:admission:)`` with the pod rules judged at `pss`.
    public func evaluate(
        _ object: KubeObject, oldObject: KubeObject, admission: AdmissionInfo?, pss: PSSContext?
    ) -> EvaluationResult {
        var result = evaluate(object, admission: admission, pss: pss)
        guard !result.findings.isEmpty else { return result }
        let old = evaluate(oldObject, admission: admission, pss: pss)
        var before = Set<FindingKey>()
        for finding in old.findings { before.insert(FindingKey(finding)) }
        for exempted in old.exempted { before.insert(FindingKey(exempted.finding)) }
        guard !before.isEmpty else { return result }
        var kept: [Finding] = []
        for finding in result.findings {
            if before.contains(FindingKey(finding)) {
                result.preexisting.append(finding)
            } else {
                kept.append(finding)
            }
        }
        result.findings = kept
        return result
    }

    /// What makes two findings the same violation across an update.
    private struct FindingKey: Hashable {
        let rule: String
        let path: String
        let message: String

        init(_ finding: Finding) {
            rule = finding.ruleID
            path = finding.path
            message = finding.message
        }
    }

    /// The namespace the policy's namespace globs match `object` against: its own, else the admission
    /// request's; for a Namespace, its name (as Gatekeeper matches Namespace objects, so excluding
    /// `kube-system` also excludes the `kube-system` Namespace object).
    public static func namespace(of object: KubeObject, admission: AdmissionInfo?) -> String? {
        if object.kind == "Namespace", object.group == "", !object.name.isEmpty { return object.name }
        if let namespace = object.namespace, !namespace.isEmpty { return namespace }
        if let namespace = admission?.namespace, !namespace.isEmpty { return namespace }
        return nil
    }

    private func policyExemption(
        for finding: Finding, entry: ActiveRule, object: KubeObject, namespace: String?,
        labels: inout [String: String]?
    ) -> ExemptionSource? {
        for index in entry.exemptions {
            let objectMatches = exemptions[index].matchesObject(kind: object.kind, name: object.name, namespace: namespace) {
                if let labels { return labels }
                let read = object.labels
                labels = read
                return read
            }
            if objectMatches && exemptions[index].matchesContainer(of: finding) {
                let exemption = exemptions[index]
                return .policy(index: index, name: exemption.name, reason: exemption.reason, position: exemption.position)
            }
        }
        return nil
    }
}

/// A rule as a policy runs it.
public struct EffectiveRule: Sendable, Hashable {
    public var id: String
    public var severity: Severity
    public var action: Action

    public init(id: String, severity: Severity, action: Action) {
        self.id = id
        self.severity = severity
        self.action = action
    }
}

/// What the engine found in one object.
public struct EvaluationResult: Sendable, Hashable {
    /// Findings to enforce and report, in a stable order.
    public var findings: [Finding] = []
    /// Findings an exemption suppressed, in the same order, for reports' counts and `--show-exempted` lists.
    public var exempted: [ExemptedFinding] = []
    /// On an UPDATE evaluated with its old object: findings the old object already had. Not to be denied;
    /// the webhook may still warn about them.
    public var preexisting: [Finding] = []
    /// Why the object was not evaluated at all, if it was not.
    public var skipped: SkipReason?
    /// Things about the object's exemption annotations a user should know, e.g. an exemption ignored for
    /// lack of a reason.
    public var notes: [String] = []

    public init() {}

    /// Whether an admission request for this object must be denied.
    public var denies: Bool { findings.contains { $0.action == .deny } }
}

/// Why an object was not evaluated.
public enum SkipReason: Sendable, Hashable, CustomStringConvertible {
    /// The object is in one of the policy's `excludedNamespaces`.
    case excludedNamespace(String)
    /// Admission: the request's namespace is in `admission.exemptNamespaces`.
    case exemptNamespace(String)
    /// Admission: the requesting user is in `admission.exemptUsers`.
    case exemptUser(String)
    /// Admission: one of the requesting user's groups is in `admission.exemptGroups`.
    case exemptGroup(String)

    public var description: String {
        switch self {
        case .excludedNamespace(let ns): "namespace \(ns) is excluded by the policy"
        case .exemptNamespace(let ns): "namespace \(ns) is exempt from admission checks"
        case .exemptUser(let user): "user \(user) is exempt from admission checks"
        case .exemptGroup(let group): "group \(group) is exempt from admission checks"
        }
    }
}

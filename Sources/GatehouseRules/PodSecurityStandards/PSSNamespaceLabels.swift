import KubeModel

/// The Pod Security Admission policy of a namespace, read from its `pod-security.kubernetes.io/*` labels
/// the way PSA's `api.PolicyToEvaluate` reads them.
///
/// - `enforce`, `audit`, `warn` give a level; `enforce-version`, `audit-version`, `warn-version` a version.
/// - A missing label keeps the default (PSA's default configuration: `privileged` and `latest` for all three).
/// - An invalid level fails closed for enforce (`restricted`) and open for audit and warn (`privileged`).
/// - An invalid version means `latest`; a version newer than the newest known is clamped to it.
/// Every invalid value is also returned as a ``PSSLabelProblem`` so the auditor and webhook can say so.
public struct PSSNamespacePolicy: Sendable, Hashable {
    public var enforce: PSSContext
    public var audit: PSSContext
    public var warn: PSSContext

    public init(enforce: PSSContext, audit: PSSContext, warn: PSSContext) {
        self.enforce = enforce
        self.audit = audit
        self.warn = warn
    }

    public static let labelPrefix = "pod-security.kubernetes.io/"

    /// PSA's defaults when a namespace has no labels: `privileged:latest` for enforce, audit and warn.
    public static let privileged = PSSNamespacePolicy(
        enforce: .latest(.privileged), audit: .latest(.privileged), warn: .latest(.privileged))

    /// The policy the labels select, starting from `defaults`, and the labels whose values were invalid.
    public static func parse(
        labels: [String: String], defaults: PSSNamespacePolicy = .privileged
    ) -> (policy: PSSNamespacePolicy, problems: [PSSLabelProblem]) {
        var policy = defaults
        var problems: [PSSLabelProblem] = []
        func apply(_ mode: String, invalidLevel: PSSLevel, to slot: inout PSSContext) {
            var level = slot.level
            var version = slot.version
            var requested = slot.requestedVersion
            let levelLabel = labelPrefix + mode
            if let text = labels[levelLabel] {
                if let parsed = PSSLevel.parse(text) {
                    level = parsed
                } else {
                    level = invalidLevel
                    problems.append(
                        PSSLabelProblem(label: levelLabel, value: text, message: "must be one of privileged, baseline, restricted"))
                }
            }
            let versionLabel = labelPrefix + mode + "-version"
            if let text = labels[versionLabel] {
                if let parsed = PSSVersion.parse(text) {
                    version = parsed
                    requested = text
                } else {
                    version = .newest
                    requested = "latest"
                    problems.append(PSSLabelProblem(label: versionLabel, value: text, message: "must be \"latest\" or \"v1.x\""))
                }
            }
            slot = PSSContext(level: level, version: version, requestedVersion: requested)
        }
        apply("enforce", invalidLevel: .restricted, to: &policy.enforce)
        apply("audit", invalidLevel: .privileged, to: &policy.audit)
        apply("warn", invalidLevel: .privileged, to: &policy.warn)
        return (policy, problems.sorted { $0.label < $1.label })
    }

    /// The policy of a Namespace object from its labels; `nil` for objects that are not Namespaces.
    public static func parse(
        namespace object: KubeObject, defaults: PSSNamespacePolicy = .privileged
    ) -> (policy: PSSNamespacePolicy, problems: [PSSLabelProblem])? {
        guard object.kind == "Namespace", object.group == "" else { return nil }
        return parse(labels: object.labels, defaults: defaults)
    }

    /// Whether any `pod-security.kubernetes.io/` label is present.
    public static func hasLabels(_ labels: [String: String]) -> Bool {
        labels.keys.contains { $0.hasPrefix(labelPrefix) }
    }

    /// The strictest of the three modes, for reports that show one level per namespace.
    public var strictest: PSSContext {
        [enforce, audit, warn].max { $0.level < $1.level } ?? enforce
    }
}

/// A `pod-security.kubernetes.io/*` label whose value PSA would reject, and what PSA evaluates instead.
public struct PSSLabelProblem: Sendable, Hashable, CustomStringConvertible {
    public let label: String
    public let value: String
    public let message: String

    public var description: String { "label \(label)=\"\(value)\": \(message)" }
}

/// What Pod Security Admission would answer for one pod or pod template in a namespace: the enforce
/// denial, the warnings and the audit annotation, in PSA's words.
public struct PSSAdmissionDecision: Sendable {
    /// `violates PodSecurity "restricted:latest": …` when the enforce level rejects a Pod; always `nil` for pod
    /// templates, which PSA only warns and audits about.
    public var denial: String?
    /// `would violate PodSecurity "…": …`, at most one; PSA adds none to a request it rejects.
    public var warnings: [String] = []
    /// The value PSA records under the audit annotation `pod-security.kubernetes.io/audit-violations`.
    public var auditViolation: String?
    /// The failing checks of the enforce level (empty for templates and allowed pods).
    public var enforceResults: [PSSCheckResult] = []

    public var allowed: Bool { denial == nil }
}

extension PSSNamespacePolicy {
    /// The audit annotation key PSA writes.
    public static let auditViolationsAnnotation = "pod-security.kubernetes.io/audit-violations"

    /// Evaluates `pod` as PSA's admission plugin does for this namespace policy: Pods are enforced, warned
    /// and audited; pod templates (Deployments, Jobs, …) are only warned and audited. An evaluation is reused
    /// when two modes have the same level and version.
    public func decision(for pod: PodTemplate) -> PSSAdmissionDecision {
        var cache: [PSSContext: [PSSCheckResult]] = [:]
        func results(_ context: PSSContext) -> [PSSCheckResult] {
            let key = PSSContext(level: context.level, version: context.version)
            if let cached = cache[key] { return cached }
            let computed = PodSecurityStandards.evaluate(pod, context: context)
            cache[key] = computed
            return computed
        }
        var decision = PSSAdmissionDecision()
        if pod.isPod {
            decision.enforceResults = results(enforce)
            decision.denial = PodSecurityStandards.denialMessage(decision.enforceResults, context: enforce)
        }
        decision.auditViolation = PodSecurityStandards.denialMessage(results(audit), context: audit, warning: true)
        if decision.denial == nil, let warning = PodSecurityStandards.denialMessage(results(warn), context: warn, warning: true) {
            decision.warnings.append(warning)
        }
        return decision
    }
}

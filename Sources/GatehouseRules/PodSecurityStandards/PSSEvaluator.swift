import KubeModel

/// The Pod Security Standards evaluator: which checks run for a level and version, their results, and
/// findings in PSA's terms.
public enum PodSecurityStandards {
    /// Whether `check` runs at `context`: its level is at most the context's, the version is at least its
    /// minimum, and (at restricted) no active restricted check overrides it. The privileged level runs nothing.
    public static func isActive(_ check: PSSCheckID, in context: PSSContext) -> Bool {
        plan(for: context).contains { $0.id == check }
    }

    /// The checks PSA runs for `context`, in PSA's order (baseline ids, then restricted ids, each sorted).
    public static func checks(for context: PSSContext) -> [PSSCheckID] {
        plan(for: context).map(\.id)
    }

    /// The failing checks for a pod template, in PSA's order. Empty means PSA allows the pod.
    public static func evaluate(_ pod: PodTemplate, context: PSSContext) -> [PSSCheckResult] {
        plan(for: context).compactMap { step in
            step.checkPod(pod).map { PSSCheckResult(check: step.id, violation: $0) }
        }
    }

    /// Every finding PSA's checks raise for `object` at `level` and `version`, one per offending field, each
    /// naming its rule and (in ``Finding/check``) the PSA check id. Objects that run no pods give none.
    /// This is what `--profile pss-restricted --pss-version v1.25` evaluates (with the policy's actions and
    /// exemptions applied by the engine afterwards).
    public static func evaluate(_ object: KubeObject, level: PSSLevel, version: PSSVersion) -> [Finding] {
        evaluate(object, context: PSSContext(level: level, version: version))
    }

    public static func evaluate(_ object: KubeObject, context: PSSContext) -> [Finding] {
        guard let pod = PodTemplate(of: object) else { return [] }
        var findings: [Finding] = []
        for result in evaluate(pod, context: context) {
            for spot in result.violation.spots {
                let ruleID = spot.ruleID ?? result.check.ruleID
                let severity = Registry.rule(id: ruleID)?.description.severity ?? .high
                findings.append(
                    Finding(
                        ruleID: ruleID, severity: severity, message: spot.message, path: spot.path,
                        position: spot.value?.position ?? object.position, container: spot.container?.name,
                        image: spot.container?.image, object: ObjectRef(object), check: result.check.rawValue))
            }
        }
        return findings
    }

    /// PSA's denial text for the failing checks, e.g.
    /// `violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set
    /// securityContext.allowPrivilegeEscalation=false), …`. `nil` when nothing failed. With `warning: true` it
    /// reads `would violate PodSecurity …`, PSA's wording for warn and audit modes and for pod templates.
    public static func denialMessage(_ results: [PSSCheckResult], context: PSSContext, warning: Bool = false) -> String? {
        guard !results.isEmpty else { return nil }
        let verb = warning ? "would violate" : "violates"
        return "\(verb) PodSecurity \"\(context)\": " + results.map(\.violation.summary).joined(separator: ", ")
    }
}

/// Wording helpers shared by the checks, matching PSA's messages.
enum PSSText {
    static func pluralize(_ singular: String, _ plural: String, _ count: Int) -> String {
        count == 1 ? singular : plural
    }

    /// `"a", "b"`.
    static func joinQuote(_ items: [String]) -> String {
        items.isEmpty ? "" : "\"" + items.joined(separator: "\", \"") + "\""
    }

    /// `container "a"` / `containers "a", "b"`.
    static func containers(_ names: [String]) -> String {
        "\(pluralize("container", "containers", names.count)) \(joinQuote(names))"
    }

    /// Sorted, de-duplicated, as Go's `sets.List` returns them.
    static func sortedSet(_ items: some Sequence<String>) -> [String] {
        Array(Set(items)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}

extension CheckContext {
    /// Reports the findings of `checks` that are active at ``pss`` and belong to this rule, each tagged with
    /// its PSA check id. Does nothing when ``pss`` is `nil`.
    public mutating func reportPSS(_ checks: [PSSCheckID], pod: PodTemplate) {
        guard let pss else { return }
        let plan = PodSecurityStandards.plan(for: pss)
        for check in checks {
            guard let step = plan.first(where: { $0.id == check }), let violation = step.checkPod(pod) else { continue }
            for spot in violation.spots where (spot.ruleID ?? check.ruleID) == ruleID {
                report(spot.message, path: spot.path, at: spot.value, container: spot.container, check: check.rawValue)
            }
        }
    }
}

extension PodSecurityStandards {
    /// The rules that implement a PSS check (pod-host-pid and pod-host-ipc share `hostNamespaces`).
    public static let ruleIDs: Set<String> = Set(registry.flatMap { [$0.ruleID] + $0.sharedWith })
}

extension RuleDescription {
    /// The rule's default action under `profile`. Under `pss-baseline` and `pss-restricted` every rule that
    /// implements a PSS check denies, because PSA's enforce mode rejects a pod on any failing check and the
    /// profiles must give PSA's verdict; under other profiles it is ``action``.
    public func defaultAction(in profile: Profile) -> Action {
        // A Docker host has no admission to refuse at: its findings are reported, and --fail-on decides.
        if profile == .cisDocker || profile == .cisDockerL1 { return .audit }
        let pss = profile == .pssBaseline || profile == .pssRestricted
        return pss && PodSecurityStandards.ruleIDs.contains(id) ? .deny : action
    }
}

/// One check as it runs at a given level and version: its id and the implementation for that version.
struct PSSPlanStep: Sendable {
    let id: PSSCheckID
    let checkPod: PSSCheckFunction
}

extension PodSecurityStandards {
    /// The checks that run at `context`, in PSA's order, each with its implementation for the context's version.
    @inline(__always)
    static func plan(for context: PSSContext) -> [PSSPlanStep] {
        switch context.level {
        case .privileged: []
        case .baseline: baselinePlans[context.version.clamped.minor]
        case .restricted: restrictedPlans[context.version.clamped.minor]
        }
    }

    /// Per version from v1.0 to ``PSSVersion/newest``, built once as PSA's `checkRegistry` does.
    private static let baselinePlans = PSSVersion.all.map { makePlan(.baseline, $0) }
    private static let restrictedPlans = PSSVersion.all.map { makePlan(.restricted, $0) }

    /// The checks of `level` and below that exist at `version`, minus (at restricted) the baseline checks an
    /// existing restricted check overrides, sorted into PSA's order.
    private static func makePlan(_ level: PSSLevel, _ version: PSSVersion) -> [PSSPlanStep] {
        let existing = registry.filter { $0.level <= level && $0.implementation(at: version) != nil }
        let overridden = Set(existing.filter { $0.level == .restricted }.compactMap(\.overrides))
        return existing.filter { !($0.level == .baseline && level == .restricted && overridden.contains($0.id)) }
            .sorted { $0.id < $1.id }
            .compactMap { check in check.implementation(at: version).map { PSSPlanStep(id: check.id, checkPod: $0) } }
    }
}

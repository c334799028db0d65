import KubeModel

/// The Pod Security Standards checks, with the ids PSA gives them (`k8s.io/pod-security-admission/policy`),
/// the level that introduces each, the first policy version it exists in, and the baseline check a
/// restricted one replaces.
///
/// Each check's logic lives in the rule file that owns it (the `pss…` static functions), so a rule's spec,
/// its Azure semantics and its PSA semantics sit side by side.
///
/// Source: `kubernetes/kubernetes` `staging/src/k8s.io/pod-security-admission/policy/check_*.go` and
/// `registry.go` as of the release-1.36 and release-1.37 branches (see RULES.md §2). Two behaviours were
/// changed upstream inside the v1.0 functions rather than behind a new version, so they apply at every
/// pinned version, here as in PSA: the `image` volume source is allowed by `restrictedVolumes`, and
/// `appArmorProfile` reads the `securityContext.appArmorProfile` fields as well as the annotations.
public enum PSSCheckID: String, Sendable, CaseIterable, Comparable, Codable {
    // baseline
    case appArmorProfile
    case capabilitiesBaseline = "capabilities_baseline"
    case hostNamespaces
    case hostPathVolumes
    case hostPorts
    case hostProbesAndHostLifecycle
    case privileged
    case procMount
    case seLinuxOptions
    case seccompProfileBaseline = "seccompProfile_baseline"
    case sysctls
    case windowsHostProcess
    // restricted
    case allowPrivilegeEscalation
    case capabilitiesRestricted = "capabilities_restricted"
    case procMountRestricted = "procMount_restricted"
    case restrictedVolumes
    case runAsNonRoot
    case runAsUser
    case seccompProfileRestricted = "seccompProfile_restricted"

    /// PSA's order: baseline ids sorted bytewise, then restricted ids sorted bytewise (`registry.go`), which
    /// is the order PSA lists failing checks in.
    public static func < (a: PSSCheckID, b: PSSCheckID) -> Bool {
        if a.level != b.level { return a.level < b.level }
        return Array(a.rawValue.utf8).lexicographicallyPrecedes(Array(b.rawValue.utf8))
    }

    public var level: PSSLevel {
        switch self {
        case .allowPrivilegeEscalation, .capabilitiesRestricted, .procMountRestricted, .restrictedVolumes,
            .runAsNonRoot, .runAsUser, .seccompProfileRestricted:
            .restricted
        default:
            .baseline
        }
    }

    /// The first policy version the check exists in (its first `MinimumVersion` upstream).
    public var minimumVersion: PSSVersion {
        switch self {
        case .allowPrivilegeEscalation: .v1(8)
        case .seccompProfileRestricted: .v1(19)
        case .capabilitiesRestricted: .v1(22)
        case .runAsUser: .v1(23)
        case .hostProbesAndHostLifecycle: .v1(34)
        case .procMountRestricted: .v1(35)
        default: .v1(0)
        }
    }

    /// The baseline check this restricted check replaces at the restricted level, from its own minimum
    /// version on.
    public var overrides: PSSCheckID? {
        switch self {
        case .restrictedVolumes: .hostPathVolumes
        case .seccompProfileRestricted: .seccompProfileBaseline
        case .capabilitiesRestricted: .capabilitiesBaseline
        case .procMountRestricted: .procMount
        default: nil
        }
    }

    /// The Gatehouse rule that reports this check's findings. `hostNamespaces` is split over three rules
    /// (one per field); its findings name their rule individually.
    public var ruleID: String {
        switch self {
        case .appArmorProfile: "pod-apparmor"
        case .capabilitiesBaseline: "pod-capabilities-baseline"
        case .hostNamespaces: "pod-host-network"
        case .hostPathVolumes: "pod-hostpath"
        case .hostPorts: "pod-host-ports"
        case .hostProbesAndHostLifecycle: "pod-probe-host"
        case .privileged: "pod-privileged"
        case .procMount, .procMountRestricted: "pod-proc-mount"
        case .seLinuxOptions: "pod-selinux"
        case .seccompProfileBaseline, .seccompProfileRestricted: "pod-seccomp"
        case .sysctls: "pod-sysctls"
        case .windowsHostProcess: "pod-windows-hostprocess"
        case .allowPrivilegeEscalation: "pod-allow-privilege-escalation"
        case .capabilitiesRestricted: "pod-capabilities-drop-all"
        case .restrictedVolumes: "pod-volume-types"
        case .runAsNonRoot: "pod-run-as-non-root"
        case .runAsUser: "pod-run-as-user-root"
        }
    }

    /// Runs the check's logic for `version` (already clamped) on a pod. `nil` means allowed.
    public func evaluate(_ pod: PodTemplate, version: PSSVersion) -> PSSViolation? {
        switch self {
        case .appArmorProfile: PodAppArmor.pssAppArmorProfile(pod)
        case .capabilitiesBaseline: PodCapabilitiesBaseline.pssCapabilitiesBaseline(pod)
        case .hostNamespaces: PodHostNetwork.pssHostNamespaces(pod)
        case .hostPathVolumes: PodHostPath.pssHostPathVolumes(pod)
        case .hostPorts: PodHostPorts.pssHostPorts(pod)
        case .hostProbesAndHostLifecycle: PodProbeHost.pssHostProbesAndHostLifecycle(pod)
        case .privileged: PodPrivileged.pssPrivileged(pod)
        case .procMount: PodProcMount.pssProcMountBaseline(pod, version: version)
        case .procMountRestricted: PodProcMount.pssProcMountRestricted(pod)
        case .seLinuxOptions: PodSELinux.pssSELinuxOptions(pod, version: version)
        case .seccompProfileBaseline: PodSeccomp.pssSeccompBaseline(pod, version: version)
        case .seccompProfileRestricted: PodSeccomp.pssSeccompRestricted(pod, version: version)
        case .sysctls: PodSysctls.pssSysctls(pod, version: version)
        case .windowsHostProcess: PodWindowsHostProcess.pssWindowsHostProcess(pod)
        case .allowPrivilegeEscalation: PodAllowPrivilegeEscalation.pssAllowPrivilegeEscalation(pod, version: version)
        case .capabilitiesRestricted: PodCapabilitiesDropAll.pssCapabilitiesRestricted(pod, version: version)
        case .restrictedVolumes: PodVolumeTypes.pssRestrictedVolumes(pod)
        case .runAsNonRoot: PodRunAsNonRoot.pssRunAsNonRoot(pod, version: version)
        case .runAsUser: PodRunAsUserRoot.pssRunAsUser(pod, version: version)
        }
    }
}

/// A failed check: PSA's short reason and detail (the same words PSA prints), and one spot per offending
/// field so findings can point at the exact line and container.
public struct PSSViolation: Sendable {
    /// PSA's `ForbiddenReason`, e.g. `allowPrivilegeEscalation != false`.
    public let reason: String
    /// PSA's `ForbiddenDetail`, e.g. `container "app" must set securityContext.allowPrivilegeEscalation=false`.
    public let detail: String
    public let spots: [PSSSpot]

    public init(reason: String, detail: String, spots: [PSSSpot]) {
        self.reason = reason
        self.detail = detail
        self.spots = spots
    }

    /// `reason (detail)`, as PSA joins them in a denial.
    public var summary: String { detail.isEmpty ? reason : "\(reason) (\(detail))" }
}

/// One offending field of a failed check.
public struct PSSSpot: Sendable {
    /// The finding's message for this field alone.
    public let message: String
    public let path: String
    /// The offending value, or the nearest existing parent when the field is missing.
    public let value: Value?
    public let container: Container?
    /// The rule that reports this spot, when it is not the check's ``PSSCheckID/ruleID``
    /// (`hostPID` and `hostIPC` spots of `hostNamespaces`).
    public let ruleID: String?

    public init(_ message: String, path: String, at value: Value?, container: Container? = nil, ruleID: String? = nil) {
        self.message = message
        self.path = path
        self.value = value
        self.container = container
        self.ruleID = ruleID
    }
}

/// One failed check for a pod, as PSA would report it.
public struct PSSCheckResult: Sendable {
    public let check: PSSCheckID
    public let violation: PSSViolation
}

/// The Pod Security Standards evaluator: which checks run for a level and version, their results, and
/// findings in PSA's terms.
public enum PodSecurityStandards {
    /// Whether `check` runs at `context`: its level is at most the context's, the version is at least its
    /// minimum, and (at restricted) no active restricted check overrides it. The privileged level runs nothing.
    public static func isActive(_ check: PSSCheckID, in context: PSSContext) -> Bool {
        guard context.level != .privileged, check.level <= context.level else { return false }
        guard context.version >= check.minimumVersion else { return false }
        if context.level == .restricted, check.level == .baseline {
            let overridden = restrictedOverrides.contains {
                $0.overrides == check && context.version >= $0.minimumVersion
            }
            if overridden { return false }
        }
        return true
    }

    /// The restricted checks that replace a baseline check. Listed once: every pod rule asks ``isActive(_:in:)``
    /// for every object, and `allCases` builds a new array on each call.
    private static let restrictedOverrides = PSSCheckID.allCases.filter { $0.level == .restricted && $0.overrides != nil }

    /// The checks PSA runs for `context`, in PSA's order (baseline ids, then restricted ids, each sorted).
    public static func checks(for context: PSSContext) -> [PSSCheckID] {
        PSSCheckID.allCases.filter { isActive($0, in: context) }.sorted()
    }

    /// The failing checks for a pod template, in PSA's order. Empty means PSA allows the pod.
    public static func evaluate(_ pod: PodTemplate, context: PSSContext) -> [PSSCheckResult] {
        checks(for: context).compactMap { check in
            check.evaluate(pod, version: context.version).map { PSSCheckResult(check: check, violation: $0) }
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
        for check in checks where PodSecurityStandards.isActive(check, in: pss) {
            guard let violation = check.evaluate(pod, version: pss.version) else { continue }
            for spot in violation.spots where (spot.ruleID ?? check.ruleID) == ruleID {
                report(spot.message, path: spot.path, at: spot.value, container: spot.container, check: check.rawValue)
            }
        }
    }
}

extension PodSecurityStandards {
    /// The rules that implement a PSS check (pod-host-pid and pod-host-ipc share `hostNamespaces`).
    public static let ruleIDs: Set<String> = Set(PSSCheckID.allCases.map(\.ruleID) + ["pod-host-pid", "pod-host-ipc"])
}

extension RuleDescription {
    /// The rule's default action under `profile`. Under `pss-baseline` and `pss-restricted` every rule that
    /// implements a PSS check denies, because PSA's enforce mode rejects a pod on any failing check and the
    /// profiles must give PSA's verdict; under other profiles it is ``action``.
    public func defaultAction(in profile: Profile) -> Action {
        let pss = profile == .pssBaseline || profile == .pssRestricted
        return pss && PodSecurityStandards.ruleIDs.contains(id) ? .deny : action
    }
}

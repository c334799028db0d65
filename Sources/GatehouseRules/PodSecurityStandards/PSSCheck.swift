import KubeModel

/// The ids of the Pod Security Standards checks, as PSA names them (`k8s.io/pod-security-admission/policy`).
/// What each check is (level, owning rule, overrides, versioned logic) is declared once, in
/// ``PodSecurityStandards/registry``.
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

    /// The check's declaration in ``PodSecurityStandards/registry``.
    public var declaration: PSSCheck { PodSecurityStandards.declaration(of: self) }

    public var level: PSSLevel { declaration.level }

    /// The first policy version the check exists in.
    public var minimumVersion: PSSVersion { declaration.minimumVersion }

    /// The baseline check this restricted check replaces at the restricted level.
    public var overrides: PSSCheckID? { declaration.overrides }

    /// The Gatehouse rule that reports this check's findings.
    public var ruleID: String { declaration.ruleID }

    /// Runs the check's implementation for `version` on a pod. `nil` means allowed, and also that the check
    /// does not exist yet at `version`.
    public func evaluate(_ pod: PodTemplate, version: PSSVersion) -> PSSViolation? {
        declaration.implementation(at: version)?(pod)
    }
}

/// A Pod Security Standards check declared as PSA's `policy.Check` declares it: an id, a level, and the
/// check's logic per policy version. Gatehouse adds the rule that reports the check's findings.
public struct PSSCheck: Sendable {
    public let id: PSSCheckID
    public let level: PSSLevel
    /// The Gatehouse rule that reports this check's findings.
    public let ruleID: String
    /// Further rules that report some of this check's fields; each such spot names its rule in
    /// ``PSSSpot/ruleID`` (`hostNamespaces` is reported by pod-host-network, pod-host-pid and pod-host-ipc).
    public let sharedWith: [String]
    /// The baseline check this restricted check replaces at the restricted level. PSA declares overrides per
    /// version; every override here holds from the check's first version on, so it is stated once.
    public let overrides: PSSCheckID?
    /// The check's logic, oldest first: each entry applies from its minimum version until the next entry's.
    public let versions: [PSSVersionedCheck]

    public init(
        _ id: PSSCheckID, _ level: PSSLevel, rule ruleID: String, sharedWith: [String] = [], overrides: PSSCheckID? = nil,
        versions: [PSSVersionedCheck]
    ) {
        self.id = id
        self.level = level
        self.ruleID = ruleID
        self.sharedWith = sharedWith
        self.overrides = overrides
        self.versions = versions
    }

    /// The first policy version the check exists in (its first `MinimumVersion` upstream).
    public var minimumVersion: PSSVersion { versions.first?.minimumVersion ?? PSSVersion.newest }

    /// The logic that applies at `version`, or `nil` before the check's minimum version.
    public func implementation(at version: PSSVersion) -> PSSCheckFunction? {
        versions.last { $0.minimumVersion <= version }?.checkPod
    }
}

/// A check's logic for one pod: `nil` means allowed.
public typealias PSSCheckFunction = @Sendable (PodTemplate) -> PSSViolation?

/// One versioned implementation of a check, as PSA's `policy.VersionedCheck`: the logic that applies from
/// `minimumVersion` on, named after the check and that version (`seccompProfileRestricted_1_25`).
public struct PSSVersionedCheck: Sendable {
    public let minimumVersion: PSSVersion
    public let checkPod: PSSCheckFunction

    public init(_ minimumVersion: PSSVersion, _ checkPod: @escaping PSSCheckFunction) {
        self.minimumVersion = minimumVersion
        self.checkPod = checkPod
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

/// Pod Security Standards levels and policy versions, parsed and clamped as Kubernetes Pod Security Admission
/// (`k8s.io/pod-security-admission/api`) does.

/// A Pod Security Standards level. Ordered by strictness.
public enum PSSLevel: String, Sendable, CaseIterable, Comparable, Codable {
    case privileged, baseline, restricted

    private var rank: Int {
        switch self {
        case .privileged: 0
        case .baseline: 1
        case .restricted: 2
        }
    }

    public static func < (a: PSSLevel, b: PSSLevel) -> Bool { a.rank < b.rank }

    /// Parses a level the way PSA's `api.ParseLevel` does: exactly `privileged`, `baseline` or `restricted`
    /// (case-sensitive). Returns `nil` for anything else; callers choose the fallback (PSA falls back to
    /// `restricted` for enforce and to `privileged` for audit and warn).
    public static func parse(_ text: String) -> PSSLevel? { PSSLevel(rawValue: text) }
}

/// A Pod Security Standards policy version `v1.N`.
///
/// Only major version 1 exists. Every version from `v1.0` up to ``newest`` is meaningful; a request for a
/// newer minor (or for `latest`) is clamped to ``newest``, as PSA's evaluator clamps to the newest minimum
/// version any check declares (`policy/registry.go`).
public struct PSSVersion: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The minor number: `v1.25` has minor 25.
    public let minor: Int

    /// Version `v1.minor`, without clamping.
    public init(minor: Int) {
        self.minor = max(0, minor)
    }

    /// `v1.minor`, a shorthand for tables.
    public static func v1(_ minor: Int) -> PSSVersion { PSSVersion(minor: minor) }

    /// The newest policy version the checks know: the largest minimum version any versioned implementation in
    /// ``PodSecurityStandards/registry`` declares (v1.37, where `sysctls` gains
    /// net.ipv4.tcp_slow_start_after_idle and net.ipv4.tcp_notsent_lowat). `latest` means this version.
    public static let newest = PodSecurityStandards.newestVersion

    /// Every version from v1.0 to ``newest``, oldest first.
    public static let all: [PSSVersion] = (0...newest.minor).map(PSSVersion.init(minor:))

    /// This version, or ``newest`` when it is newer.
    public var clamped: PSSVersion { self > Self.newest ? Self.newest : self }

    public static func < (a: PSSVersion, b: PSSVersion) -> Bool { a.minor < b.minor }

    public var description: String { "v1.\(minor)" }

    /// Parses `latest` or `v1.N` (N without leading zeros, as PSA's `^v1\.([0-9]|[1-9][0-9]*)$`), clamped to
    /// ``newest``. Returns `nil` for anything else; PSA then evaluates `latest`.
    public static func parse(_ text: String) -> PSSVersion? {
        if text == "latest" { return newest }
        guard text.hasPrefix("v1.") else { return nil }
        let digits = text.dropFirst(3)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            digits.count == 1 || digits.first != "0"
        else { return nil }
        // A huge minor is still a valid (future) version: clamp it rather than overflow.
        guard let minor = Int(digits) else { return newest }
        return PSSVersion(minor: minor).clamped
    }
}

/// The Pod Security Standards level and version a rule is judged by.
///
/// Set on ``CheckContext/pss`` when a `pss-baseline` or `pss-restricted` profile (or a namespace's
/// `pod-security.kubernetes.io/*` labels) decides the verdict: the pod rules then apply exactly PSA's
/// versioned checks and ignore their Azure parameters. `nil` under the `aks` profile, where the same rules
/// follow Azure Policy semantics.
public struct PSSContext: Sendable, Hashable, CustomStringConvertible {
    public let level: PSSLevel
    /// The version the checks run at, already clamped to ``PSSVersion/newest``.
    public let version: PSSVersion
    /// The version as requested (`latest`, `v1.40`...), for messages in PSA's words.
    public let requestedVersion: String

    /// `requestedVersion` defaults to `version` written as `v1.N`; pass `"latest"` to name it so.
    public init(level: PSSLevel, version: PSSVersion, requestedVersion: String? = nil) {
        self.level = level
        self.version = version.clamped
        self.requestedVersion = requestedVersion ?? version.description
    }

    /// `level:latest`.
    public static func latest(_ level: PSSLevel) -> PSSContext {
        PSSContext(level: level, version: .newest, requestedVersion: "latest")
    }

    /// Level and version from their textual forms, e.g. `("restricted", "latest")`. `nil` when either does
    /// not parse.
    public init?(level: String, version: String) {
        guard let l = PSSLevel.parse(level), let v = PSSVersion.parse(version) else { return nil }
        self.level = l
        self.version = v
        self.requestedVersion = version
    }

    /// The context for a profile: `pss-baseline` and `pss-restricted` map to their level, every other
    /// profile to `nil` (Azure semantics).
    public init?(profile: Profile, version: PSSVersion = .newest) {
        switch profile {
        case .pssBaseline: self.init(level: .baseline, version: version)
        case .pssRestricted: self.init(level: .restricted, version: version)
        case .aks, .all, .cisDocker, .cisDockerL1: return nil
        }
    }

    /// `restricted:latest`, `baseline:v1.25`: the way PSA names a policy in its messages.
    public var description: String { "\(level.rawValue):\(requestedVersion)" }
}

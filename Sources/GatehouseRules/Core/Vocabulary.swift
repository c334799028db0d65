/// How serious a finding is. Ordered: `critical` is the highest.
public enum Severity: String, Sendable, CaseIterable, Comparable, Codable {
    case info, low, medium, high, critical

    private var rank: Int {
        switch self {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// What happens when a rule fails: at admission `deny` rejects the request, `warn` adds a warning,
/// `audit` adds an audit annotation; the auditor reports all three. `off` disables the rule.
public enum Action: String, Sendable, CaseIterable, Codable {
    case deny, warn, audit, off
}

/// Rule groups, as the catalogue sorts them.
public enum Category: String, Sendable, CaseIterable, Codable {
    case podSecurity = "pod-security"
    case images
    case resources
    case rbac
    case network
    case services
    case namespaces
    case secrets
    /// Alert rules over the Kubernetes API audit log (`gatehouse alerts`).
    case alerts
    /// Docker hosts: the daemon's settings, its files, containers and images (`gatehouse docker audit`).
    case docker
    /// Known vulnerabilities in images, from scanner reports (`--vulns`, the policy's `vulnerabilities`).
    case vulnerabilities
}

/// Named rule sets a policy starts from.
public enum Profile: String, Sendable, CaseIterable, Codable {
    /// Microsoft Defender for Cloud / Azure Policy recommendations for AKS. The default.
    case aks
    /// Pod Security Standards, baseline level.
    case pssBaseline = "pss-baseline"
    /// Pod Security Standards, restricted level (includes baseline).
    case pssRestricted = "pss-restricted"
    /// The CIS Docker Benchmark 1.6.0, every automated control of sections 1 to 5 (Level 1 and Level 2), for
    /// `gatehouse docker audit`, where it is the default.
    case cisDocker = "cis-docker"
    /// The CIS Docker Benchmark's Level 1 controls only.
    case cisDockerL1 = "cis-docker-l1"
    /// Every rule in the registry, including the ones off by default.
    case all
}

/// Where a rule's requirement comes from.
public struct Reference: Sendable, Hashable {
    public enum Source: String, Sendable {
        /// A Pod Security Standards control id (e.g. `privileged`).
        case pss = "PSS"
        /// An Azure Policy built-in definition (display name and GUID prefix).
        case azurePolicy = "Azure Policy"
        /// A Microsoft Defender for Cloud recommendation or alert.
        case defender = "Defender for Cloud"
        /// A CIS Kubernetes Benchmark number (AKS benchmark number in brackets).
        case cis = "CIS"
        /// A CIS Docker Benchmark 1.6.0 control: number, title and level.
        case cisDocker = "CIS Docker"
        /// Another tool's equivalent check (Trivy KSV, Checkov, Polaris, kubeaudit...).
        case other = "See also"
    }

    public let source: Source
    public let text: String

    public init(_ source: Source, _ text: String) {
        self.source = source
        self.text = text
    }

    public static func pss(_ text: String) -> Reference { Reference(.pss, text) }
    public static func azurePolicy(_ text: String) -> Reference { Reference(.azurePolicy, text) }
    public static func defender(_ text: String) -> Reference { Reference(.defender, text) }
    public static func cis(_ text: String) -> Reference { Reference(.cis, text) }
    public static func cisDocker(_ control: CISDockerControl) -> Reference { Reference(.cisDocker, control.description) }
    public static func other(_ text: String) -> Reference { Reference(.other, text) }
}

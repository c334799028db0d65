import KubeModel

/// One control of the CIS Docker Benchmark 1.6.0 that a rule implements.
public struct CISDockerControl: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `5.5`, `1.1.3`.
    public let id: String
    /// The benchmark's title, e.g. "Ensure that privileged containers are not used".
    public let title: String
    /// The benchmark's profile: 1 (Level 1) or 2 (Level 2).
    public let level: Int

    public init(_ id: String, _ title: String, level: Int) {
        self.id = id
        self.title = title
        self.level = level
    }

    public var description: String { "\(id) \(title) (Level \(level))" }

    /// `CIS Docker 5.5`: how findings name the control.
    public var label: String { "CIS Docker \(id)" }

    /// Orders `1.1.10` after `1.1.9`: numerically, part by part.
    public static func < (a: CISDockerControl, b: CISDockerControl) -> Bool {
        let pa = a.id.split(separator: ".").map { Int($0) ?? 0 }
        let pb = b.id.split(separator: ".").map { Int($0) ?? 0 }
        return pa.lexicographicallyPrecedes(pb)
    }

    /// The benchmark's version, as reports and docs name it.
    public static let benchmarkVersion = "1.6.0"
}

/// How a rule judges a Docker subject: which subject, the CIS controls it implements, and, for a rule that
/// judges Kubernetes objects too (one concept, two views), what it reads there and its Docker examples.
public struct DockerView: Sendable {
    public let subject: SubjectKind
    public let controls: [CISDockerControl]
    /// What the rule checks on the Docker subject; `nil` when the rule's own spec is all about Docker.
    public let spec: String?
    /// What to change on the Docker host (`docker run` flags, daemon.json); `nil` when the rule's own
    /// remediation is about Docker already.
    public let remediation: String?
    public let passing: [Example]
    public let failing: [Example]

    public init(
        _ subject: SubjectKind, controls: [CISDockerControl], spec: String? = nil, remediation: String? = nil,
        passing: [Example] = [], failing: [Example] = []
    ) {
        precondition(subject != .kubernetes, "a Docker view reads a Docker subject")
        self.subject = subject
        self.controls = controls
        self.spec = spec
        self.remediation = remediation
        self.passing = passing
        self.failing = failing
    }

    /// `cis-docker` always; `cis-docker-l1` when one of the controls is Level 1.
    var profiles: Set<Profile> {
        controls.contains { $0.level == 1 } ? [.cisDocker, .cisDockerL1] : [.cisDocker]
    }
}

/// A rule that reads Docker subjects only: it never looks at a Kubernetes object, even one whose kind names a
/// Docker subject (only the Docker readers build those, see ``KubeModel/SubjectKind``).
public protocol DockerOnlyRule: Rule {
    func checkDocker(_ object: KubeObject, _ context: inout CheckContext)
}

extension DockerOnlyRule {
    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard object.isDocker else { return }
        checkDocker(object, &context)
    }
}

extension CheckContext {
    /// Reports a violation of a CIS Docker control: the message ends with the control's number, so every
    /// report format names it.
    public mutating func report(
        _ message: String, control: CISDockerControl, path: String, at value: Value?, severity: Severity? = nil
    ) {
        report("\(message) (\(control.label))", path: path, at: value, severity: severity)
    }
}

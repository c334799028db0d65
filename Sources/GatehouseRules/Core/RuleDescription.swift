import KubeModel

/// Everything known about a rule besides its check: identity, defaults, documentation and examples.
///
/// The examples are documentation and tests at once: one parameterised test runs every rule's examples,
/// and `gatehouse rules explain` prints them.
public struct RuleDescription: Sendable {
    public let id: String
    public private(set) var title: String
    public let category: Category
    public let severity: Severity
    public let action: Action
    /// Which objects the rule reads.
    public let scope: Scope
    /// The profiles that include this rule (`all` includes every rule implicitly).
    public let profiles: Set<Profile>
    /// What the rule checks, precisely: fields, allowed values, edge cases, where it differs from its sources.
    public let spec: String
    /// Why it matters.
    public let rationale: String
    /// What to change to pass.
    public private(set) var remediation: String
    public let references: [Reference]
    public let parameters: [ParameterSpec]
    /// Whether the rule judges DELETE requests at admission. The webhook evaluates the object being deleted
    /// (`request.oldObject`) with only these rules, and never refuses a DELETE: their findings are recorded as
    /// audit annotations (or warnings), so deleting stays possible whatever they find. Such a rule reads
    /// ``CheckContext/request`` to tell a deletion from a CREATE or UPDATE, and from the auditor's `nil`.
    public let judgesDeletes: Bool
    public let passing: [Example]
    public let failing: [Example]
    /// How the rule judges Docker hosts, containers or images, and the CIS Docker Benchmark controls it
    /// implements; `nil` for rules that read Kubernetes objects only. Its subject's kind is part of ``scope``
    /// and its controls put the rule in the `cis-docker` profiles.
    public let docker: DockerView?
    /// The change `gatehouse fix` makes for this rule's findings, where one needs no judgement.
    public let fix: MechanicalFix?

    public init(
        id: String, title: String, category: Category, severity: Severity, action: Action, scope: Scope,
        profiles: Set<Profile>, spec: String, rationale: String, remediation: String, references: [Reference],
        parameters: [ParameterSpec] = [], judgesDeletes: Bool = false, passing: [Example], failing: [Example],
        docker: DockerView? = nil, fix: MechanicalFix? = nil
    ) {
        self.id = id
        self.title = title
        self.category = category
        self.severity = severity
        self.action = action
        self.scope = docker.map { scope.including(kind: $0.subject.kind) } ?? scope
        self.profiles = profiles.union(docker?.profiles ?? [])
        self.spec = spec
        self.rationale = rationale
        self.remediation = remediation
        self.references = references + (docker?.controls.map(Reference.cisDocker) ?? [])
        self.docker = docker
        self.fix = fix
        self.parameters = parameters
        self.judgesDeletes = judgesDeletes
        self.passing = passing
        self.failing = failing
    }
}

extension RuleDescription {
    /// The description as a Docker report shows it: titled with its CIS Docker controls, and with the Docker
    /// view's remediation where the rule has one (a pod rule's fix names pod fields).
    public var asDockerControl: RuleDescription {
        guard let docker else { return self }
        var copy = self
        if !docker.controls.isEmpty {
            copy.title = "CIS " + docker.controls.sorted().map(\.id).joined(separator: ", ") + " · " + title
        }
        if let remediation = docker.remediation { copy.remediation = remediation }
        return copy
    }
}

/// Which objects a rule looks at.
public enum Scope: Sendable, Hashable {
    /// Pods and every object with a pod template (Deployment, CronJob, workload CRDs...).
    case podSpec
    /// Pods only (not templates).
    case podsOnly
    /// Objects of these kinds (any API group).
    case kinds(Set<String>)
    /// Pods and pod-template owners, and also objects of these kinds (e.g. ServiceAccount).
    case podSpecOrKinds(Set<String>)

    /// ``applies(to:template:)`` when the caller already knows whether the scope's kinds name the object's
    /// kind (`kindNamed`): the engine looks the kind up once per object for all rules.
    public func applies(template: PodTemplate?, kindNamed: Bool) -> Bool {
        switch self {
        case .podSpec: template != nil
        case .podsOnly: template?.isPod == true
        case .kinds: kindNamed
        case .podSpecOrKinds: template != nil || kindNamed
        }
    }

    /// The kinds the scope names (empty for the pod scopes).
    public var kinds: Set<String> {
        switch self {
        case .podSpec, .podsOnly: []
        case .kinds(let kinds), .podSpecOrKinds(let kinds): kinds
        }
    }

    /// This scope with objects of `kind` too (a rule's Docker subject). A pods-only scope has no form that
    /// adds a kind, so it stays as it is: the registry test refuses a Docker view on such a rule.
    public func including(kind: String) -> Scope {
        switch self {
        case .podsOnly: self
        case .podSpec: .podSpecOrKinds([kind])
        case .kinds(let kinds): .kinds(kinds.union([kind]))
        case .podSpecOrKinds(let kinds): .podSpecOrKinds(kinds.union([kind]))
        }
    }

    public func applies(to object: KubeObject, template: PodTemplate?) -> Bool {
        switch self {
        case .podSpec: template != nil
        case .podsOnly: template?.isPod == true
        case .kinds(let kinds): kinds.contains(object.kind)
        case .podSpecOrKinds(let kinds): template != nil || kinds.contains(object.kind)
        }
    }
}

/// A manifest that the rule must pass or fail, with what a failure must report.
public struct Example: Sendable {
    /// One YAML document.
    public let yaml: String
    /// Rule parameters for this example, as YAML (a mapping), or `nil` for the defaults.
    public let parameters: String?
    /// For failing examples: the field paths the findings must name, in report order.
    public let paths: [String]
    /// For failing examples of rules that grade their findings: the severity of each finding, in the order
    /// of `paths`. `nil` asserts nothing about severities.
    public let severities: [Severity]?
    /// The admission request to evaluate the example under, for rules about the requester; `nil` evaluates
    /// it as the auditor does.
    public let request: AdmissionInfo?
    /// What the YAML describes: a Kubernetes object, or a Docker host, container or image (the inspect
    /// document written as YAML), which the example tests wrap as a Docker reader would.
    public let subject: SubjectKind
    /// For a Docker container or image: the host document (YAML, as ``KubeModel/DockerHostView`` reads it) of
    /// the host it lives on, for rules that read the daemon's defaults; `nil` judges it without a host.
    public let host: String?
    /// A scanner report (Trivy JSON, as `trivy image --format json` writes it) the example is judged with,
    /// for the vulnerability rules; for a `.scannedImage` example the YAML itself is the report.
    public let vulnerabilities: String?
    /// Where the example is written, so a broken example points at its rule file.
    public let file: String
    public let line: Int

    public init(
        _ yaml: String, docker subject: SubjectKind = .kubernetes, host: String? = nil, vulnerabilities: String? = nil,
        parameters: String? = nil, request: AdmissionInfo? = nil, paths: [String] = [], severities: [Severity]? = nil,
        file: String = #filePath, line: Int = #line
    ) {
        self.yaml = yaml
        self.subject = subject
        self.host = host
        self.vulnerabilities = vulnerabilities
        self.parameters = parameters
        self.paths = paths
        self.severities = severities
        self.request = request
        self.file = file
        self.line = line
    }
}

import KubeModel

/// A check over one Kubernetes API audit event: suspicious activity seen in the audit log.
///
/// Like ``Rule`` it is built once from its policy parameters and declares defaults, documentation and
/// examples in a ``RuleDescription`` (its examples are audit Events written as YAML; a failing example's paths
/// are the evidence paths the alert must name). The event arrives in full: rules judge only completed,
/// successful requests unless their spec says otherwise (``AuditEvent/succeeded``).
public protocol AlertRule: Sendable {
    static var description: RuleDescription { get }
    /// The MITRE ATT&CK for Containers tactic the activity serves.
    static var tactic: Tactic { get }
    init(parameters: RuleParameters) throws
    func check(_ event: AuditEvent, _ context: inout AlertContext)
}

/// An alert rule that needs a baseline ("new", "unusual"): what the cluster usually does. It learns one from the
/// events it sees, or takes it from an exported cluster state (``ClusterBaseline``). Its memory lives in the
/// instance, so whoever builds the rule (the `AlertEngine` of one run, one `alerts` command or one server)
/// owns that memory; the memory is bounded and safe to use from several threads.
public protocol BaselineAlertRule: AlertRule {
    /// Builds the rule with an empty memory; `baseline` is the exported cluster state, `nil` to learn from the log.
    init(parameters: RuleParameters, baseline: ClusterBaseline?) throws
}

extension BaselineAlertRule {
    public init(parameters: RuleParameters) throws {
        try self.init(parameters: parameters, baseline: nil)
    }
}

/// An exported cluster state given as the baseline of the alert rules that need one: what its RBAC allows is
/// what the cluster usually does.
public struct ClusterBaseline: Sendable {
    /// The export's Roles, ClusterRoles and bindings, with Kubernetes' built-in roles.
    public let rbac: RBACGraph

    public init(_ index: ClusterIndex) {
        rbac = RBACGraph(index)
    }
}

/// MITRE ATT&CK for Containers tactics.
public enum Tactic: String, Sendable, CaseIterable {
    case initialAccess = "Initial Access"
    case execution = "Execution"
    case persistence = "Persistence"
    case privilegeEscalation = "Privilege Escalation"
    case defenseEvasion = "Defense Evasion"
    case credentialAccess = "Credential Access"
    case discovery = "Discovery"
    case lateralMovement = "Lateral Movement"
    case impact = "Impact"

    /// The tactic's ATT&CK id.
    public var id: String {
        switch self {
        case .initialAccess: "TA0001"
        case .execution: "TA0002"
        case .persistence: "TA0003"
        case .privilegeEscalation: "TA0004"
        case .defenseEvasion: "TA0005"
        case .credentialAccess: "TA0006"
        case .discovery: "TA0007"
        case .lateralMovement: "TA0008"
        case .impact: "TA0040"
        }
    }

    /// The rule reference that names the tactic (every alert rule lists it).
    public var reference: Reference {
        .other("MITRE ATT&CK for Containers tactic: \(rawValue) (\(id))")
    }
}

/// A field of the event that made an alert fire: its path in the audit Event and its value, as text.
public struct Evidence: Sendable, Hashable {
    public var path: String
    public var value: String

    public init(_ path: String, _ value: String) {
        self.path = path
        self.value = value
    }
}

/// One alert: a rule's verdict on one audit event, before deduplication.
public struct Alert: Sendable {
    public var ruleID: String
    public var severity: Severity
    public var message: String
    public var evidence: [Evidence]
    /// Images the alert is about (pod creations), for exemptions by image.
    public var images: [String]
    /// The event that raised the alert. An alert held open for deduplication keeps only the part of it that
    /// the writers read (``trimmedForHolding()``); what they need from the bodies is in ``objectName`` and
    /// ``objectKind``.
    public var event: AuditEvent
    /// ``KubeModel/AuditEvent/objectName`` and ``KubeModel/AuditEvent/objectKind`` of the event, read when the
    /// alert was raised.
    public let objectName: String
    public let objectKind: String
    /// What repeats of the alert merge by within a deduplication window.
    public var mergeBy: Merge = .object
    /// How many events (distinct requests) the alert stands for, after deduplication.
    public var count = 1
    /// The stage timestamp of the last event merged into this alert.
    public var lastTime: String

    public init(ruleID: String, severity: Severity, message: String, evidence: [Evidence], images: [String], event: AuditEvent) {
        self.ruleID = ruleID
        self.severity = severity
        self.message = message
        self.evidence = evidence
        self.images = images
        self.event = event
        self.objectName = event.objectName
        self.objectKind = event.objectKind
        self.lastTime = event.stageTimestamp
    }

    /// The alert as deduplication holds it: without the parts of its event that nothing reads once the rules
    /// have run (the request and response bodies, many kilobytes for a pod; the annotations; the request
    /// URI, which the message already quotes where it matters).
    public func trimmedForHolding() -> Alert {
        var slim = self
        slim.event.requestObject = nil
        slim.event.responseObject = nil
        slim.event.annotationValues = nil
        slim.event.requestURI = ""
        return slim
    }
}

extension Alert {
    /// What makes two alerts of one rule repeats of each other, besides the actor.
    public enum Merge: Sendable {
        /// The same object: a privileged pod created twice is one alert, two pods are two.
        case object
        /// The actor alone: a scan touching many paths is one alert that counts its requests.
        case actor
    }
}

/// What an alert rule could not judge: the event lacks the body the rule needs (a `Metadata`-level event, or
/// AKS dropped a body as too big). Reported apart from alerts, counted per rule, never guessed at.
public struct Unjudged: Sendable, Hashable {
    public var ruleID: String
    public var reason: String

    public init(ruleID: String, reason: String) {
        self.ruleID = ruleID
        self.reason = reason
    }
}

/// Where an alert rule reports while checking one event.
public struct AlertContext {
    public let event: AuditEvent
    public private(set) var alerts: [Alert] = []
    public private(set) var unjudged: [Unjudged] = []
    public private(set) var ruleID: String
    private(set) var severity: Severity

    public init(event: AuditEvent, ruleID: String, severity: Severity) {
        self.event = event
        self.ruleID = ruleID
        self.severity = severity
    }

    /// Checks the context's event (`event`, the one the context was made for) with `rule`, reporting as
    /// `ruleID` with `severity`. The caller passes the event in: reading `self.event` for a call that also
    /// takes `self` inout would copy the whole event (two dozen reference counts) for every rule.
    public mutating func run(_ rule: some AlertRule, on event: AuditEvent, ruleID: String, severity: Severity) {
        self.ruleID = ruleID
        self.severity = severity
        rule.check(event, &self)
    }

    /// Raises an alert. `evidence` names the fields that made it fire; `images` the images it is about;
    /// `mergeBy` what its repeats merge by.
    public mutating func report(
        _ message: String, evidence: [Evidence], images: [String] = [], mergeBy: Alert.Merge = .object
    ) {
        var alert = Alert(ruleID: ruleID, severity: severity, message: message, evidence: evidence, images: images, event: event)
        alert.mergeBy = mergeBy
        alerts.append(alert)
    }

    /// Says the event may deserve an alert but lacks what the rule needs to tell.
    public mutating func cannotJudge(_ reason: String) {
        unjudged.append(Unjudged(ruleID: ruleID, reason: reason))
    }

    /// Hands the alerts and notes over, leaving the context empty.
    public mutating func take() -> (alerts: [Alert], unjudged: [Unjudged]) {
        defer {
            alerts = []
            unjudged = []
        }
        return (alerts, unjudged)
    }
}

extension AlertRule {
    /// Checks `event` with the rule's defaults: the example tests evaluate through here.
    public func evaluate(_ event: AuditEvent) -> (alerts: [Alert], unjudged: [Unjudged]) {
        var context = AlertContext(event: event, ruleID: Self.description.id, severity: Self.description.severity)
        check(event, &context)
        return context.take()
    }
}

/// Every alert rule, sorted by id. Their ids never collide with the other registries'.
public enum AlertRegistry {
    public static let rules: [any AlertRule.Type] = [
        AlertAnonymousAllowed.self,
        AlertClusterAdminBinding.self,
        AlertConfigmapCredentials.self,
        AlertCorednsModified.self,
        AlertEphemeralContainer.self,
        AlertEventsDeleted.self,
        AlertExecRole.self,
        AlertExposedDashboard.self,
        AlertHostNamespaces.self,
        AlertKubeSystemCreate.self,
        AlertMinerImage.self,
        AlertNodePortService.self,
        AlertPentestTool.self,
        AlertPodExec.self,
        AlertPortForward.self,
        AlertPrivilegedContainer.self,
        AlertSecretReadUnusual.self,
        AlertSensitiveMount.self,
        AlertSuspiciousAddress.self,
        AlertSystemRoleChanged.self,
        AlertWebhookCreated.self,
        AlertWildcardRole.self,
        AlertWriteRole.self,
    ]

    public static var ids: [String] { rules.map { $0.description.id } }

    public static func rule(id: String) -> (any AlertRule.Type)? {
        rules.first { $0.description.id == id }
    }
}

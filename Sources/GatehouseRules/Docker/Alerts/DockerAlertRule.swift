import KubeModel

/// A check over one thing that happened on a Docker host: an Engine API event (`GET /events`) with what the
/// watcher read about it, or an observation the watcher made itself (a container found running, its processes,
/// the daemon it connected to). Host-level alerts, as ``AlertRule`` is for Kubernetes audit events.
///
/// Like ``AlertRule`` it is built once from its policy parameters and declares its defaults, documentation and
/// examples in a ``RuleDescription``; its examples are ``DockerActivity`` documents written as YAML, and a
/// failing example's paths are the evidence paths the alert must name. Rules judge facts, never fetch them:
/// the watcher attaches every document a rule reads before the rules run.
public protocol DockerAlertRule: Sendable {
    static var description: RuleDescription { get }
    /// The MITRE ATT&CK for Containers tactic the activity serves.
    static var tactic: Tactic { get }
    init(parameters: RuleParameters) throws
    func check(_ activity: DockerActivity, _ context: inout DockerAlertContext)
}

/// One thing that happened on a Docker host, as the document the rules read:
///
/// ```
/// Event      the Engine API event {Type, Action, Actor{ID, Attributes}, time, timeNano}, or one the watcher
///            made: Type container, Action `inventory` (a running container found by listing, on connect and
///            after each reconnect) or `poll` (a running container whose processes were read); Type daemon,
///            Action `connect` (the daemon the watcher connected to)
/// Container  GET /containers/{id}/json of the event's container (absent when it is gone or not a container event)
/// Top        GET /containers/{id}/top?ps_args=-eo pid,user,comm,args (inventory and poll)
/// Exec       GET /exec/{execID}/json (exec_create and exec_start)
/// Host       the host document of ``KubeModel/DockerHostView`` (daemon connect)
/// Daemon     {Sockets: [path]}: the unix sockets the daemon serves its API on (the one watched, and dockerd's
///            `unix://` hosts when its flags could be read), wherever they are (container events)
/// ```
public struct DockerActivity: Sendable {
    public let root: Value

    public init(_ root: Value) {
        self.root = root
    }

    /// The actions the watcher makes itself; the daemon never sends them.
    public static let inventory = "inventory"
    public static let poll = "poll"
    public static let connect = "connect"

    public var type: String { root.at("Event", "Type")?.string ?? "" }
    /// The event's action without its detail: `exec_start` of `exec_start: sh -c id`.
    public var action: String {
        let full = root.at("Event", "Action")?.string ?? ""
        return full.firstIndex(of: ":").map { String(full[..<$0]) } ?? full
    }
    /// `create`, `start` or `inventory` of a container: the moments its configuration is judged.
    public var configuresContainer: Bool {
        type == "container" && ["create", "start", Self.inventory].contains(action)
    }
    public func attribute(_ name: String) -> String? { root.at("Event", "Actor", "Attributes", name)?.string }
    /// The event's time in nanoseconds since 1970 (`timeNano`, else `time`); 0 when it has none.
    public var timeNano: Int {
        root.at("Event", "timeNano")?.int ?? (root.at("Event", "time")?.int ?? 0) * 1_000_000_000
    }

    public var container: Value? { nonNull(root["Container"]) }
    public var exec: Value? { nonNull(root["Exec"]) }
    public var top: Value? { nonNull(root["Top"]) }
    public var host: Value? { nonNull(root["Host"]) }
    /// The unix sockets the daemon serves its API on.
    public var daemonSockets: [String] { root.at("Daemon", "Sockets").map { $0.items.compactMap(\.string) } ?? [] }

    /// The container's id: its inspect `Id`, else the event's actor.
    public var containerID: String {
        container?["Id"]?.string ?? (type == "container" ? root.at("Event", "Actor", "ID")?.string ?? "" : "")
    }
    /// The container's name without the leading `/`: its inspect `Name`, else the event's `name` attribute.
    public var containerName: String {
        let name = container?["Name"]?.string ?? attribute("name") ?? ""
        return name.hasPrefix("/") ? String(name.dropFirst()) : name
    }
    /// The image reference as the container was created with it (`Config.Image`, else the event's `image`).
    public var image: String { container?.at("Config", "Image")?.string ?? attribute("image") ?? "" }
    /// The image's id (`sha256:...`).
    public var imageID: String { container?["Image"]?.string ?? "" }
    /// `name (0123456789ab)`, for messages.
    public var containerLabel: String {
        let short = String(containerID.prefix(12))
        return containerName.isEmpty ? short : "\(containerName) (\(short))"
    }

    private func nonNull(_ value: Value?) -> Value? {
        guard let value, !value.isNull else { return nil }
        return value
    }
}

/// One host-level alert: a rule's verdict on one ``DockerActivity``, before deduplication.
public struct DockerAlert: Sendable {
    public var ruleID: String
    public var severity: Severity
    public var message: String
    public var evidence: [Evidence]
    /// The Docker host (`/info` Name, else the endpoint).
    public var host: String
    /// Nanoseconds since 1970 of the event (of the observation, for the watcher's own).
    public var timeNano: Int
    /// Who did it, where the Engine API tells: the user an exec ran as. Empty when unknown.
    public var actor: String
    public var containerID: String
    public var containerName: String
    public var image: String
    public var imageID: String
    /// The event's action (`start`, `exec_start`, `inventory`).
    public var action: String
    /// How many activities the alert stands for, after deduplication.
    public var count = 1
    /// The time of the last activity merged into this alert.
    public var lastTimeNano: Int

    public var shortID: String { String(containerID.prefix(12)) }

    public init(
        ruleID: String, severity: Severity, message: String, evidence: [Evidence], host: String, timeNano: Int,
        actor: String, containerID: String, containerName: String, image: String, imageID: String, action: String
    ) {
        self.ruleID = ruleID
        self.severity = severity
        self.message = message
        self.evidence = evidence
        self.host = host
        self.timeNano = timeNano
        self.actor = actor
        self.containerID = containerID
        self.containerName = containerName
        self.image = image
        self.imageID = imageID
        self.action = action
        self.lastTimeNano = timeNano
    }
}

/// Where a Docker alert rule reports while checking one activity.
public struct DockerAlertContext {
    public let activity: DockerActivity
    public let host: String
    public private(set) var alerts: [DockerAlert] = []
    private(set) var ruleID: String
    private(set) var severity: Severity

    public init(activity: DockerActivity, host: String, ruleID: String, severity: Severity) {
        self.activity = activity
        self.host = host
        self.ruleID = ruleID
        self.severity = severity
    }

    /// Checks the context's activity with `rule`, reporting as `ruleID` with `severity`.
    public mutating func run(_ rule: some DockerAlertRule, ruleID: String, severity: Severity) {
        self.ruleID = ruleID
        self.severity = severity
        rule.check(activity, &self)
    }

    /// Raises an alert about the activity's container (if any). `evidence` names the fields that made it fire
    /// (paths in the activity document); `actor` who did it, where known.
    public mutating func report(_ message: String, evidence: [Evidence], actor: String = "") {
        let a = activity
        alerts.append(
            DockerAlert(
                ruleID: ruleID, severity: severity, message: message, evidence: evidence, host: host,
                timeNano: a.timeNano, actor: actor, containerID: a.containerID, containerName: a.containerName,
                image: a.image, imageID: a.imageID, action: a.action))
    }

    /// Hands the alerts over, leaving the context empty.
    public mutating func take() -> [DockerAlert] {
        defer { alerts = [] }
        return alerts
    }
}

extension DockerAlertRule {
    /// Checks `activity` with the rule's defaults: the example tests evaluate through here.
    public func evaluate(_ activity: DockerActivity) -> [DockerAlert] {
        var context = DockerAlertContext(
            activity: activity, host: "", ruleID: Self.description.id, severity: Self.description.severity)
        check(activity, &context)
        return context.take()
    }
}

/// Every Docker host alert rule, sorted by id. Their ids never collide with the other registries'.
public enum DockerAlertRegistry {
    public static let rules: [any DockerAlertRule.Type] = [
        AlertDockerExecPrivileged.self,
        AlertDockerExposedDaemon.self,
        AlertDockerMinerImage.self,
        AlertDockerPrivileged.self,
        AlertDockerSensitiveMount.self,
        AlertDockerSsh.self,
    ]

    public static var ids: [String] { rules.map { $0.description.id } }

    public static func rule(id: String) -> (any DockerAlertRule.Type)? {
        rules.first { $0.description.id == id }
    }
}

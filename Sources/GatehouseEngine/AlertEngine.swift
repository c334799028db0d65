import GatehouseRules
import KubeModel

/// Runs the alert rules a policy enables over audit events: the policy's action `off` turns a rule off, its
/// severity and parameters apply, and its exemptions (by rule, namespace, object name, kind, image, user and
/// group) silence matching alerts. Users and groups are exempted per rule with the `allowedUsers` and
/// `allowedGroups` parameters, where the rule has them; policy exemptions by `users` and `groups` match the
/// effective actor.
///
/// The engine builds its rules once, so the memory of a ``BaselineAlertRule`` lasts as long as the engine: one
/// `alerts` run, or one server.
public struct AlertEngine: Sendable {
    struct Configured: Sendable {
        let rule: any AlertRule
        let id: String
        let severity: Severity
    }

    let rules: [Configured]
    let exemptions: [Exemption]

    /// Builds every enabled alert rule, those that need a baseline with `baseline` (`nil`: they learn from the
    /// events). Throws ``ParameterError`` for parameters a rule cannot use.
    public init(
        policy: Policy, rules catalogue: [any AlertRule.Type] = AlertRegistry.rules, baseline: ClusterBaseline? = nil
    ) throws {
        var rules: [Configured] = []
        for type in catalogue {
            let d = type.description
            guard let action = policy.action(for: d), action != .off else { continue }
            let settings = policy.settings(for: d.id)
            let parameters = RuleParameters(settings?.parameters)
            let rule =
                if let baselined = type as? any BaselineAlertRule.Type {
                    try baselined.init(parameters: parameters, baseline: baseline)
                } else {
                    try type.init(parameters: parameters)
                }
            rules.append(Configured(rule: rule, id: d.id, severity: settings?.severity ?? d.severity))
        }
        self.rules = rules
        exemptions = policy.exemptions.filter { exemption in rules.contains { exemption.covers(rule: $0.id) } }
    }

    /// The ids of the rules in force.
    public var ruleIDs: [String] { rules.map(\.id) }

    /// The alerts `event` raises, and what the rules could not judge in it.
    public func evaluate(_ event: AuditEvent) -> (alerts: [Alert], unjudged: [Unjudged]) {
        var context = AlertContext(event: event, ruleID: "", severity: .info)
        for configured in rules {
            context.run(configured.rule, on: event, ruleID: configured.id, severity: configured.severity)
        }
        var (alerts, unjudged) = context.take()
        if !exemptions.isEmpty { alerts.removeAll { isExempt($0) } }
        return (alerts, unjudged)
    }

    /// The labels of a request body; `nil` without a body, so a label selector never matches blind.
    static func labels(of body: Value?) -> [String: String]? {
        guard let body else { return nil }
        var labels: [String: String] = [:]
        for pair in (body["metadata"]?["labels"]).map({ Array($0.pairs) }) ?? [] {
            if let key = pair.key.string, let value = pair.value.string { labels[key] = value }
        }
        return labels
    }

    func isExempt(_ alert: Alert) -> Bool {
        let event = alert.event
        let namespace = event.target.resource == "namespaces" ? event.objectName : event.target.namespace
        let actor = event.impersonatedUser ?? event.user
        return exemptions.contains { exemption in
            guard exemption.covers(rule: alert.ruleID),
                exemption.matchesActor(user: actor.username, groups: actor.groups),
                exemption.matchesObject(
                    kind: event.objectKind, name: event.objectName, namespace: namespace.isEmpty ? nil : namespace,
                    labels: { Self.labels(of: event.requestObject) })
            else { return false }
            if exemption.containers.isEmpty && exemption.images.isEmpty { return true }
            // An alert about several images is exempt only when every one of them is.
            guard exemption.containers.isEmpty, !alert.images.isEmpty else { return false }
            return alert.images.allSatisfy { written in
                guard let image = ImageReference(written) else { return false }
                return exemption.images.contains { image.matches($0) }
            }
        }
    }
}

/// Merges alerts of the same rule, actor and object (or actor alone, as ``Alert/mergeBy`` says) within a time
/// window into one alert that counts the requests it stands for. A window opens at its first alert's event time and
/// closes when an event later than `window` after it arrives, when ``close(before:)`` is given such a time, or at
/// ``finish()``. Memory holds the alerts whose window is open, without their events' bodies, and at most `maxOpen`
/// of them: past that the oldest window closes early, so a flood of distinct alerts costs repeated alerts, never
/// memory.
///
/// When the alerts of an open window go out depends on ``Emission``: reading a finished log, one merged alert
/// per window when it closes; following a live log, the first alert at once (a window must not hold an alert
/// back) and, when the window closes having merged more requests, a summary: the same alert with the total
/// count and the last time.
public struct AlertDeduplicator {
    public enum Emission: Sendable {
        /// One alert per window, when the window closes.
        case merged
        /// The first alert of a window at once; a summary at close if the window merged more than one request.
        case firstThenSummary
    }

    struct Key: Hashable {
        let rule: String
        let user: String
        let impersonated: String
        let target: AuditEvent.Target
        let objectName: String
    }

    let window: Double
    let emission: Emission
    let maxOpen: Int
    private var open: [Key: Int] = [:]
    private var pending: [(key: Key, alert: Alert, start: Double, lastAuditID: String)?] = []
    private var first = 0

    /// `window` in seconds; 0 merges only the stages of one request (same audit ID). `maxOpen` bounds the
    /// windows open at once.
    public init(window: Double, emission: Emission = .merged, maxOpen: Int = 20_000) {
        self.window = window
        self.emission = emission
        self.maxOpen = max(1, maxOpen)
    }

    /// Adds an alert; returns the alerts to write now, oldest first: those whose window closed before it and,
    /// with ``Emission/firstThenSummary``, the alert itself when it opens a window.
    public mutating func add(_ alert: Alert) -> [Alert] {
        let event = alert.event
        let time = event.time ?? 0
        let byObject = alert.mergeBy == .object
        let key = Key(
            rule: alert.ruleID, user: event.user.username, impersonated: event.impersonatedUser?.username ?? "",
            target: byObject ? event.target : AuditEvent.Target(), objectName: byObject ? alert.objectName : "")
        var closed = flush(before: time)
        if let index = open[key], let entry = pending[index],
            (window > 0 && time - entry.start <= window) || event.auditID == entry.lastAuditID
        {
            if event.auditID.isEmpty || event.auditID != entry.lastAuditID { pending[index]!.alert.count += 1 }
            pending[index]!.alert.lastTime = max(entry.alert.lastTime, event.stageTimestamp)
            pending[index]!.lastAuditID = event.auditID
            return closed
        }
        if let index = open[key], let entry = pending[index] {
            if let written = closing(entry.alert) { closed.append(written) }
            pending[index] = nil
        }
        if open.count >= maxOpen { closed += closeOldest() }
        open[key] = pending.count
        pending.append((key, alert.trimmedForHolding(), time, event.auditID))
        if emission == .firstThenSummary { closed.append(alert) }
        return closed
    }

    /// Closes the oldest open window early, making room for a new one.
    private mutating func closeOldest() -> [Alert] {
        while first < pending.count {
            defer { first += 1 }
            guard let entry = pending[first] else { continue }
            open[entry.key] = nil
            pending[first] = nil
            return closing(entry.alert).map { [$0] } ?? []
        }
        return []
    }

    /// The alerts whose window closed before `time` (seconds since 1970), oldest first: a long-running reader
    /// (the sink, `alerts --follow`) calls it on a clock, so an alert or a window's summary goes out even when
    /// no later event arrives.
    public mutating func close(before time: Double) -> [Alert] {
        flush(before: time)
    }

    /// Every alert still open, oldest first.
    public mutating func finish() -> [Alert] {
        let rest = pending[first...].compactMap { $0.flatMap { closing($0.alert) } }
        pending = []
        open = [:]
        first = 0
        return rest
    }

    /// What a closing window writes: its merged alert, or with ``Emission/firstThenSummary`` (whose first alert
    /// is out already) a summary only when the window merged more requests.
    private func closing(_ alert: Alert) -> Alert? {
        emission == .merged || alert.count > 1 ? alert : nil
    }

    private mutating func flush(before time: Double) -> [Alert] {
        var closed: [Alert] = []
        while first < pending.count {
            guard let entry = pending[first] else {
                first += 1
                continue
            }
            guard time - entry.start > window else { break }
            if let written = closing(entry.alert) { closed.append(written) }
            open[entry.key] = nil
            pending[first] = nil
            first += 1
        }
        if first > 1024, first * 2 > pending.count {
            pending.removeFirst(first)
            first = 0
            open = Dictionary(uniqueKeysWithValues: pending.enumerated().compactMap { i, e in e.map { ($0.key, i) } })
        }
        return closed
    }
}

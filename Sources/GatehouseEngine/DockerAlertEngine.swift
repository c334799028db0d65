import GatehouseRules
import KubeModel

/// Runs the Docker host alert rules over what happens on one Docker host. Every rule of
/// ``GatehouseRules/DockerAlertRegistry`` runs unless the policy turns it off (action `off`); the policy's
/// severities and parameters apply, and its exemptions silence matching alerts: by rule, by container name
/// (`names`, and `kinds: [DockerContainer]`), by image (`images`) and by the actor (`users`: the user an exec
/// ran as).
public struct DockerAlertEngine: Sendable {
    struct Configured: Sendable {
        let rule: any DockerAlertRule
        let id: String
        let severity: Severity
    }

    let rules: [Configured]
    let exemptions: [Exemption]

    /// Builds every Docker alert rule the policy leaves on. Throws ``ParameterError`` for parameters a rule
    /// cannot use.
    public init(policy: Policy, rules catalogue: [any DockerAlertRule.Type] = DockerAlertRegistry.rules) throws {
        var rules: [Configured] = []
        for type in catalogue {
            let d = type.description
            let settings = policy.settings(for: d.id)
            guard settings?.action != .off else { continue }
            let rule = try type.init(parameters: RuleParameters(settings?.parameters))
            rules.append(Configured(rule: rule, id: d.id, severity: settings?.severity ?? d.severity))
        }
        self.rules = rules
        exemptions = policy.exemptions.filter { exemption in rules.contains { exemption.covers(rule: $0.id) } }
    }

    /// The ids of the rules in force.
    public var ruleIDs: [String] { rules.map(\.id) }

    /// The alerts `activity` on `host` raises.
    public func evaluate(_ activity: DockerActivity, host: String) -> [DockerAlert] {
        var context = DockerAlertContext(activity: activity, host: host, ruleID: "", severity: .info)
        for configured in rules {
            context.run(configured.rule, ruleID: configured.id, severity: configured.severity)
        }
        var alerts = context.take()
        if !exemptions.isEmpty { alerts.removeAll { isExempt($0) } }
        return alerts
    }

    func isExempt(_ alert: DockerAlert) -> Bool {
        exemptions.contains { exemption in
            guard exemption.covers(rule: alert.ruleID), exemption.matchesActor(user: alert.actor, groups: []),
                exemption.matchesObject(
                    kind: SubjectKind.dockerContainer.kind, name: alert.containerName, namespace: nil, labels: { nil })
            else { return false }
            if !exemption.containers.isEmpty, !exemption.containers.anyMatches(alert.containerName) { return false }
            guard !exemption.images.isEmpty else { return true }
            guard let image = ImageReference(alert.image) else { return false }
            return exemption.images.contains { image.matches($0) }
        }
    }
}

/// Merges repeats of a Docker alert (the same rule, container and actor) within a time window: the first goes
/// out at once, later ones only count, and when the window closes having merged more, a summary (the same alert
/// with the count and the last time) goes out. A window opens at its first alert's time and closes when a later
/// alert or ``close(before:)`` passes `window` after it. At most `maxOpen` windows are held: past that the
/// oldest closes early, so a flood of distinct alerts costs repeated alerts, never memory.
public struct DockerAlertDeduplicator {
    struct Key: Hashable {
        let rule: String
        let container: String
        let actor: String
    }

    let window: Int
    let maxOpen: Int
    /// Open windows in the order they opened (times only grow, so the first is the oldest).
    private var open: [Key: DockerAlert] = [:]
    private var order: [Key] = []
    private var first = 0

    /// `window` in seconds; `maxOpen` bounds the windows held at once.
    public init(window: Double, maxOpen: Int = 10_000) {
        self.window = Int(window * 1e9)
        self.maxOpen = max(1, maxOpen)
    }

    /// Adds an alert; returns what to write now: summaries of the windows it closed, then the alert itself when
    /// it opens a window.
    public mutating func add(_ alert: DockerAlert) -> [DockerAlert] {
        var out = close(before: alert.timeNano)
        let key = Key(rule: alert.ruleID, container: alert.containerID, actor: alert.actor)
        if var held = open[key] {
            held.count += 1
            held.lastTimeNano = max(held.lastTimeNano, alert.timeNano)
            open[key] = held
            return out
        }
        if open.count >= maxOpen, let oldest = popOldest() { out += oldest }
        open[key] = alert
        order.append(key)
        out.append(alert)
        return out
    }

    /// The summaries of the windows that closed before `timeNano`: a live watcher calls it on a clock, so a
    /// summary goes out even when no later alert arrives.
    public mutating func close(before timeNano: Int) -> [DockerAlert] {
        var out: [DockerAlert] = []
        while first < order.count, let held = open[order[first]], timeNano - held.timeNano > window {
            out += popOldest() ?? []
        }
        return out
    }

    /// The summaries of every window still open.
    public mutating func finish() -> [DockerAlert] {
        var out: [DockerAlert] = []
        while first < order.count { out += popOldest() ?? [] }
        return out
    }

    /// Closes the oldest window: its summary when it merged repeats.
    private mutating func popOldest() -> [DockerAlert]? {
        guard first < order.count else { return nil }
        let key = order[first]
        first += 1
        if first > 1024, first * 2 > order.count {
            order.removeFirst(first)
            first = 0
        }
        guard let held = open.removeValue(forKey: key) else { return [] }
        return held.count > 1 ? [held] : []
    }
}

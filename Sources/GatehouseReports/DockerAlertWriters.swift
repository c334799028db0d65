#if canImport(Glibc)
import Glibc
#endif
import GatehouseEngine
import GatehouseRules
import KubeModel

/// The `gatehouse docker watch` outputs: each alert as it is raised (and a window's summary when it closes).
public protocol DockerAlertWriter {
    mutating func write(_ alert: DockerAlert, to out: ReportOutput)
}

extension DockerAlert {
    var ruleDescription: RuleDescription? { DockerAlertRegistry.rule(id: ruleID)?.description }
    var tactic: String { DockerAlertRegistry.rule(id: ruleID)?.tactic.rawValue ?? "" }
    /// The Defender for Cloud alerts the rule reproduces, as its references name them.
    var defenderReferences: [String] {
        ruleDescription?.references.filter { $0.source == .defender }.map(\.text) ?? []
    }
}

/// RFC 3339 UTC with nanoseconds (`2024-05-01T10:00:00.123456789Z`) of nanoseconds since 1970.
private func rfc3339(nanoseconds: Int) -> String {
    var seconds = time_t(nanoseconds / 1_000_000_000)
    let fraction = nanoseconds % 1_000_000_000
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
        + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
        + "." + pad(fraction, 9) + "Z"
}

/// One alert in a few lines for a person: time, severity, rule, message, then the container, the actor and the
/// evidence.
public struct DockerAlertTextWriter: DockerAlertWriter {
    public init() {}

    /// How the outputs write a time: RFC 3339 UTC with nanoseconds, of nanoseconds since 1970.
    public static func time(_ nanoseconds: Int) -> String { rfc3339(nanoseconds: nanoseconds) }

    public mutating func write(_ alert: DockerAlert, to out: ReportOutput) {
        var text = "\(rfc3339(nanoseconds: alert.timeNano)) \(alert.severity.rawValue.uppercased()) \(alert.ruleID): \(alert.message)"
        if alert.count > 1 { text += " (\(alert.count) times until \(rfc3339(nanoseconds: alert.lastTimeNano)))" }
        text += "\n    host \(alert.host)"
        if !alert.containerID.isEmpty { text += "; container \(alert.containerName) (\(alert.shortID)) image \(alert.image)" }
        if !alert.actor.isEmpty { text += "; actor \(alert.actor)" }
        text += "; \(alert.action)\n"
        for item in alert.evidence { text += "    \(item.path): \(item.value)\n" }
        out.write(text)
    }
}

/// JSON Lines: one alert per line, with the fields of `gatehouse alerts --format json` where they apply and
/// `container`, `image` and `host` in place of the Kubernetes object.
public struct DockerAlertJSONWriter: DockerAlertWriter {
    public init() {}

    public mutating func write(_ alert: DockerAlert, to out: ReportOutput) {
        var json = JSONEmitter(style: .compact, capacity: 1024)
        json.beginObject()
        json.field("alert", alert.ruleID)
        json.field("title", alert.ruleDescription?.title ?? "")
        json.field("severity", alert.severity.rawValue)
        json.field("tactic", alert.tactic)
        json.field("message", alert.message)
        json.field("time", rfc3339(nanoseconds: alert.timeNano))
        json.field("lastTime", rfc3339(nanoseconds: alert.lastTimeNano))
        json.field("count", alert.count)
        json.key("actor")
        json.beginObject()
        json.field("user", alert.actor)
        json.endObject()
        json.field("host", alert.host)
        json.key("container")
        json.beginObject()
        json.field("id", alert.containerID)
        json.field("shortId", alert.shortID)
        json.field("name", alert.containerName)
        json.endObject()
        json.key("image")
        json.beginObject()
        json.field("reference", alert.image)
        json.field("id", alert.imageID)
        json.endObject()
        json.field("action", alert.action)
        json.key("evidence")
        json.evidence(alert.evidence)
        json.field("remediation", alert.ruleDescription?.remediation ?? "")
        json.field("references", alert.defenderReferences)
        json.endObject()
        out.write(&json)
        out.write("\n")
    }
}

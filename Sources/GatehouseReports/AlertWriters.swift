import GatehouseEngine
import GatehouseRules
import KubeModel

/// The `gatehouse alerts` outputs. Alerts stream out as their deduplication window closes; `finish` ends the
/// output (SARIF, a single document, is written there).
public protocol AlertWriter {
    mutating func write(_ alert: Alert, to out: ReportOutput)
    mutating func finish(unjudged: [(rule: String, reason: String, count: Int)], to out: ReportOutput)
}

/// Fields every format shares.
enum AlertFields {
    static func tactic(_ id: String) -> String { AlertRegistry.rule(id: id)?.tactic.rawValue ?? "" }
    static func description(_ id: String) -> RuleDescription? { AlertRegistry.rule(id: id)?.description }
}

/// One line per alert for a person: time, severity, rule, message, then who and from where.
public struct AlertTextWriter: AlertWriter {
    public init() {}

    public mutating func write(_ alert: Alert, to out: ReportOutput) {
        let e = alert.event
        var text = "\(e.stageTimestamp) \(alert.severity.rawValue.uppercased()) \(alert.ruleID): \(alert.message)"
        if alert.count > 1 { text += " (\(alert.count) requests until \(alert.lastTime))" }
        text += "\n    actor \(e.actorName)"
        if !e.sourceIPs.isEmpty { text += " from \(e.sourceIPs.joined(separator: ", "))" }
        if !e.userAgent.isEmpty { text += " (\(e.userAgent))" }
        text += "; audit ID \(e.auditID); \(e.origin)\n"
        for item in alert.evidence { text += "    \(item.path): \(item.value)\n" }
        out.write(text)
    }

    public mutating func finish(unjudged: [(rule: String, reason: String, count: Int)], to out: ReportOutput) {}
}

/// JSON Lines: one alert per line, for log pipelines and SIEMs.
public struct AlertJSONWriter: AlertWriter {
    public init() {}

    public mutating func write(_ alert: Alert, to out: ReportOutput) {
        let e = alert.event
        var json = JSONEmitter(style: .compact, capacity: 1024)
        json.beginObject()
        json.field("alert", alert.ruleID)
        json.field("title", AlertFields.description(alert.ruleID)?.title ?? "")
        json.field("severity", alert.severity.rawValue)
        json.field("tactic", AlertFields.tactic(alert.ruleID))
        json.field("message", alert.message)
        json.field("time", e.stageTimestamp)
        json.field("lastTime", alert.lastTime)
        json.field("count", alert.count)
        json.key("actor")
        json.beginObject()
        json.field("user", e.user.username)
        json.field("groups", e.user.groups)
        if let impersonated = e.impersonatedUser { json.field("impersonatedUser", impersonated.username) }
        json.field("sourceIPs", e.sourceIPs)
        json.field("userAgent", e.userAgent)
        json.endObject()
        json.key("object")
        json.beginObject()
        json.field("resource", e.target.resource)
        json.field("subresource", e.target.subresource)
        json.field("namespace", e.target.namespace)
        json.field("name", alert.objectName)
        json.field("kind", alert.objectKind)
        json.endObject()
        json.field("verb", e.verb)
        json.field("auditID", e.auditID)
        json.key("evidence")
        json.evidence(alert.evidence)
        json.field("remediation", AlertFields.description(alert.ruleID)?.remediation ?? "")
        json.field("source", e.origin.description)
        json.endObject()
        out.write(&json)
        out.write("\n")
    }

    public mutating func finish(unjudged: [(rule: String, reason: String, count: Int)], to out: ReportOutput) {}
}

/// SARIF 2.1.0, one run: each alert a result located at the audit log line of its event.
public struct AlertSARIFWriter: AlertWriter {
    private var alerts: [Alert] = []

    public init() {}

    public mutating func write(_ alert: Alert, to out: ReportOutput) { alerts.append(alert) }

    public mutating func finish(unjudged: [(rule: String, reason: String, count: Int)], to out: ReportOutput) {
        var json = JSONEmitter(style: .spaced, capacity: 4096)
        json.beginObject(multiline: true)
        json.field("$schema", SARIFReportWriter.schemaURI)
        json.field("version", "2.1.0")
        json.key("runs")
        json.beginArray(multiline: true)
        json.beginObject(multiline: true)
        json.key("tool")
        json.beginObject(multiline: true)
        json.key("driver")
        json.beginObject(multiline: true)
        json.field("name", "gatehouse")
        json.field("version", GatehouseInfo.version)
        json.field("informationUri", GatehouseInfo.informationURI)
        json.key("rules")
        json.beginArray(multiline: true)
        let ids = Array(Set(alerts.map(\.ruleID))).sorted()
        for id in ids {
            let d = AlertFields.description(id)
            json.beginObject()
            json.field("id", id)
            json.key("shortDescription")
            json.beginObject()
            json.field("text", d?.title ?? id)
            json.endObject()
            json.key("help")
            json.beginObject()
            json.field("text", d?.remediation ?? "")
            json.endObject()
            json.key("properties")
            json.beginObject()
            json.field("tags", ["security", AlertFields.tactic(id)])
            json.endObject()
            json.endObject()
        }
        json.endArray()
        json.endObject()
        json.endObject()
        json.key("results")
        json.beginArray(multiline: true)
        for alert in alerts {
            json.beginObject()
            json.field("ruleId", alert.ruleID)
            json.field("level", SARIFReportWriter.level(alert.severity))
            json.key("message")
            json.beginObject()
            json.field("text", alert.message)
            json.endObject()
            json.key("locations")
            json.beginArray()
            json.beginObject()
            json.key("physicalLocation")
            json.beginObject()
            json.key("artifactLocation")
            json.beginObject()
            json.field("uri", alert.event.origin.file)
            json.endObject()
            json.key("region")
            json.beginObject()
            json.field("startLine", max(alert.event.origin.line, 1))
            json.endObject()
            json.endObject()
            json.endObject()
            json.endArray()
            json.key("properties")
            json.beginObject()
            json.field("auditID", alert.event.auditID)
            json.field("time", alert.event.stageTimestamp)
            json.field("user", alert.event.user.username)
            json.field("count", alert.count)
            json.endObject()
            json.endObject()
            out.write(&json)
        }
        json.endArray()
        json.endObject()
        json.endArray()
        json.endObject()
        json.newline()
        out.write(&json)
    }
}

extension JSONEmitter {
    /// An alert's evidence as a JSON array of `{"path", "value"}`: the Kubernetes and Docker alert lines alike.
    mutating func evidence(_ items: [Evidence]) {
        beginArray()
        for item in items {
            beginObject()
            field("path", item.path)
            field("value", item.value)
            endObject()
        }
        endArray()
    }
}

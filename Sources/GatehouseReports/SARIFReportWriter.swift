import GatehouseEngine
import GatehouseRules
import KubeModel

/// SARIF 2.1.0 (OASIS), the format code-scanning services (GitHub, Azure DevOps) ingest.
///
/// One run; the driver lists every rule the audit ran with its documentation; each finding is a result with
/// a physical location (file, line, column) and a logical location (the object and field path). Severity maps
/// to SARIF levels: critical and high → `error`, medium → `warning`, low and info → `note`. Input errors are
/// reported as tool execution notifications, so the run says it was not successful.
public struct SARIFReportWriter: ReportWriter {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

    /// Where rule documentation comes from (the registry; tests pass fixed descriptions).
    public let describe: @Sendable (String) -> RuleDescription?

    public init(describe: @escaping @Sendable (String) -> RuleDescription? = { RuleCatalogue.description(id: $0) }) {
        self.describe = describe
    }

    public static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .info: "note"
        }
    }

    public func write(_ report: AuditReport, to out: ReportOutput) {
        var json = JSONEmitter(style: .spaced, capacity: 4096)
        json.beginObject(multiline: true)
        json.field("$schema", Self.schemaURI)
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
        var ruleIndex: [String: Int] = [:]
        let ids = Array(Set(report.activeRules + report.findings.indices.map(report.findings.ruleID(at:)))).sorted()
        for (i, id) in ids.enumerated() {
            ruleIndex[id] = i
            writeRule(id, to: &json)
            out.write(&json)
        }
        json.endArray()
        json.endObject()
        json.endObject()
        writeInvocations(report, to: &json)
        json.key("results")
        json.beginArray(multiline: true)
        for f in report.findings {
            writeResult(f, ruleIndex: ruleIndex[f.ruleID] ?? 0, to: &json)
            out.write(&json)
        }
        if report.listsExempted {
            for item in report.exempted {
                writeResult(item.finding, ruleIndex: ruleIndex[item.finding.ruleID] ?? 0, exemption: item.exemption, to: &json)
                out.write(&json)
            }
        }
        json.endArray()
        writeExemptionCounts(report, to: &json)
        json.endObject()
        json.endArray()
        json.endObject()
        json.newline()
        out.write(&json)
    }

    /// One result. An exempted finding carries the SARIF `suppressions` that say so: `external` for a policy
    /// exemption (written apart from the manifest), `inSource` for an annotation on the object itself, with
    /// the reason as justification.
    private func writeResult(_ f: Finding, ruleIndex: Int, exemption: ExemptionSource? = nil, to json: inout JSONEmitter) {
        json.beginObject()
        json.field("ruleId", f.ruleID)
        json.field("ruleIndex", ruleIndex)
        json.field("level", Self.level(f.severity))
        json.key("message")
        json.beginObject()
        json.field("text", f.message)
        json.endObject()
        json.lineBreak(indent: 9)
        json.key("locations")
        json.beginArray()
        json.beginObject()
        writePhysicalLocation(file: f.object.source.file, position: f.position, to: &json)
        json.key("logicalLocations")
        json.beginArray()
        json.beginObject()
        json.field("fullyQualifiedName", f.object.displayName + " " + f.path)
        json.field("kind", "object")
        json.endObject()
        json.endArray()
        json.endObject()
        json.endArray()
        if !f.chain.isEmpty { writeRelatedLocations(f.chain, to: &json) }
        if let exemption {
            json.lineBreak(indent: 9)
            json.key("suppressions")
            json.beginArray()
            json.beginObject()
            json.field("kind", Self.suppressionKind(exemption))
            json.field("status", "accepted")
            if let reason = exemption.reason { json.field("justification", reason) }
            json.key("properties")
            json.beginObject()
            json.field("exemption", exemption.label)
            json.endObject()
            json.endObject()
            json.endArray()
        }
        json.lineBreak(indent: 9)
        json.key("properties")
        json.beginObject()
        json.field("severity", f.severity.rawValue)
        json.field("action", f.action.rawValue)
        json.field("path", f.path)
        // The mechanical fix as an RFC 6902 JSON patch against the object (SARIF's own `fixes` describe text
        // replacements, which depend on the file's layout; `gatehouse fix` makes those).
        if let fix = f.fixPatch {
            json.key("fix")
            FixJSON.write(fix, to: &json)
        }
        json.endObject()
        json.endObject()
    }

    /// SARIF's suppression kind: `inSource` for an annotation (written in the manifest itself), `external`
    /// for a policy exemption.
    public static func suppressionKind(_ exemption: ExemptionSource) -> String {
        switch exemption {
        case .policy: "external"
        case .annotation: "inSource"
        }
    }

    /// The run's `properties`: how many findings exemptions suppressed (listed as suppressed results only
    /// with `--show-exempted`) and how many exemption annotations were not applied.
    private func writeExemptionCounts(_ report: AuditReport, to json: inout JSONEmitter) {
        let (policy, annotation) = report.exemptedCounts
        json.key("properties")
        json.beginObject()
        json.field("exempted", report.exempted.count)
        json.field("exemptedByPolicy", policy)
        json.field("exemptedByAnnotation", annotation)
        json.field("exemptionNotes", report.exemptionNotes.count)
        json.endObject()
    }

    /// One invocation, successful unless the audit had input errors. Errors are listed as notifications, and
    /// so are exemption annotations that were not applied (as warnings).
    private func writeInvocations(_ report: AuditReport, to json: inout JSONEmitter) {
        json.key("invocations")
        json.beginArray()
        json.beginObject()
        json.field("executionSuccessful", report.errors.isEmpty)
        if !report.errors.isEmpty || !report.exemptionNotes.isEmpty {
            json.key("toolExecutionNotifications")
            json.beginArray()
            for error in report.errors {
                json.beginObject()
                json.field("level", "error")
                json.key("message")
                json.beginObject()
                json.field("text", error.message)
                json.endObject()
                json.key("locations")
                json.beginArray()
                json.beginObject()
                writePhysicalLocation(file: error.file, position: error.position, to: &json)
                json.endObject()
                json.endArray()
                json.endObject()
            }
            for note in report.exemptionNotes {
                json.beginObject()
                json.field("level", "warning")
                json.key("message")
                json.beginObject()
                json.field("text", note.text)
                json.endObject()
                json.key("locations")
                json.beginArray()
                json.beginObject()
                writePhysicalLocation(file: note.object.source.file, position: note.position, to: &json)
                json.endObject()
                json.endArray()
                json.endObject()
            }
            json.endArray()
        }
        json.endObject()
        json.endArray()
    }

    private func writeRule(_ id: String, to json: inout JSONEmitter) {
        json.beginObject()
        json.field("id", id)
        if let d = describe(id) {
            json.field("name", d.title)
            json.key("shortDescription")
            json.beginObject()
            json.field("text", d.title)
            json.endObject()
            json.key("fullDescription")
            json.beginObject()
            json.field("text", d.spec)
            json.endObject()
            json.key("help")
            json.beginObject()
            json.field("text", d.remediation)
            json.endObject()
            json.key("defaultConfiguration")
            json.beginObject()
            json.field("level", Self.level(d.severity))
            json.endObject()
            json.key("properties")
            json.beginObject()
            json.field("category", d.category.rawValue)
            json.field("severity", d.severity.rawValue)
            json.field("tags", [d.category.rawValue])
            json.endObject()
        }
        json.endObject()
    }

    /// The `"physicalLocation"` member: the file as a URI, and the region when the position is known.
    /// A cross-object finding's chain as SARIF `relatedLocations`, in order (ids from 1): each object that proves
    /// the finding, with what it contributes as the message.
    private func writeRelatedLocations(_ chain: [ChainLink], to json: inout JSONEmitter) {
        json.lineBreak(indent: 9)
        json.key("relatedLocations")
        json.beginArray()
        for (i, link) in chain.enumerated() {
            json.beginObject()
            json.field("id", i + 1)
            writePhysicalLocation(file: link.object.source.file, position: .unknown, to: &json)
            json.key("logicalLocations")
            json.beginArray()
            json.beginObject()
            json.field("fullyQualifiedName", link.object.displayName)
            json.field("kind", "object")
            json.endObject()
            json.endArray()
            json.key("message")
            json.beginObject()
            json.field("text", link.description)
            json.endObject()
            json.endObject()
        }
        json.endArray()
    }

    private func writePhysicalLocation(file: String, position: SourcePosition, to json: inout JSONEmitter) {
        json.key("physicalLocation")
        json.beginObject()
        json.key("artifactLocation")
        json.beginObject()
        json.field("uri", uri(file))
        json.endObject()
        if position != .unknown {
            json.key("region")
            json.beginObject()
            json.field("startLine", position.line)
            json.field("startColumn", position.column)
            json.endObject()
        }
        json.endObject()
    }

    /// A relative URI reference for a path as the user gave it (`-` stays `-`, spaces and `%` escaped).
    private func uri(_ path: String) -> String {
        var result = ""
        for scalar in path.unicodeScalars {
            switch scalar {
            case " ": result += "%20"
            case "%": result += "%25"
            case "#": result += "%23"
            case "?": result += "%3F"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

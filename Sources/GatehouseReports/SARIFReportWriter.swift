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
        out.write("{\n  \"$schema\": ")
        out.writeJSONString(Self.schemaURI)
        out.write(",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n")
        out.write("          \"name\": \"gatehouse\",\n          \"version\": ")
        out.writeJSONString(GatehouseInfo.version)
        out.write(",\n          \"informationUri\": ")
        out.writeJSONString(GatehouseInfo.informationURI)
        out.write(",\n          \"rules\": [")
        var ruleIndex: [String: Int] = [:]
        let ids = Array(Set(report.activeRules + report.findings.indices.map(report.findings.ruleID(at:)))).sorted()
        for (i, id) in ids.enumerated() {
            ruleIndex[id] = i
            out.write(i == 0 ? "\n            " : ",\n            ")
            writeRule(id, to: out)
        }
        out.write(ids.isEmpty ? "]\n" : "\n          ]\n")
        out.write("        }\n      },\n")
        out.write("      \"invocations\": [{\"executionSuccessful\": \(report.errors.isEmpty)")
        if !report.errors.isEmpty {
            out.write(", \"toolExecutionNotifications\": [")
            for (i, error) in report.errors.enumerated() {
                if i > 0 { out.write(", ") }
                out.write("{\"level\": \"error\", \"message\": {\"text\": ")
                out.writeJSONString(error.message)
                out.write("}, \"locations\": [")
                writePhysicalLocation(file: error.file, position: error.position, to: out)
                out.write("]}")
            }
            out.write("]")
        }
        out.write("}],\n      \"results\": [")
        for (i, f) in report.findings.enumerated() {
            out.write(i == 0 ? "\n        " : ",\n        ")
            out.write("{\"ruleId\": ")
            out.writeJSONString(f.ruleID)
            out.write(", \"ruleIndex\": \(ruleIndex[f.ruleID] ?? 0), \"level\": \"\(Self.level(f.severity))\", ")
            out.write("\"message\": {\"text\": ")
            out.writeJSONString(f.message)
            out.write("},\n         \"locations\": [")
            out.write("{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ")
            out.writeJSONString(uri(f.object.source.file))
            out.write("}")
            if f.position != .unknown {
                out.write(", \"region\": {\"startLine\": \(f.position.line), \"startColumn\": \(f.position.column)}")
            }
            out.write("}, \"logicalLocations\": [{\"fullyQualifiedName\": ")
            out.writeJSONString(f.object.displayName + " " + f.path)
            out.write(", \"kind\": \"object\"}]}],\n         \"properties\": {\"severity\": ")
            out.writeJSONString(f.severity.rawValue)
            out.write(", \"action\": ")
            out.writeJSONString(f.action.rawValue)
            out.write(", \"path\": ")
            out.writeJSONString(f.path)
            out.write("}}")
        }
        out.write(report.findings.isEmpty ? "]\n" : "\n      ]\n")
        out.write("    }\n  ]\n}\n")
    }

    private func writeRule(_ id: String, to out: ReportOutput) {
        out.write("{\"id\": ")
        out.writeJSONString(id)
        guard let d = describe(id) else {
            out.write("}")
            return
        }
        out.write(", \"name\": ")
        out.writeJSONString(d.title)
        out.write(", \"shortDescription\": {\"text\": ")
        out.writeJSONString(d.title)
        out.write("}, \"fullDescription\": {\"text\": ")
        out.writeJSONString(d.spec)
        out.write("}, \"help\": {\"text\": ")
        out.writeJSONString(d.remediation)
        out.write("}, \"defaultConfiguration\": {\"level\": \"\(Self.level(d.severity))\"}, \"properties\": {\"category\": ")
        out.writeJSONString(d.category.rawValue)
        out.write(", \"severity\": ")
        out.writeJSONString(d.severity.rawValue)
        out.write(", \"tags\": [")
        out.writeJSONString(d.category.rawValue)
        out.write("]}}")
    }

    private func writePhysicalLocation(file: String, position: SourcePosition, to out: ReportOutput) {
        out.write("{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ")
        out.writeJSONString(uri(file))
        out.write("}")
        if position != .unknown {
            out.write(", \"region\": {\"startLine\": \(position.line), \"startColumn\": \(position.column)}")
        }
        out.write("}}")
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

import GatehouseEngine
import GatehouseRules
import KubeModel

/// The machine-readable report, schema documented in `docs/report-json.md`.
///
/// Written field by field into the output buffer (no intermediate document), so a report of millions of
/// findings streams out at memory speed. Keys always appear in the documented order; optional fields are
/// written as `null` rather than left out, so consumers see one shape.
public struct JSONReportWriter: ReportWriter {
    /// Bumped on any incompatible change to the shape; additions keep the version.
    public static let schemaVersion = 1

    public init() {}

    public func write(_ report: AuditReport, to out: ReportOutput) {
        out.write("{\n  \"schemaVersion\": \(Self.schemaVersion),\n  \"tool\": {\"name\": ")
        out.writeJSONString(GatehouseInfo.name)
        out.write(", \"version\": ")
        out.writeJSONString(GatehouseInfo.version)
        out.write("},\n  \"profile\": ")
        out.writeJSONString(report.profile.rawValue)
        out.write(",\n  \"rules\": [")
        for (i, id) in report.activeRules.enumerated() {
            if i > 0 { out.write(", ") }
            out.writeJSONString(id)
        }
        out.write("],\n  \"summary\": {\"files\": \(report.files.count), \"objects\": \(report.objectCount), ")
        out.write("\"findings\": \(report.findings.count), \"errors\": \(report.errors.count), ")
        out.write("\"notes\": \(report.notes.count),\n    \"bySeverity\": {")
        out.write(report.countsBySeverity.map { "\"\($0.0.rawValue)\": \($0.1)" }.joined(separator: ", "))
        out.write("},\n    \"byAction\": {")
        out.write(report.countsByAction.map { "\"\($0.0.rawValue)\": \($0.1)" }.joined(separator: ", "))
        out.write("}},\n  \"files\": [")
        for (i, file) in report.files.enumerated() {
            out.write(i == 0 ? "\n    " : ",\n    ")
            out.writeJSONString(file)
        }
        out.write(report.files.isEmpty ? "],\n" : "\n  ],\n")
        out.write("  \"findings\": [")
        for (i, finding) in report.findings.enumerated() {
            out.write(i == 0 ? "\n    " : ",\n    ")
            writeFinding(finding, to: out)
        }
        out.write(report.findings.isEmpty ? "],\n" : "\n  ],\n")
        out.write("  \"errors\": [")
        for (i, error) in report.errors.enumerated() {
            out.write(i == 0 ? "\n    " : ",\n    ")
            out.write("{\"file\": ")
            out.writeJSONString(error.file)
            out.write(", \"line\": \(error.position.line), \"column\": \(error.position.column), \"message\": ")
            out.writeJSONString(error.message)
            out.write("}")
        }
        out.write(report.errors.isEmpty ? "],\n" : "\n  ],\n")
        out.write("  \"notes\": [")
        for (i, note) in report.notes.enumerated() {
            out.write(i == 0 ? "\n    " : ",\n    ")
            out.write("{\"file\": ")
            out.writeJSONString(note.source.file)
            out.write(", \"document\": \(note.source.document), \"item\": ")
            writeOptional(note.source.item, to: out)
            out.write(", \"line\": \(note.position.line), \"column\": \(note.position.column), \"message\": ")
            out.writeJSONString(note.message)
            out.write("}")
        }
        out.write(report.notes.isEmpty ? "]\n}\n" : "\n  ]\n}\n")
    }

    private func writeFinding(_ f: Finding, to out: ReportOutput) {
        out.write("{\"rule\": ")
        out.writeJSONString(f.ruleID)
        out.write(", \"severity\": ")
        out.writeJSONString(f.severity.rawValue)
        out.write(", \"action\": ")
        out.writeJSONString(f.action.rawValue)
        out.write(", \"message\": ")
        out.writeJSONString(f.message)
        out.write(", \"path\": ")
        out.writeJSONString(f.path)
        out.write(",\n     \"object\": {\"apiVersion\": ")
        out.writeJSONString(f.object.apiVersion)
        out.write(", \"kind\": ")
        out.writeJSONString(f.object.kind)
        out.write(", \"namespace\": ")
        writeOptional(f.object.namespace, to: out)
        out.write(", \"name\": ")
        out.writeJSONString(f.object.name)
        out.write("},\n     \"location\": {\"file\": ")
        out.writeJSONString(f.object.source.file)
        out.write(", \"document\": \(f.object.source.document), \"item\": ")
        writeOptional(f.object.source.item, to: out)
        out.write(", \"line\": \(f.position.line), \"column\": \(f.position.column)}, \"container\": ")
        writeOptional(f.container, to: out)
        out.write(", \"image\": ")
        writeOptional(f.image, to: out)
        out.write("}")
    }

    private func writeOptional(_ value: String?, to out: ReportOutput) {
        if let value { out.writeJSONString(value) } else { out.write("null") }
    }

    private func writeOptional(_ value: Int?, to out: ReportOutput) {
        if let value { out.write(String(value)) } else { out.write("null") }
    }
}

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

    /// Threads the findings section may be formatted on (two at most are used; the bytes are the same).
    public let jobs: Int

    /// Findings per chunk handed between threads (tests make it small to exercise many chunks).
    let chunkSize: Int

    public init(jobs: Int = 1) {
        self.init(jobs: jobs, chunkSize: JSONFindingsRenderer.chunkSize)
    }

    init(jobs: Int, chunkSize: Int) {
        self.jobs = max(1, jobs)
        self.chunkSize = max(1, chunkSize)
    }

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
        JSONFindingsRenderer(report.findings, threads: min(jobs, 2)).write(to: out, threads: min(jobs, 2), chunkSize: chunkSize)
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

    private func writeOptional(_ value: String?, to out: ReportOutput) {
        if let value { out.writeJSONString(value) } else { out.write("null") }
    }

    private func writeOptional(_ value: Int?, to out: ReportOutput) {
        if let value { out.write(String(value)) } else { out.write("null") }
    }
}

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
        var json = JSONEmitter(style: .spaced, capacity: 4096)
        json.beginObject(multiline: true)
        json.field("schemaVersion", Self.schemaVersion)
        json.key("tool")
        json.beginObject()
        json.field("name", GatehouseInfo.name)
        json.field("version", GatehouseInfo.version)
        json.endObject()
        json.field("profile", report.profile.rawValue)
        json.field("rules", report.activeRules)
        writeSummary(report, to: &json)
        json.key("files")
        json.beginArray(multiline: true)
        for file in report.files { json.string(file) }
        json.endArray()
        json.key("findings")
        json.beginArray(multiline: true)
        out.write(&json)
        let threads = min(jobs, 2)
        JSONFindingsRenderer(report.findings, threads: threads).write(to: out, threads: threads, chunkSize: chunkSize)
        json.itemsAppendedDirectly(hasItems: !report.findings.isEmpty)
        json.endArray()
        json.key("errors")
        json.loadErrors(report.errors)
        json.key("notes")
        json.beginArray(multiline: true)
        for note in report.notes {
            json.beginObject()
            json.field("file", note.source.file)
            json.field("document", note.source.document)
            json.field("item", note.source.item)
            json.field("line", note.position.line)
            json.field("column", note.position.column)
            json.field("message", note.message)
            json.endObject()
        }
        json.endArray()
        writeExemptionTrace(report, to: &json)
        json.endObject()
        json.newline()
        out.write(&json)
    }

    /// `"exemptionNotes"`, always a list, and `"exempted"`: the exempted findings with `--show-exempted`,
    /// else `null` (the summary counts them either way).
    private func writeExemptionTrace(_ report: AuditReport, to json: inout JSONEmitter) {
        json.key("exemptionNotes")
        json.beginArray(multiline: true)
        for note in report.exemptionNotes {
            json.beginObject()
            json.field("file", note.object.source.file)
            json.field("document", note.object.source.document)
            json.field("item", note.object.source.item)
            json.field("line", note.position.line)
            json.field("column", note.position.column)
            json.key("object")
            writeObject(note.object, to: &json)
            json.field("message", note.message)
            json.endObject()
        }
        json.endArray()
        json.key("exempted")
        guard report.listsExempted else {
            json.null()
            return
        }
        json.beginArray(multiline: true)
        for item in report.exempted {
            let f = item.finding
            json.beginObject()
            json.field("rule", f.ruleID)
            json.field("severity", f.severity.rawValue)
            json.field("action", f.action.rawValue)
            json.field("message", f.message)
            json.field("path", f.path)
            json.lineBreak(indent: 5)
            json.key("object")
            writeObject(f.object, to: &json)
            json.lineBreak(indent: 5)
            json.key("location")
            json.beginObject()
            json.field("file", f.object.source.file)
            json.field("document", f.object.source.document)
            json.field("item", f.object.source.item)
            json.field("line", f.position.line)
            json.field("column", f.position.column)
            json.endObject()
            json.field("container", f.container)
            json.field("image", f.image)
            if !f.chain.isEmpty {
                json.lineBreak(indent: 5)
                json.key("chain")
                ChainJSON.write(f.chain, to: &json)
            }
            json.lineBreak(indent: 5)
            json.key("exemption")
            writeExemption(item.exemption, to: &json)
            json.endObject()
        }
        json.endArray()
    }

    private func writeObject(_ object: ObjectRef, to json: inout JSONEmitter) {
        json.beginObject()
        json.field("apiVersion", object.apiVersion)
        json.field("kind", object.kind)
        json.field("namespace", object.namespace)
        json.field("name", object.name)
        json.endObject()
    }

    /// `{"kind": "policy"|"annotation", "label", "reason", "index", "name", "line", "annotation", "onTemplate"}`:
    /// the members of the other kind are `null`.
    private func writeExemption(_ exemption: ExemptionSource, to json: inout JSONEmitter) {
        json.beginObject()
        json.field("kind", exemption.kind)
        json.field("label", exemption.label)
        json.field("reason", exemption.reason)
        switch exemption {
        case .policy(let index, let name, _, let position):
            json.field("index", index)
            json.field("name", name)
            json.field("line", position == .unknown ? nil : position.line)
            json.field("annotation", nil as String?)
            json.key("onTemplate")
            json.null()
        case .annotation(let value, _, let onTemplate):
            json.field("index", nil as Int?)
            json.field("name", nil as String?)
            json.field("line", nil as Int?)
            json.field("annotation", value)
            json.field("onTemplate", onTemplate)
        }
        json.endObject()
    }

    /// `"summary": {"files": N, ... "notes": N,` then the two count tables, each on a line of its own.
    private func writeSummary(_ report: AuditReport, to json: inout JSONEmitter) {
        json.key("summary")
        json.beginObject()
        json.field("files", report.files.count)
        json.field("objects", report.objectCount)
        json.field("findings", report.findings.count)
        json.field("errors", report.errors.count)
        json.field("notes", report.notes.count)
        json.field("exempted", report.exempted.count)
        json.field("exemptionNotes", report.exemptionNotes.count)
        json.lineBreak(indent: 4)
        json.key("bySeverity")
        json.beginObject()
        for (severity, count) in report.countsBySeverity { json.field(severity.rawValue, count) }
        json.endObject()
        json.lineBreak(indent: 4)
        json.key("byAction")
        json.beginObject()
        for (action, count) in report.countsByAction { json.field(action.rawValue, count) }
        json.endObject()
        json.endObject()
    }
}

extension JSONEmitter {
    /// Inputs that could not be read, as every JSON report lists them: `file`, `line`, `column`, `message`.
    mutating func loadErrors(_ errors: [LoadError]) {
        beginArray(multiline: true)
        for error in errors {
            beginObject()
            field("file", error.file)
            field("line", error.position.line)
            field("column", error.position.column)
            field("message", error.message)
            endObject()
        }
        endArray()
    }
}

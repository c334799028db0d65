import GatehouseEngine
import GatehouseRules
import KubeModel

/// Kubernetes Policy WG reports (`wgpolicyk8s.io/v1alpha2`), as JSON that `kubectl apply -f` accepts.
///
/// A `v1 List` holding one `PolicyReport` per namespace with findings (named `gatehouse-<namespace>`) and one
/// `ClusterPolicyReport` (`gatehouse-cluster`) for objects without a namespace. Each finding is a result:
/// `policy` and `rule` are the rule id, `result` is `fail` for deny and `warn` for warn and audit, `severity`
/// uses the same five words as Gatehouse. Inputs that could not be read or parsed are results of the
/// `ClusterPolicyReport` (written even without cluster-scoped findings) with `result: error`, policy
/// ``inputPolicy``, the error as message and its file, line and column as properties, and are counted in its
/// `summary.error`: an incomplete audit never looks clean. The report carries no timestamp so that it is
/// reproducible.
///
/// Exempted findings are counted in `summary.skip` of their namespace's report; with `--show-exempted` each is
/// a result with `result: skip`, the exemption and its reason as properties. An exemption annotation that was
/// not applied is a `warn` result of policy ``exemptionPolicy`` about the object, never scored.
public struct PolicyReportWriter: ReportWriter {
    public static let apiVersion = "wgpolicyk8s.io/v1alpha2"
    /// The `policy` (and `rule`) of an input error's result.
    public static let inputPolicy = "gatehouse-input"
    /// The `policy` (and `rule`) of an exemption annotation that was not applied.
    public static let exemptionPolicy = "gatehouse-exemption"

    public init() {}

    public static func result(for action: Action) -> String {
        action == .deny ? "fail" : "warn"
    }

    public func write(_ report: AuditReport, to out: ReportOutput) {
        var byNamespace: [String?: Results] = [:]
        for f in report.findings { byNamespace[Self.namespace(of: f.object), default: Results()].findings.append(f) }
        for item in report.exempted {
            byNamespace[Self.namespace(of: item.finding.object), default: Results()].exempted.append(item)
        }
        for note in report.exemptionNotes { byNamespace[Self.namespace(of: note.object), default: Results()].notes.append(note) }
        let namespaced = byNamespace.keys.compactMap { $0 }.sorted()

        var json = JSONEmitter(style: .spaced, capacity: 4096)
        json.beginObject(multiline: true)
        json.field("apiVersion", "v1")
        json.field("kind", "List")
        json.key("items")
        json.beginArray(multiline: true)
        for namespace in namespaced {
            writeReport(kind: "PolicyReport", name: "gatehouse-\(namespace)", namespace: namespace,
                        results: byNamespace[namespace]!, listsExempted: report.listsExempted, to: &json, flushingTo: out)
        }
        if byNamespace[nil] != nil || !report.errors.isEmpty {
            writeReport(kind: "ClusterPolicyReport", name: "gatehouse-cluster", namespace: nil,
                        results: byNamespace[nil] ?? Results(), errors: report.errors,
                        listsExempted: report.listsExempted, to: &json, flushingTo: out)
        }
        json.endArray()
        json.endObject()
        json.newline()
        out.write(&json)
    }

    /// The namespace whose report holds findings about `object`: its own, but none for a scanned image, whose
    /// "namespace" is its registry (no Kubernetes namespace): those go to the ClusterPolicyReport.
    static func namespace(of object: ObjectRef) -> String? {
        object.apiVersion == KubeObject.scannedImageAPIVersion ? nil : object.namespace
    }

    /// What one report holds.
    private struct Results {
        var findings: [Finding] = []
        var exempted: [ExemptedFinding] = []
        var notes: [ExemptionNote] = []
    }

    /// One report, its results moved to `out` as they are written.
    private func writeReport(
        kind: String, name: String, namespace: String?, results: Results, errors: [LoadError] = [],
        listsExempted: Bool, to json: inout JSONEmitter, flushingTo out: ReportOutput
    ) {
        let findings = results.findings
        let fails = findings.filter { $0.action == .deny }.count
        json.beginObject(multiline: true)
        json.field("apiVersion", Self.apiVersion)
        json.field("kind", kind)
        json.key("metadata")
        json.beginObject()
        json.field("name", name)
        if let namespace { json.field("namespace", namespace) }
        json.key("labels")
        json.beginObject()
        json.field("app.kubernetes.io/managed-by", "gatehouse")
        json.endObject()
        json.endObject()
        json.key("summary")
        json.beginObject()
        json.field("pass", 0)
        json.field("fail", fails)
        json.field("warn", findings.count - fails + results.notes.count)
        json.field("error", errors.count)
        json.field("skip", results.exempted.count)
        json.endObject()
        json.key("results")
        json.beginArray(multiline: true)
        for f in findings {
            writeResult(f, result: Self.result(for: f.action), to: &json)
            out.write(&json)
        }
        if listsExempted {
            for item in results.exempted {
                writeResult(item.finding, result: "skip", exemption: item.exemption, to: &json)
                out.write(&json)
            }
        }
        for note in results.notes {
            json.beginObject()
            json.field("source", "gatehouse")
            json.field("policy", Self.exemptionPolicy)
            json.field("rule", Self.exemptionPolicy)
            json.field("result", "warn")
            json.field("scored", false)
            json.field("message", note.message)
            json.lineBreak(indent: 9)
            writeResources(note.object, to: &json)
            json.lineBreak(indent: 9)
            json.key("properties")
            json.beginObject()
            json.field("file", note.object.source.file)
            json.field("line", String(note.position.line))
            json.field("column", String(note.position.column))
            json.endObject()
            json.endObject()
            out.write(&json)
        }
        for error in errors {
            json.beginObject()
            json.field("source", "gatehouse")
            json.field("policy", Self.inputPolicy)
            json.field("rule", Self.inputPolicy)
            json.field("result", "error")
            json.field("scored", false)
            json.field("message", error.message)
            json.lineBreak(indent: 9)
            json.key("properties")
            json.beginObject()
            json.field("file", error.file)
            json.field("line", String(error.position.line))
            json.field("column", String(error.position.column))
            json.endObject()
            json.endObject()
            out.write(&json)
        }
        json.endArray()
        json.endObject()
    }

    /// A finding's result: `fail`/`warn` by its action, or `skip` with the exemption that suppressed it.
    private func writeResult(_ f: Finding, result: String, exemption: ExemptionSource? = nil, to json: inout JSONEmitter) {
        json.beginObject()
        json.field("source", "gatehouse")
        json.field("policy", f.ruleID)
        json.field("rule", f.ruleID)
        if let category = RuleCatalogue.description(id: f.ruleID)?.category {
            json.field("category", category.rawValue)
        }
        json.field("severity", f.severity.rawValue)
        json.field("result", result)
        json.field("scored", true)
        json.field("message", f.message)
        json.lineBreak(indent: 9)
        writeResources(f.object, to: &json)
        json.lineBreak(indent: 9)
        json.key("properties")
        json.beginObject()
        json.field("action", f.action.rawValue)
        json.field("path", f.path)
        json.field("file", f.object.source.file)
        json.field("line", String(f.position.line))
        json.field("column", String(f.position.column))
        if let exemption {
            json.field("exemption", exemption.label)
            json.field("exemptionKind", exemption.kind)
            if let reason = exemption.reason { json.field("exemptionReason", reason) }
        }
        json.endObject()
        json.endObject()
    }

    private func writeResources(_ object: ObjectRef, to json: inout JSONEmitter) {
        json.key("resources")
        json.beginArray()
        json.beginObject()
        json.field("apiVersion", object.apiVersion)
        json.field("kind", object.kind)
        if let ns = Self.namespace(of: object) {
            json.field("name", object.name)
            json.field("namespace", ns)
        } else {
            // A scanned image is named in full (its registry is no namespace).
            json.field("name", object.namespace.map { "\($0)/\(object.name)" } ?? object.name)
        }
        json.endObject()
        json.endArray()
    }
}

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
public struct PolicyReportWriter: ReportWriter {
    public static let apiVersion = "wgpolicyk8s.io/v1alpha2"
    /// The `policy` (and `rule`) of an input error's result.
    public static let inputPolicy = "gatehouse-input"

    public init() {}

    public static func result(for action: Action) -> String {
        action == .deny ? "fail" : "warn"
    }

    public func write(_ report: AuditReport, to out: ReportOutput) {
        var byNamespace: [String?: [Finding]] = [:]
        for f in report.findings { byNamespace[f.object.namespace, default: []].append(f) }
        let namespaced = byNamespace.keys.compactMap { $0 }.sorted()

        var json = JSONEmitter(style: .spaced, capacity: 4096)
        json.beginObject(multiline: true)
        json.field("apiVersion", "v1")
        json.field("kind", "List")
        json.key("items")
        json.beginArray(multiline: true)
        for namespace in namespaced {
            writeReport(kind: "PolicyReport", name: "gatehouse-\(namespace)", namespace: namespace,
                        findings: byNamespace[namespace]!, to: &json, flushingTo: out)
        }
        if byNamespace[nil] != nil || !report.errors.isEmpty {
            writeReport(kind: "ClusterPolicyReport", name: "gatehouse-cluster", namespace: nil,
                        findings: byNamespace[nil] ?? [], errors: report.errors, to: &json, flushingTo: out)
        }
        json.endArray()
        json.endObject()
        json.newline()
        out.write(&json)
    }

    /// One report, its results moved to `out` as they are written.
    private func writeReport(
        kind: String, name: String, namespace: String?, findings: [Finding], errors: [LoadError] = [],
        to json: inout JSONEmitter, flushingTo out: ReportOutput
    ) {
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
        json.field("warn", findings.count - fails)
        json.field("error", errors.count)
        json.field("skip", 0)
        json.endObject()
        json.key("results")
        json.beginArray(multiline: true)
        for f in findings {
            json.beginObject()
            json.field("source", "gatehouse")
            json.field("policy", f.ruleID)
            json.field("rule", f.ruleID)
            if let category = RuleCatalogue.description(id: f.ruleID)?.category {
                json.field("category", category.rawValue)
            }
            json.field("severity", f.severity.rawValue)
            json.field("result", Self.result(for: f.action))
            json.field("scored", true)
            json.field("message", f.message)
            json.lineBreak(indent: 9)
            json.key("resources")
            json.beginArray()
            json.beginObject()
            json.field("apiVersion", f.object.apiVersion)
            json.field("kind", f.object.kind)
            json.field("name", f.object.name)
            if let ns = f.object.namespace { json.field("namespace", ns) }
            json.endObject()
            json.endArray()
            json.lineBreak(indent: 9)
            json.key("properties")
            json.beginObject()
            json.field("action", f.action.rawValue)
            json.field("path", f.path)
            json.field("file", f.object.source.file)
            json.field("line", String(f.position.line))
            json.field("column", String(f.position.column))
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
}

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
        let byNamespace = Self.resultsByNamespace(report)
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

    private static func resultsByNamespace(_ report: AuditReport) -> [String?: Results] {
        var byNamespace: [String?: Results] = [:]
        for f in report.findings { byNamespace[Self.namespace(of: f.object), default: Results()].findings.append(f) }
        for item in report.exempted {
            byNamespace[Self.namespace(of: item.finding.object), default: Results()].exempted.append(item)
        }
        for note in report.exemptionNotes { byNamespace[Self.namespace(of: note.object), default: Results()].notes.append(note) }
        return byNamespace
    }

    /// One report as its own object, for a client that applies reports to a cluster one by one.
    public struct Document: Sendable {
        public var kind: String
        public var name: String
        public var namespace: String?
        /// The report as JSON.
        public var body: [UInt8]
    }

    /// The reports of ``write(_:to:)`` as separate objects, each under `maximumBytes`: a namespace whose
    /// results do not fit is split into `gatehouse-NS`, `gatehouse-NS-2`, … (each with the summary of its own
    /// results, so the parts add up). The ClusterPolicyReport is always there, carrying `annotations` (the
    /// run's summary). A single result larger than `maximumBytes` stays alone in its part.
    public func documents(_ report: AuditReport, maximumBytes: Int, annotations: [String: String]) -> [Document] {
        let byNamespace = Self.resultsByNamespace(report)
        var documents: [Document] = []
        for namespace in byNamespace.keys.compactMap({ $0 }).sorted() {
            documents += parts(
                kind: "PolicyReport", base: "gatehouse-\(namespace)", namespace: namespace, results: byNamespace[namespace]!,
                errors: [], report: report, maximumBytes: maximumBytes, annotations: [:])
        }
        documents += parts(
            kind: "ClusterPolicyReport", base: "gatehouse-cluster", namespace: nil, results: byNamespace[nil] ?? Results(),
            errors: report.errors, report: report, maximumBytes: maximumBytes, annotations: annotations)
        return documents
    }

    /// One report, or its parts when it is too large, halved until each fits.
    private func parts(
        kind: String, base: String, namespace: String?, results: Results, errors: [LoadError], report: AuditReport,
        maximumBytes: Int, annotations: [String: String]
    ) -> [Document] {
        var pieces: [(Results, [LoadError])] = []
        var pending = [(results, errors)]
        while let (results, errors) = pending.popLast() {
            let size = render(kind: kind, name: base, namespace: namespace, results, errors, report, annotations).count
            let count = results.findings.count + results.exempted.count + results.notes.count + errors.count
            if size <= maximumBytes || count <= 1 {
                pieces.append((results, errors))
            } else {
                let (first, second) = Self.halves(results, errors)
                pending.append(second)
                pending.append(first)
            }
        }
        return pieces.enumerated().map { index, piece in
            let name = index == 0 ? base : "\(base)-\(index + 1)"
            return Document(
                kind: kind, name: name, namespace: namespace,
                body: render(kind: kind, name: name, namespace: namespace, piece.0, piece.1, report, index == 0 ? annotations : [:]))
        }
    }

    private func render(
        kind: String, name: String, namespace: String?, _ results: Results, _ errors: [LoadError], _ report: AuditReport,
        _ annotations: [String: String]
    ) -> [UInt8] {
        var json = JSONEmitter(style: .compact, capacity: 4096)
        writeReport(
            kind: kind, name: name, namespace: namespace, results: results, errors: errors,
            listsExempted: report.listsExempted, annotations: annotations, to: &json, flushingTo: nil)
        return json.bytes
    }

    /// The results split in two, in order: findings, then exempted findings, notes and errors.
    private static func halves(_ results: Results, _ errors: [LoadError]) -> ((Results, [LoadError]), (Results, [LoadError])) {
        let total = results.findings.count + results.exempted.count + results.notes.count + errors.count
        var remaining = total / 2
        var first = Results()
        var second = Results()
        func split<T>(_ items: [T]) -> ([T], [T]) {
            let taken = min(remaining, items.count)
            remaining -= taken
            return (Array(items.prefix(taken)), Array(items.dropFirst(taken)))
        }
        (first.findings, second.findings) = split(results.findings)
        (first.exempted, second.exempted) = split(results.exempted)
        (first.notes, second.notes) = split(results.notes)
        let (firstErrors, secondErrors) = split(errors)
        return ((first, firstErrors), (second, secondErrors))
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

    /// One report, its results moved to `out` as they are written (kept in `json` without one).
    private func writeReport(
        kind: String, name: String, namespace: String?, results: Results, errors: [LoadError] = [],
        listsExempted: Bool, annotations: [String: String] = [:], to json: inout JSONEmitter,
        flushingTo out: ReportOutput?
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
        if !annotations.isEmpty {
            json.key("annotations")
            json.beginObject()
            for (key, value) in annotations.sorted(by: { $0.key < $1.key }) { json.field(key, value) }
            json.endObject()
        }
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
            out?.write(&json)
        }
        if listsExempted {
            for item in results.exempted {
                writeResult(item.finding, result: "skip", exemption: item.exemption, to: &json)
                out?.write(&json)
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
            out?.write(&json)
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
            out?.write(&json)
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

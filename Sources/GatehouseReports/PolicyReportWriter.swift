import GatehouseEngine
import GatehouseRules
import KubeModel

/// Kubernetes Policy WG reports (`wgpolicyk8s.io/v1alpha2`), as JSON that `kubectl apply -f` accepts.
///
/// A `v1 List` holding one `PolicyReport` per namespace with findings (named `gatehouse-<namespace>`) and one
/// `ClusterPolicyReport` (`gatehouse-cluster`) for objects without a namespace. Each finding is a result:
/// `policy` and `rule` are the rule id, `result` is `fail` for deny and `warn` for warn and audit, `severity`
/// uses the same five words as Gatehouse. The report carries no timestamp so that it is reproducible.
public struct PolicyReportWriter: ReportWriter {
    public static let apiVersion = "wgpolicyk8s.io/v1alpha2"

    public init() {}

    public static func result(for action: Action) -> String {
        action == .deny ? "fail" : "warn"
    }

    public func write(_ report: AuditReport, to out: ReportOutput) {
        var byNamespace: [String?: [Finding]] = [:]
        for f in report.findings { byNamespace[f.object.namespace, default: []].append(f) }
        let namespaced = byNamespace.keys.compactMap { $0 }.sorted()

        out.write("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [")
        var first = true
        for namespace in namespaced {
            out.write(first ? "\n" : ",\n")
            first = false
            writeReport(kind: "PolicyReport", name: "gatehouse-\(namespace)", namespace: namespace,
                        findings: byNamespace[namespace]!, to: out)
        }
        if let clusterScoped = byNamespace[nil] {
            out.write(first ? "\n" : ",\n")
            first = false
            writeReport(kind: "ClusterPolicyReport", name: "gatehouse-cluster", namespace: nil,
                        findings: clusterScoped, to: out)
        }
        out.write(first ? "]\n}\n" : "\n  ]\n}\n")
    }

    private func writeReport(kind: String, name: String, namespace: String?, findings: [Finding], to out: ReportOutput) {
        let fails = findings.filter { $0.action == .deny }.count
        out.write("    {\n      \"apiVersion\": \"\(Self.apiVersion)\",\n      \"kind\": \"\(kind)\",\n")
        out.write("      \"metadata\": {\"name\": ")
        out.writeJSONString(name)
        if let namespace {
            out.write(", \"namespace\": ")
            out.writeJSONString(namespace)
        }
        out.write(", \"labels\": {\"app.kubernetes.io/managed-by\": \"gatehouse\"}},\n")
        out.write(
            "      \"summary\": {\"pass\": 0, \"fail\": \(fails), \"warn\": \(findings.count - fails), \"error\": 0, \"skip\": 0},\n"
        )
        out.write("      \"results\": [")
        for (i, f) in findings.enumerated() {
            out.write(i == 0 ? "\n        " : ",\n        ")
            out.write("{\"source\": \"gatehouse\", \"policy\": ")
            out.writeJSONString(f.ruleID)
            out.write(", \"rule\": ")
            out.writeJSONString(f.ruleID)
            if let category = RuleCatalogue.description(id: f.ruleID)?.category {
                out.write(", \"category\": ")
                out.writeJSONString(category.rawValue)
            }
            out.write(", \"severity\": \"\(f.severity.rawValue)\", \"result\": \"\(Self.result(for: f.action))\", ")
            out.write("\"scored\": true, \"message\": ")
            out.writeJSONString(f.message)
            out.write(",\n         \"resources\": [{\"apiVersion\": ")
            out.writeJSONString(f.object.apiVersion)
            out.write(", \"kind\": ")
            out.writeJSONString(f.object.kind)
            out.write(", \"name\": ")
            out.writeJSONString(f.object.name)
            if let ns = f.object.namespace {
                out.write(", \"namespace\": ")
                out.writeJSONString(ns)
            }
            out.write("}],\n         \"properties\": {\"action\": ")
            out.writeJSONString(f.action.rawValue)
            out.write(", \"path\": ")
            out.writeJSONString(f.path)
            out.write(", \"file\": ")
            out.writeJSONString(f.object.source.file)
            out.write(", \"line\": \"\(f.position.line)\", \"column\": \"\(f.position.column)\"}}")
        }
        out.write(findings.isEmpty ? "]\n    }" : "\n      ]\n    }")
    }
}

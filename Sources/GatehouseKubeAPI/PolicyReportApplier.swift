import Foundation
import GatehouseReports
import KubeModel

/// Writes an audit's results into the cluster as `wgpolicyk8s.io/v1alpha2` PolicyReports (one per namespace
/// with findings) and a ClusterPolicyReport (`gatehouse-cluster`: cluster-scoped findings, input errors and the
/// run's summary), where Policy Reporter and `kubectl get policyreports -A` show them.
///
/// Spec: the Policy WG's PolicyReport CRD (v1alpha2) and Kubernetes server-side apply (`PATCH` with
/// `application/apply-patch+yaml`, a `fieldManager`, `force=true` so a report this manager owns is taken back
/// whatever edited it). Re-applying an unchanged report changes nothing in the cluster.
///
/// Size: etcd refuses objects past 1.5 MiB by default, so a report is split under ``maximumBytes``
/// (``PolicyReportWriter/documents(_:maximumBytes:annotations:)``).
///
/// Cleanup: after applying, the reports labelled `app.kubernetes.io/managed-by: gatehouse` that this run did
/// not write (a namespace that has no findings any more, a part no longer needed) are deleted. Reports of
/// other tools are never touched: the label selector is the API server's.
public struct PolicyReportApplier {
    public let client: KubeAPIClient
    public var fieldManager = "gatehouse"
    public var maximumBytes = 1_000_000

    public init(client: KubeAPIClient) { self.client = client }

    static let group = "/apis/wgpolicyk8s.io/v1alpha2"
    static let managedSelector = "labelSelector=app.kubernetes.io%2Fmanaged-by%3Dgatehouse"

    /// What a run did to the cluster's reports.
    public struct Outcome: Sendable {
        /// `namespace/name` (or `name` for the cluster report) of each report applied.
        public var applied: [String] = []
        public var deleted: [String] = []
        /// Requests that failed, each naming the request.
        public var failures: [String] = []

        /// One line for the job's log.
        public var summary: String {
            var line = "PolicyReports: \(applied.count) applied, \(deleted.count) stale deleted"
            if !failures.isEmpty { line += ", \(failures.count) failed" }
            return line
        }
    }

    /// Applies the reports of `report`, then deletes the stale ones (only when every apply succeeded, so a
    /// failing run never leaves a namespace without its report).
    public func apply(_ report: AuditReport, annotations: [String: String]) async -> Outcome {
        var outcome = Outcome()
        let documents = PolicyReportWriter().documents(report, maximumBytes: maximumBytes, annotations: annotations)
        var written: Set<String> = []
        for document in documents {
            let path = Self.path(kind: document.kind, namespace: document.namespace, name: document.name)
            let query = "?fieldManager=\(fieldManager)&force=true"
            do {
                let response = try await client.send(
                    .PATCH, path + query, body: document.body, contentType: "application/apply-patch+yaml")
                guard (200..<300).contains(response.status) else {
                    var message = response.message
                    if response.status == 404 {
                        message += " (are the PolicyReport CRDs, wgpolicyk8s.io/v1alpha2, installed? Kyverno and Policy Reporter install them)"
                    }
                    outcome.failures.append(
                        KubeAPIError(request: client.describe(.PATCH, path + query), status: response.status, message: message)
                            .description)
                    continue
                }
                written.insert(path)
                outcome.applied.append(document.namespace.map { "\($0)/\(document.name)" } ?? document.name)
            } catch {
                outcome.failures.append("\(error)")
            }
        }
        guard outcome.failures.isEmpty else { return outcome }
        for kind in ["PolicyReport", "ClusterPolicyReport"] {
            await deleteStale(kind: kind, keeping: written, into: &outcome)
        }
        return outcome
    }

    private func deleteStale(kind: String, keeping written: Set<String>, into outcome: inout Outcome) async {
        let list = Self.group + (kind == "PolicyReport" ? "/policyreports" : "/clusterpolicyreports") + "?" + Self.managedSelector
        do {
            let response = try await client.send(.GET, list)
            guard response.status == 200 else {
                outcome.failures.append(
                    KubeAPIError(request: client.describe(.GET, list), status: response.status, message: response.message).description)
                return
            }
            guard case .success(let tree) = response.body.withUnsafeBytes({ JSONLoader.parse($0) }) else {
                outcome.failures.append("\(client.describe(.GET, list)): the answer is not JSON")
                return
            }
            for item in tree.root["items"]?.items.map({ $0 }) ?? [] {
                guard let name = item.at("metadata", "name")?.string else { continue }
                let namespace = item.at("metadata", "namespace")?.string
                let path = Self.path(kind: kind, namespace: namespace, name: name)
                guard !written.contains(path) else { continue }
                let response = try await client.send(.DELETE, path)
                if (200..<300).contains(response.status) || response.status == 404 {
                    outcome.deleted.append(namespace.map { "\($0)/\(name)" } ?? name)
                } else {
                    outcome.failures.append(
                        KubeAPIError(request: client.describe(.DELETE, path), status: response.status, message: response.message)
                            .description)
                }
            }
        } catch {
            outcome.failures.append("\(error)")
        }
    }

    static func path(kind: String, namespace: String?, name: String) -> String {
        if kind == "PolicyReport", let namespace { return group + "/namespaces/\(namespace)/policyreports/\(name)" }
        return group + "/clusterpolicyreports/\(name)"
    }

    /// The run's summary, as annotations of the ClusterPolicyReport.
    public static func runAnnotations(_ report: AuditReport, finishedAt: Date = Date()) -> [String: String] {
        let formatter = ISO8601DateFormatter()
        return [
            "gatehouse.io/finished-at": formatter.string(from: finishedAt),
            "gatehouse.io/objects": String(report.objectCount),
            "gatehouse.io/findings": String(report.findings.count),
            "gatehouse.io/errors": String(report.errors.count),
            "gatehouse.io/profile": report.profile.rawValue,
        ]
    }
}

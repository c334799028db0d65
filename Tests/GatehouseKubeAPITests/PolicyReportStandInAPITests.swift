import Foundation
import GatehouseAudit
import GatehouseKubeAPI
import GatehouseReports
import Testing
import TestSupport

/// `audit --cluster --write-policyreports` against the stand-in API server (it stands in for kube-apiserver,
/// which these machines do not have): reports applied by server-side apply, split under the size limit, stale
/// ones deleted, other tools' reports left alone.
@Suite(.serialized)
struct PolicyReportStandInAPITests {
    static let managed = #"{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","metadata":{"name":"gatehouse-gone","namespace":"gone","labels":{"app.kubernetes.io/managed-by":"gatehouse"}},"results":[]}"#
    static let foreign = #"{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","metadata":{"name":"polr-ns-shop","namespace":"shop","labels":{"app.kubernetes.io/managed-by":"kyverno"}},"results":[]}"#
    static let reports = "/apis/wgpolicyk8s.io/v1alpha2"

    static func object(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    @Test func reportsAreAppliedAndStaleOnesDeleted() async throws {
        try await ClusterAuditStandInAPITests.withStandIn { server, folder in
            server.seed(Self.reports + "/namespaces/gone/policyreports/gatehouse-gone", body: Self.managed)
            server.seed(Self.reports + "/namespaces/shop/policyreports/polr-ns-shop", body: Self.foreign)
            let run = try await CLI.runAwaiting([
                "audit", "--cluster", "--kubeconfig", try server.kubeconfig(in: folder), "--write-policyreports",
                "--format", "json", "--fail-on", "never",
            ])
            #expect(run.status == 0, "\(run.stderr)")
            let applied = server.applied
            #expect(applied[Self.reports + "/namespaces/gone/policyreports/gatehouse-gone"] == nil)
            #expect(applied[Self.reports + "/namespaces/shop/policyreports/polr-ns-shop"] == Self.foreign)
            let shop = try Self.object(try #require(applied[Self.reports + "/namespaces/shop/policyreports/gatehouse-shop"]))
            #expect(shop["kind"] as? String == "PolicyReport")
            #expect(((shop["metadata"] as? [String: Any])?["labels"] as? [String: String])?["app.kubernetes.io/managed-by"] == "gatehouse")
            let cluster = try Self.object(try #require(applied[Self.reports + "/clusterpolicyreports/gatehouse-cluster"]))
            let annotations = try #require((cluster["metadata"] as? [String: Any])?["annotations"] as? [String: String])
            let audit = try Self.object(run.stdout)
            let summary = try #require(audit["summary"] as? [String: Any])
            #expect(annotations["gatehouse.io/objects"] == "\(summary["objects"] as? Int ?? -1)")
            #expect(annotations["gatehouse.io/findings"] == "\(summary["findings"] as? Int ?? -1)")
            #expect(annotations["gatehouse.io/finished-at"] != nil)
            // Every finding is one result of one report.
            var results = 0
            for (path, body) in applied where path != Self.reports + "/namespaces/shop/policyreports/polr-ns-shop" {
                results += (try Self.object(body)["results"] as? [Any])?.count ?? 0
            }
            #expect(results == summary["findings"] as? Int)
            // Server-side apply, with a stable field manager.
            let patches = server.requests.filter { $0.method == "PATCH" }
            #expect(!patches.isEmpty)
            #expect(patches.allSatisfy { $0.contentType == "application/apply-patch+yaml" && $0.query == "fieldManager=gatehouse&force=true" })
            #expect(server.requests.contains { $0.method == "GET" && $0.query == "labelSelector=app.kubernetes.io%2Fmanaged-by%3Dgatehouse" })
            #expect(run.stderr.contains("PolicyReports: \(patches.count) applied, 1 stale deleted"))
        }
    }

    @Test func aLargeNamespaceIsSplitUnderTheLimitAndItsPartsCleanedUpLater() async throws {
        try await ClusterAuditStandInAPITests.withStandIn { server, folder in
            let connection = try ClusterConnection.kubeconfig(paths: [try server.kubeconfig(in: folder)], context: nil)
            let client = try KubeAPIClient(connection)
            let snapshot = try await ClusterSnapshot(client: client, folder: folder + "/snapshot").take()
            let devNull = open("/dev/null", O_WRONLY)
            defer { close(devNull) }
            let (_, report) = try AuditRequest(paths: snapshot.files.sorted(), format: .json)
                .runKeepingReport(to: ReportOutput(descriptor: devNull))
            var applier = PolicyReportApplier(client: client)
            applier.maximumBytes = 6000
            let split = await applier.apply(report, annotations: [:])
            #expect(split.failures.isEmpty, "\(split.failures)")
            let shopParts = split.applied.filter { $0.hasPrefix("shop/gatehouse-shop") }
            #expect(shopParts.count > 2, "\(split.applied)")
            #expect(shopParts.first == "shop/gatehouse-shop" && shopParts.dropFirst().first == "shop/gatehouse-shop-2")
            var shopResults = 0
            for (path, body) in server.applied where path.contains("/namespaces/shop/policyreports/gatehouse-shop") {
                let object = try Self.object(body)
                let results = (object["results"] as? [Any])?.count ?? 0
                #expect(body.utf8.count <= 6000 || results == 1)
                shopResults += results
                let summary = try #require(object["summary"] as? [String: Int])
                #expect(summary["fail", default: 0] + summary["warn", default: 0] == results)
            }
            #expect(shopResults == report.findings.indices.filter { report.findings[$0].object.namespace == "shop" }.count)
            // With room again, one report per namespace, and the extra parts are deleted.
            applier.maximumBytes = 1_000_000
            let whole = await applier.apply(report, annotations: [:])
            #expect(Set(whole.deleted) == Set(split.applied).subtracting(whole.applied))
            #expect(whole.deleted.count >= shopParts.count - 1)
            #expect(server.applied.keys.filter { $0.contains("/gatehouse-shop-") }.isEmpty)
            await client.shutdown()
        }
    }

    @Test func aRefusedApplyDeletesNothingAndFailsTheRun() async throws {
        var behaviour = StandInAPIServer.Behaviour()
        behaviour.forbidApply = true
        try await ClusterAuditStandInAPITests.withStandIn(behaviour) { server, folder in
            server.seed(Self.reports + "/namespaces/gone/policyreports/gatehouse-gone", body: Self.managed)
            let run = try await CLI.runAwaiting([
                "audit", "--cluster", "--kubeconfig", try server.kubeconfig(in: folder), "--write-policyreports",
                "--format", "json", "--fail-on", "never", "--quiet",
            ])
            #expect(run.status == 2)
            #expect(run.stderr.contains("answered 403: policyreports.wgpolicyk8s.io is forbidden"))
            #expect(server.applied[Self.reports + "/namespaces/gone/policyreports/gatehouse-gone"] != nil)
            #expect(!server.requests.contains { $0.method == "DELETE" })
        }
    }
}

import Foundation
import TestSupport
import Testing

/// `gatehouse alerts --baseline`: an exported cluster state tells alert-secret-read-unusual who usually
/// reads secrets, instead of a learning period.
struct AlertsBaselineCommandLineTests {
    /// A successful Metadata-level get of secret `name` in `namespace` by `user`, `second` seconds in.
    static func secretRead(_ id: String, user: String, namespace: String = "shop", name: String = "db", second: Int = 0) -> String {
        #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"\#(id)","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/\#(namespace)/secrets/\#(name)","verb":"get","user":{"username":"\#(user)","groups":["system:authenticated"]},"sourceIPs":["10.244.1.17"],"userAgent":"curl/8.5.0","objectRef":{"resource":"secrets","namespace":"\#(namespace)","name":"\#(name)","apiVersion":"v1"},"responseStatus":{"code":200},"stageTimestamp":"\#(AlertsCommandLineTests.time(second))"}"#
    }

    static let export = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: Role
          metadata: {name: read-secrets, namespace: shop}
          rules:
          - {apiGroups: [""], resources: [secrets], verbs: [get]}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: RoleBinding
          metadata: {name: web-reads, namespace: shop}
          roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: read-secrets}
          subjects: [{kind: ServiceAccount, name: web, namespace: shop}]

        """

    static let log = AlertsCommandLineTests.lines([
        secretRead("r1", user: "system:serviceaccount:shop:web"),
        secretRead("r2", user: "mallory", second: 1),
        secretRead("r3", user: "mallory", second: 2),
        secretRead("r4", user: "system:serviceaccount:shop:web", namespace: "billing", second: 3),
    ])

    @Test func aBaselineAlertsOnReadsItsRBACDoesNotAllow() throws {
        let tree = try TempTree()
        let log = try tree.write("audit.log", Self.log)
        _ = try tree.write("cluster/rbac.yaml", Self.export)
        let run = try CLI.run(["alerts", log, "--baseline", tree.path + "/cluster", "--format", "json"])
        #expect(run.status == 0, "medium alerts are below the default --fail-on high: \(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        let alerts = try AlertsCommandLineTests.jsonAlerts(run)
        #expect(alerts.map { $0["auditID"] as? String } == ["r2", "r4"])
        #expect(alerts.allSatisfy { $0["alert"] as? String == "alert-secret-read-unusual" && $0["severity"] as? String == "medium" })
        let message = try #require(alerts.first?["message"] as? String)
        #expect(message == "mallory read secrets in namespace shop (get db): not allowed to read secrets in shop by the baseline's RBAC: granted since?")
    }

    /// Without a baseline, the same short log is all learning period: nothing fires, and the note says why
    /// (mallory's second read is known by then, so three reads were learned).
    @Test func withoutABaselineAShortLogIsLearnedAndSaysSo() throws {
        let tree = try TempTree()
        let log = try tree.write("audit.log", Self.log)
        let run = try CLI.run(["alerts", log])
        #expect(run.status == 0)
        #expect(run.stdout.isEmpty)
        #expect(
            run.stderr == """
                gatehouse: note: alert-secret-read-unusual could not judge 3 event(s): the learning period (24h of event time from the first event) had not ended: secret reads were learned, not judged
                gatehouse: 0 alert(s) from 1 input(s)

                """)
    }

    /// No manifest at all stops the command; a file that cannot be read is named, the rest is used (so more
    /// reads alert, never fewer) and the exit status says the input was incomplete.
    @Test func aBaselineThatCannotBeReadIsSaid() throws {
        let tree = try TempTree()
        let log = try tree.write("audit.log", Self.log)
        let missing = try CLI.run(["alerts", log, "--baseline", tree.path + "/nowhere.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr.contains("nowhere.yaml"), "\(missing.stderr)")
        #expect(missing.stderr.contains("no manifest file found; nothing was judged"), "\(missing.stderr)")
        _ = try tree.write("export/rbac.yaml", Self.export)
        _ = try tree.write("export/broken.yaml", "kind: Role\nrules: [unclosed\n")
        let partial = try CLI.run(["alerts", log, "--baseline", tree.path + "/export", "--format", "json"])
        #expect(partial.status == 2)
        #expect(partial.stderr.contains("broken.yaml:"), "\(partial.stderr)")
        #expect(partial.stderr.contains("the cluster state was read in part"), "\(partial.stderr)")
        #expect(try AlertsCommandLineTests.jsonAlerts(partial).map { $0["auditID"] as? String } == ["r2", "r4"])
    }

    @Test func aBaselineWithTheRuleOffIsSaidToHaveNoEffect() throws {
        let tree = try TempTree()
        let log = try tree.write("audit.log", Self.log)
        let export = try tree.write("rbac.yaml", Self.export)
        let policy = try tree.write(
            "policy.yaml", "apiVersion: gatehouse.io/v1\nkind: Policy\nrules:\n  alert-secret-read-unusual: {action: \"off\"}\n")
        let run = try CLI.run(["alerts", log, "--baseline", export, "--policy", policy])
        #expect(run.status == 0)
        #expect(run.stderr.contains("note: --baseline has no effect"), "\(run.stderr)")
    }
}

import AsyncHTTPClient
import Foundation
import GatehouseEngine
import GatehouseRules
import GatehouseWebhook
import KubeModel
import Testing

/// Alerts raised at admission: the alert rules judge each admission request, seen as the audit event it will
/// become, through the real server, whatever the webhook decides.
@Suite("Alerts at admission")
struct AdmissionAlertTests {
    typealias LogFile = AuditSinkTests.JSONLogFile

    static func count(_ id: String, _ severity: String) -> String {
        "gatehouse_alerts_total{alert=\"\(id)\",severity=\"\(severity)\"}"
    }

    @Test("a privileged pod alerts whether it is denied or admitted through an exemption; a plain pod and a dry run do not")
    func privilegedPod() async throws {
        let log = LogFile()
        var policy = Policy.onlyPrivileged
        policy.exemptions = [Exemption(rules: [Glob("pod-privileged")], namespaces: [Glob("ops")], reason: "node agents")]
        try await TestServer.with(policy: policy, configure: { $0.alertWindow = 0 }, logger: log.logger) { server in
            try await withClient(try server.client()) { client in
                let denied = try await client.post(
                    server.validateURL, body: Reviews.review(uid: "u-denied", object: Reviews.pod(privileged: true)))
                #expect(denied.allowed == false)
                let exempt = try await client.post(
                    server.validateURL,
                    body: Reviews.review(
                        uid: "u-exempt", namespace: "ops", name: "agent",
                        object: Reviews.pod(name: "agent", namespace: "ops", privileged: true)))
                #expect(exempt.allowed == true)
                let plain = try await client.post(server.validateURL, body: Reviews.review(uid: "u-plain", object: Reviews.pod()))
                #expect(plain.allowed == true)
                let dryRun = try await client.post(
                    server.validateURL,
                    body: Reviews.review(uid: "u-dry", name: "dry", dryRun: true, object: Reviews.pod(name: "dry", privileged: true)))
                #expect(dryRun.allowed == false)
                let metrics = try await AuditSinkTests.waitForMetric(
                    client, server, Self.count("alert-privileged-container", "medium"), 2)
                #expect(metrics.contains("gatehouse_audit_events_total{result=\"admission\"} 3"))
            }
        }
        let alerts = log.alerts
        #expect(Set(alerts.compactMap { $0["auditID"] as? String }) == ["u-denied", "u-exempt"])
        for alert in alerts {
            #expect(alert["alert"] as? String == "alert-privileged-container")
            #expect(alert["source"] as? String == "POST /validate:1")
            #expect(alert["verb"] as? String == "create")
            #expect((alert["actor"] as? [String: Any])?["user"] as? String == "alice@example.com")
            #expect((alert["object"] as? [String: Any])?["resource"] as? String == "pods")
        }
    }

    @Test("a cluster-admin binding and a webhook configuration raise their alerts at admission")
    func clusterObjects() async throws {
        try await TestServer.with(configure: { $0.alertWindow = 0 }) { server in
            try await withClient(try server.client()) { client in
                let binding = """
                    {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"backdoor"},\
                    "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},\
                    "subjects":[{"kind":"ServiceAccount","name":"default","namespace":"default"}]}
                    """
                _ = try await client.post(
                    server.validateURL,
                    body: Reviews.review(
                        kind: ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"), resource: "clusterrolebindings",
                        namespace: "", name: "backdoor", object: binding))
                let webhook = """
                    {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration",\
                    "metadata":{"name":"intercept"},"webhooks":[{"name":"intercept.example.com",\
                    "clientConfig":{"url":"https://attacker.example.com/"},"rules":[{"operations":["*"],\
                    "apiGroups":["*"],"apiVersions":["*"],"resources":["*"]}],"sideEffects":"None",\
                    "admissionReviewVersions":["v1"]}]}
                    """
                _ = try await client.post(
                    server.validateURL,
                    body: Reviews.review(
                        kind: ("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration"),
                        resource: "validatingwebhookconfigurations", namespace: "", name: "intercept", object: webhook))
                _ = try await AuditSinkTests.waitForMetric(client, server, Self.count("alert-cluster-admin-binding", "medium"), 1)
                _ = try await AuditSinkTests.waitForMetric(client, server, Self.count("alert-webhook-created", "low"), 1)
            }
        }
    }
}

import Foundation
import TestSupport
import Testing

/// `gatehouse audit --format html`: one self-contained page with the totals, the charts, the filters and the
/// rule → namespace → object → finding drill-down; chains shown as chains; everything escaped.
struct HTMLReportCommandLineTests {
    @Test func theExamplesAsOnePage() throws {
        let run = try CLI.run(["audit", Repository.url("examples").path, "--format", "html"])
        #expect(run.status == 1)
        let html = run.stdout
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"), "nothing from the network")
        #expect(html.contains("<h2>Findings per namespace</h2>") && html.contains("<h2>Findings per rule</h2>"))
        #expect(html.contains("<select id=\"f-severity\">") && html.contains("<select id=\"f-ns\">") && html.contains("<select id=\"f-rule\">"))
        #expect(html.contains("data-rule=\"pod-hostpath-sensitive\""))
        #expect(html.contains("DaemonSet monitoring/node-agent"))
        #expect(html.contains("spec.template.spec.volumes[0].hostPath.path"))
        #expect(html.contains("Remove the hostPath volume"), "the rule's remediation")
        #expect(html.contains("What it checks and why"))
    }

    @Test func chainsAndEscaping() throws {
        let tree = try TempTree()
        let cluster = try tree.write("cluster.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 443}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: "<b>web</b>", namespace: shop}
            spec: {template: {metadata: {labels: {app: web}}, spec: {serviceAccountName: web, containers: [{name: app, image: "web:1"}]}}}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: web-secrets}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
            subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: secret-reader}
            rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
            """)
        let run = try CLI.run(["audit", cluster, "--format", "html", "--fail-on", "never"])
        #expect(run.status == 0)
        let html = run.stdout
        #expect(html.contains("<ol class=\"chain\"><li><code>Service shop/web</code>"), "the chain, from its entry point")
        #expect(!html.contains("<b>web</b>"), "an object's name is text, never markup")
        #expect(html.contains("&lt;b&gt;web&lt;/b&gt;"))
    }

    @Test func alertsAsOnePage() throws {
        let tree = try TempTree()
        let log = try tree.write("audit.log", """
            {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"a1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods/web/exec?command=sh","verb":"create","user":{"username":"<script>alert(1)</script>","groups":["system:authenticated"]},"sourceIPs":["203.0.113.7"],"userAgent":"kubectl/v1.30","objectRef":{"resource":"pods","namespace":"default","name":"web","subresource":"exec","apiVersion":"v1"},"responseStatus":{"code":101},"requestReceivedTimestamp":"2026-12-02T10:00:00.000000Z","stageTimestamp":"2026-12-02T10:00:00.100000Z"}

            """)
        let run = try CLI.run(["alerts", log, "--format", "html", "--fail-on", "never"])
        #expect(run.status == 0, "\(run.stderr)")
        let html = run.stdout
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(html.contains("alert-pod-exec"))
        #expect(html.contains("from 203.0.113.7"))
        #expect(!html.contains("<script>"), "a user name is text, never markup")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let follow = try CLI.run(["alerts", log, "--format", "html", "--follow"])
        #expect(follow.status == 2, "one page is written at the end, not followed")
    }
}

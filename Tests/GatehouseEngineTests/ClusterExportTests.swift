import Foundation
import GatehouseEngine
import GatehouseRules
import KubeModel
import TestSupport
import Testing

/// The audit's cross-object findings and who-can answers on a realistic export
/// (Tests/Fixtures/cluster-export/export.yaml).
struct ClusterExportTests {
    static let exportPath = Repository.fixture("cluster-export/export.yaml").path

    static func load() throws -> (objects: [KubeObject], index: ClusterIndex) {
        let data = try #require(FileManager.default.contents(atPath: exportPath))
        let loaded = data.withUnsafeBytes { Manifests.loadYAML($0, file: "export.yaml") }
        #expect(loaded.errors.isEmpty, "\(loaded.errors)")
        var index = ClusterIndex()
        for object in loaded.objects { index.add(object) }
        return (loaded.objects, index)
    }

    static var corpus: String { Repository.sharedCorpus?.path ?? "" }

    /// On the real-world corpus (3,669 objects from 20 projects, read as one cluster): the one attack path
    /// is the well-known one, ingress-nginx's controller behind a public LoadBalancer with a ClusterRole that
    /// lists and watches every Secret.
    @Test(.enabled(if: Repository.sharedCorpus != nil, "the shared corpus is not beside the repository"))
    func corpusAttackPathsAreIngressNginx() throws {
        var index = ClusterIndex()
        let walker = FileManager.default.enumerator(atPath: Self.corpus)
        while let item = walker?.nextObject() as? String {
            guard item.hasSuffix(".yaml") || item.hasSuffix(".yml") || item.hasSuffix(".json") else { continue }
            _ = Manifests.load(contentsOf: Self.corpus + "/" + item, checkShapes: false) { index.add($0) }
        }
        let paths = try CrossObjectEngine(policy: Policy()).findings(index).filter { $0.ruleID == "rbac-exposed-workload" }
        #expect(!paths.isEmpty)
        for finding in paths {
            #expect(finding.object.name == "ingress-nginx-controller")
            #expect(finding.message.contains("can read Secrets in every namespace"))
            #expect(finding.chain.first?.object.kind == "Service")
            #expect(finding.chain.last?.object.displayName == "ClusterRole ingress-nginx")
        }
    }

    @Test func auditReportsEveryCrossObjectFinding() throws {
        let (_, index) = try Self.load()
        let findings = try CrossObjectEngine(policy: Policy()).findings(index)
        let got = findings.map { "\($0.ruleID) | \($0.object.displayName) | \($0.path)" }
        #expect(got == [
            "ingress-unique-host | Ingress sandbox/takeover | spec.rules[0].host",
            "ingress-unique-host | Ingress shop/shop | spec.rules[0].host",
            "netpol-all-namespaces | NetworkPolicy monitoring/scrape | spec.ingress[0].from[0].namespaceSelector",
            "netpol-default-deny-missing | Namespace ci | metadata.name",
            "netpol-default-deny-missing | Namespace payments | metadata.name",
            "netpol-default-deny-missing | Namespace sandbox | metadata.name",
            "netpol-namespace-missing | Namespace ci | metadata.name",
            "netpol-pod-unselected | StatefulSet payments/db | spec.template.metadata.labels",
            "ns-limitrange-quota | Namespace ci | metadata.name",
            "ns-limitrange-quota | Namespace payments | metadata.name",
            "ns-limitrange-quota | Namespace sandbox | metadata.name",
            // Custom roles granting exec (pod-debug, and pod-exec's `*/exec`), reported on their bindings too.
            "rbac-binding-powerful-role | RoleBinding payments/api-debug | roleRef",
            "rbac-binding-powerful-role | RoleBinding sandbox/sandbox-exec | roleRef",
            // The third: edit aggregates Kubernetes' system:aggregate-to-edit, which grants impersonate on
            // serviceaccounts, though the export does not define it.
            "rbac-exposed-workload | Deployment ci/runner | spec.template.spec.serviceAccountName",
            "rbac-exposed-workload | Deployment ci/runner | spec.template.spec.serviceAccountName",
            "rbac-exposed-workload | Deployment ci/runner | spec.template.spec.serviceAccountName",
            "rbac-exposed-workload | Pod sandbox/test | spec.serviceAccountName",
            "rbac-exposed-workload | Deployment shop/web | spec.template.spec.serviceAccountName",
            "sa-default-automount | Pod sandbox/test | spec.serviceAccountName",
            "sa-default-bound | ServiceAccount monitoring/default | metadata.name",
            "svc-unique-selectors | Service sandbox/test-a | spec.selector",
            "svc-unique-selectors | Service sandbox/test-b | spec.selector",
        ])
        for finding in findings {
            #expect(finding.position != .unknown, "\(finding.ruleID) \(finding.object.displayName) has no position")
            #expect(finding.action == .warn || finding.action == .audit)
        }
    }

    @Test func attackPathsCarryTheirChain() throws {
        let (_, index) = try Self.load()
        let paths = try CrossObjectEngine(policy: Policy()).findings(index).filter { $0.ruleID == "rbac-exposed-workload" }
        let web = try #require(paths.first { $0.object.name == "web" })
        #expect(web.chain.map(\.object.displayName) == [
            "Service shop/web-lb", "Deployment shop/web", "ServiceAccount shop/web",
            "ClusterRoleBinding web-secrets", "ClusterRole secret-reader",
        ])
        #expect(web.message.contains("can read Secrets in every namespace"))
        #expect(web.message.contains(
            "public LoadBalancer Service shop/web-lb → Deployment shop/web → ServiceAccount shop/web → "
                + "ClusterRoleBinding web-secrets → ClusterRole secret-reader rules[0]"))

        // Through the aggregated `edit` role, bound in kube-system only.
        let runner = paths.filter { $0.object.name == "runner" }
        #expect(runner.map { $0.message.contains("create workloads in kube-system") }.contains(true))
        #expect(runner.map { $0.message.contains("exec into pods") }.contains(true))
        let kubeSystem = try #require(runner.first { $0.message.contains("kube-system") })
        #expect(kubeSystem.chain.last?.detail.contains("aggregated from ClusterRole aggregate-workloads") == true)
        #expect(kubeSystem.chain.map(\.object.displayName).contains("RoleBinding kube-system/deployer-kube-system"))

        // Through an Ingress, and through a group every service account of the namespace is in.
        let test = try #require(paths.first { $0.object.name == "test" })
        #expect(test.chain.map(\.object.displayName) == [
            "Ingress sandbox/takeover", "Service sandbox/test-a", "Pod sandbox/test", "ServiceAccount sandbox/default",
            "RoleBinding sandbox/sandbox-exec", "ClusterRole pod-exec",
        ])

        // payments/api is exposed and may exec, but mounts no token: no path.
        #expect(!paths.contains { $0.object.namespace == "payments" })
    }

    @Test func namespaceSelectorsAreJudgedAgainstEveryNamespace() throws {
        let (_, index) = try Self.load()
        let finding = try #require(try CrossObjectEngine(policy: Policy()).findings(index).first { $0.ruleID == "netpol-all-namespaces" })
        #expect(finding.message.contains("all 6 namespaces"))
        #expect(finding.chain.map(\.object.displayName) == ["DaemonSet monitoring/node-exporter"])
    }

    @Test func mergedIndexesGiveTheSameFindings() throws {
        let (objects, whole) = try Self.load()
        var parts = [ClusterIndex(), ClusterIndex(), ClusterIndex()]
        for (i, object) in objects.enumerated() { parts[i % 3].add(object) }
        var merged = ClusterIndex()
        for part in parts.reversed() { merged.merge(part) }
        #expect(merged.objectCount == whole.objectCount)
        let engine = try CrossObjectEngine(policy: Policy())
        #expect(engine.findings(merged).map(\.message) == engine.findings(whole).map(\.message))
    }

    @Test func excludedNamespacesAndRuleSettingsApply() throws {
        let (_, index) = try Self.load()
        var policy = Policy()
        policy.excludedNamespaces = ["kube-system", "sandbox", "ci"]
        policy.rules["ns-limitrange-quota"] = RuleSettings(action: .off)
        policy.rules["netpol-default-deny-missing"] = RuleSettings(
            severity: .high, parameters: ParsedYAML.firstDocument("requireEgress: true"))
        let findings = try CrossObjectEngine(policy: policy).findings(index)
        #expect(!findings.contains { $0.ruleID == "ns-limitrange-quota" })
        #expect(!findings.contains { ["sandbox", "ci"].contains($0.object.namespace ?? $0.object.name) })
        let denies = findings.filter { $0.ruleID == "netpol-default-deny-missing" }
        // monitoring's `podSelector: {}` without policyTypes denies ingress only.
        #expect(denies.map(\.object.name) == ["monitoring", "payments"])
        #expect(denies.allSatisfy { $0.severity == .high })
        #expect(denies.map { $0.message.contains("default-deny egress") } == [true, false])
        #expect(denies.map { $0.message.contains("default-deny ingress or egress") } == [false, true])
    }

    @Test func policyExemptionsCoverCrossObjectFindings() throws {
        let (_, index) = try Self.load()
        let before = try CrossObjectEngine(policy: Policy()).findings(index)
        let target = try #require(before.first { $0.ruleID == "netpol-default-deny-missing" })
        let policy = try Policy.parse(
            """
            apiVersion: gatehouse.io/v1
            kind: Policy
            exemptions:
            - rules: [netpol-default-deny-missing]
              names: ["\(target.object.name)"]
              reason: accepted for this test
            """)
        let after = try CrossObjectEngine(policy: policy).findings(index)
        #expect(!after.contains { $0.ruleID == target.ruleID && $0.object == target.object })
        #expect(after.count < before.count)
        #expect(after.contains { $0.ruleID != target.ruleID })
    }
}

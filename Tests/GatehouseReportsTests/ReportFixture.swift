import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel

/// One fixed audit result exercising every part of a report: findings in two namespaces and a cluster-scoped
/// object, every action, text that needs escaping, an input error and a note. Findings are given out of order
/// so the writers' canonical sort is exercised too.
enum ReportFixture {
    static func object(_ kind: String, _ namespace: String?, _ name: String, file: String, document: Int = 0, item: Int? = nil) -> ObjectRef {
        ObjectRef(
            apiVersion: kind == "ClusterRoleBinding" ? "rbac.authorization.k8s.io/v1" : "apps/v1", kind: kind,
            namespace: namespace, name: name, source: SourceRef(file: file, document: document, item: item))
    }

    /// Fixed documentation for the fixture's rules.
    @Sendable static func describe(_ id: String) -> RuleDescription? {
        guard id == "pod-privileged" else { return nil }
        return RuleDescription(
            id: id, title: "Privileged containers", category: .podSecurity, severity: .high, action: .deny,
            scope: .podSpec, profiles: [.aks], spec: "Fails when a container sets securityContext.privileged.",
            rationale: "Privileged containers own the node.", remediation: "Remove securityContext.privileged.",
            references: [.pss("privileged")], passing: [Example("{}")], failing: [Example("{}")])
    }

    static var report: AuditReport {
        let web = object("Deployment", "shop", "web", file: "manifests/shop.yaml")
        let agent = object("DaemonSet", "monitoring", "node-agent", file: "manifests/agent.yaml", document: 1)
        let binding = object("ClusterRoleBinding", nil, "ci <admin> & \"friends\"", file: "exports/rbac.json", item: 3)
        let findings = [
            Finding(
                ruleID: "pod-privileged", severity: .high, action: .deny,
                message: "container \"agent\" must not set securityContext.privileged=true",
                path: "spec.template.spec.containers[0].securityContext.privileged",
                position: SourcePosition(line: 21, column: 23), container: "agent", image: "quay.io/example/agent:3",
                object: agent),
            Finding(
                ruleID: "pod-privileged", severity: .high, action: .warn,
                message: "container \"sidecar\" must not set securityContext.privileged=true",
                path: "spec.template.spec.containers[1].securityContext.privileged",
                position: SourcePosition(line: 30, column: 27), container: "sidecar", image: "busybox", object: web),
            Finding(
                ruleID: "pod-privileged", severity: .high, action: .deny,
                message: "container \"app\" must not set securityContext.privileged=true",
                path: "spec.template.spec.containers[0].securityContext.privileged",
                position: SourcePosition(line: 18, column: 27), container: "app", image: "nginx:1.27", object: web),
            Finding(
                ruleID: "example-cluster-wide", severity: .critical, action: .audit,
                message: "binds \"cluster-admin\" to group \"ci\"\tfor <everything> & more",
                path: "roleRef.name", position: SourcePosition(line: 40, column: 5), container: nil, image: nil,
                object: binding),
            Finding(
                ruleID: "example-cluster-wide", severity: .low, action: .warn,
                message: "a low finding in the shop", path: "metadata.labels",
                position: .unknown, container: nil, image: nil, object: web),
        ]
        return AuditReport(
            profile: .aks, activeRules: ["pod-privileged", "example-cluster-wide"],
            files: ["manifests/agent.yaml", "manifests/shop.yaml", "exports/rbac.json", "broken.yaml"],
            objectCount: 7, findings: findings,
            errors: [LoadError(file: "broken.yaml", position: SourcePosition(line: 3, column: 7), message: "mapping values are not allowed in this context")],
            notes: [
                LoadNote(
                    source: SourceRef(file: "manifests/shop.yaml", document: 2), position: SourcePosition(line: 44, column: 1),
                    message: "document has no apiVersion or kind, so it is not a Kubernetes object; skipped")
            ])
    }

    /// ``report`` with findings exempted by a policy exemption and by annotations (one on a pod template,
    /// one without a reason), an exemption annotation that was not applied, and the exempted findings listed.
    static var exemptedReport: AuditReport {
        let web = object("Deployment", "shop", "web", file: "manifests/shop.yaml")
        let csi = object("DaemonSet", "storage", "csi-node", file: "manifests/csi.yaml")
        let legacy = object("Namespace", nil, "legacy", file: "manifests/ns.yaml")
        func finding(_ rule: String, _ severity: Severity, _ action: Action, _ path: String, _ line: Int, _ on: ObjectRef, container: String? = nil) -> Finding {
            Finding(
                ruleID: rule, severity: severity, action: action, message: "\(rule) at \(path)", path: path,
                position: SourcePosition(line: line, column: 9), container: container, image: nil, object: on)
        }
        var report = Self.report
        let exempted = [
            ExemptedFinding(
                finding: finding("pod-privileged", .high, .deny, "spec.template.spec.containers[0].securityContext.privileged", 20, csi, container: "driver"),
                exemption: .policy(index: 1, name: "csi-drivers", reason: "CSI node plugins mount host paths & need <privilege>", position: SourcePosition(line: 128, column: 3))),
            ExemptedFinding(
                finding: finding("example-cluster-wide", .low, .warn, "metadata.labels", 12, web),
                exemption: .annotation(value: "example-cluster-wide", reason: "labels come from the chart", onTemplate: true)),
            ExemptedFinding(
                finding: finding("netpol-namespace-missing", .medium, .warn, "metadata.name", 3, legacy),
                exemption: .policy(index: 0, name: nil, reason: nil, position: SourcePosition(line: 120, column: 3))),
        ]
        let notes = [
            ExemptionNote(
                object: object("Deployment", "shop", "api", file: "manifests/shop.yaml", document: 3),
                position: SourcePosition(line: 60, column: 1),
                message: "annotation gatehouse.io/exempt ignored: it needs a gatehouse.io/exempt-reason annotation saying why")
        ]
        report = AuditReport(
            profile: report.profile, activeRules: report.activeRules, files: report.files + ["manifests/csi.yaml", "manifests/ns.yaml"],
            objectCount: report.objectCount + 2, orderedFindings: report.findings, errors: report.errors, notes: report.notes,
            exempted: exempted.reversed(), exemptionNotes: notes)
        report.listsExempted = true
        return report
    }
}

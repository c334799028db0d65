import KubeModel

/// sa-default-automount: workloads that run as the `default` service account with its token mounted.
public struct SaDefaultAutomount: CrossObjectRule {
    public static let description = RuleDescription(
        id: "sa-default-automount",
        title: "Workload runs as the default ServiceAccount with a token",
        category: .rbac,
        severity: .low,
        action: .warn,
        scope: .kinds(["ServiceAccount"]),
        profiles: [.aks],
        spec: """
            Audit only; the auditor's half of pod-default-service-account. Fails for each workload whose pods \
            run as the ServiceAccount `default` (serviceAccountName unset, empty or `default`) and get its \
            token: the pod's automountServiceAccountToken is true, or unset while the ServiceAccount's is not \
            false (a missing ServiceAccount object counts as automounting, as Kubernetes creates `default` \
            with no setting). Reported at the pod spec's serviceAccountName, with the ServiceAccount in the chain.
            """,
        rationale: """
            Every pod of the namespace shares `default`: a permission granted to it for one workload is held \
            by all, and its token in a compromised pod is a key to the API server.
            """,
        remediation: "Give the workload its own ServiceAccount, and set automountServiceAccountToken: false on `default`.",
        references: [
            .cis("5.1.5 [AKS 4.1.5] Ensure that default service accounts are not actively used"),
            .other("kubeaudit AutomountServiceAccountTokenTrueAndDefaultSA"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: default, namespace: shop}
                automountServiceAccountToken: false
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec: {template: {spec: {containers: [{name: app, image: web:1}]}}}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: default, namespace: shop}
                automountServiceAccountToken: false
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec: {template: {spec: {automountServiceAccountToken: true, containers: [{name: app, image: web:1}]}}}
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: report, namespace: batch}
                spec: {jobTemplate: {spec: {template: {spec: {serviceAccountName: default, containers: [{name: r, image: r:1}]}}}}}
                """,
                paths: [
                    "CronJob batch/report: spec.jobTemplate.spec.template.spec.serviceAccountName",
                    "Deployment shop/web: spec.template.spec.serviceAccountName",
                ]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport) {
        for workload in cluster.allWorkloads where workload.serviceAccount == "default" && cluster.mountsToken(workload) {
            let account = cluster.serviceAccount(of: workload)
            let why =
                workload.automount == true
                ? "the pod sets automountServiceAccountToken: true"
                : account == nil
                    ? "the ServiceAccount is not in the input (Kubernetes creates it without automountServiceAccountToken)"
                    : "neither the pod nor the ServiceAccount sets automountServiceAccountToken: false"
            let sa = cluster.serviceAccountAnchor(namespace: workload.namespace, name: "default", near: workload.anchor)
            report.report(
                "\(workload.anchor.ref.kind) \(workload.namespace)/\(workload.anchor.ref.name) runs as ServiceAccount "
                    + "default with its API token mounted: \(why)",
                about: workload.anchor, path: ClusterAnalysis.serviceAccountPath(workload),
                chain: [ChainLink(object: sa.ref, detail: "automountServiceAccountToken \(account?.automount.map { "\($0)" } ?? "unset")")])
        }
    }
}

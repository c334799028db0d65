import KubeModel

/// sa-default-bound: `default` service accounts that hold permissions.
public struct SaDefaultBound: CrossObjectRule {
    public static let description = RuleDescription(
        id: "sa-default-bound",
        title: "Default ServiceAccount bound to a role",
        category: .rbac,
        severity: .medium,
        action: .warn,
        scope: .kinds(["ServiceAccount", "RoleBinding", "ClusterRoleBinding"]),
        profiles: [.aks],
        spec: """
            Audit only. Fails for each RoleBinding or ClusterRoleBinding subject that is the ServiceAccount \
            `default` of some namespace (the subject's namespace, or the RoleBinding's when the subject has \
            none, as the authorizer reads it). Reported at the ServiceAccount (metadata.name), with the binding \
            and role in the chain. Kubernetes' own bindings (labelled kubernetes.io/bootstrapping=rbac-defaults, \
            with a default's name, role and subjects) are skipped unless includeSystem is true. Groups that \
            contain every service account (system:serviceaccounts...) are not reported here.
            """,
        rationale: """
            Every pod of the namespace that does not name a ServiceAccount runs as `default`: a role bound to \
            it is granted to all of them, now and in the future.
            """,
        remediation: "Bind the role to a dedicated ServiceAccount used only by the workload that needs it.",
        references: [
            .cis("5.1.5 [AKS 4.1.5] Ensure that default service accounts are not actively used"),
        ],
        parameters: [
            RoleChecks.includeSystemBindingsParameter,
        ],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: web-reader, namespace: shop}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
                subjects: [{kind: ServiceAccount, name: web}]
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: default, namespace: shop}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: default-reader, namespace: shop}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
                subjects: [{kind: ServiceAccount, name: default}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: ci-default}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                subjects: [{kind: ServiceAccount, name: default, namespace: ci}]
                """,
                paths: ["ServiceAccount ci/default: metadata.name", "ServiceAccount shop/default: metadata.name"]),
        ]
    )

    let includeSystem: Bool

    public init(parameters: RuleParameters) {
        includeSystem = RoleChecks.includeSystem(parameters)
    }

    public func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport) {
        for binding in cluster.rbac.bindings {
            if !includeSystem && binding.isBuiltIn { continue }
            for subject in binding.subjects where subject.kind == "ServiceAccount" && subject.name == "default" {
                guard let namespace = subject.namespace else { continue }
                let kind = binding.isClusterBinding ? "ClusterRoleBinding" : "RoleBinding"
                let scope = binding.namespace.map { "in namespace \($0)" } ?? "cluster-wide"
                report.report(
                    "ServiceAccount \(namespace)/default is bound to \(binding.roleKind) \(binding.roleName) \(scope) "
                        + "by \(kind) \(binding.name)",
                    about: cluster.serviceAccountAnchor(namespace: namespace, name: "default", near: binding.anchor), path: "metadata.name",
                    chain: [ChainLink(object: binding.anchor.ref, detail: "subjects[\(subject.index)]: \(subject.text) → \(binding.roleKind) \(binding.roleName)")])
            }
        }
    }
}

import KubeModel

/// rbac-cluster-admin-binding: bindings that hand out cluster-admin.
public struct RbacClusterAdminBinding: Rule {
    public static let description = RuleDescription(
        id: "rbac-cluster-admin-binding",
        title: "Binding to cluster-admin",
        category: .rbac,
        severity: .high,
        action: .warn,
        scope: RoleChecks.bindingKinds,
        profiles: [.aks],
        spec: """
            Fails for each subject of a ClusterRoleBinding or RoleBinding whose roleRef is the ClusterRole named \
            in `roles` (default cluster-admin; add admin or edit to be stricter), unless the subject is in \
            `allowedSubjects`, written `User:alice`, `Group:ops`, or `ServiceAccount:namespace:name`. A binding \
            without subjects is reported at roleRef. A RoleBinding to cluster-admin grants it in one namespace \
            only, and is still reported. Kubernetes' own bindings (labelled \
            kubernetes.io/bootstrapping=rbac-defaults, with a default's name, role and subjects: cluster-admin → \
            system:masters) are skipped unless includeSystem is true; a system: name alone is not enough.
            Fields: roleRef.{kind,name}, subjects[*].{kind,name,namespace}.
            """,
        rationale: """
            cluster-admin is every permission on every object: a subject bound to it owns the cluster, and a \
            compromised token of it is a compromised cluster.
            """,
        remediation: "Bind a role with the permissions the subject needs; keep cluster-admin to break-glass groups.",
        references: [
            .azurePolicy("Kubernetes clusters should ensure that the cluster-admin role is only used where required (a3dc4946)"),
            .cis("5.1.1 [AKS 4.1.1] Ensure that the cluster-admin role is only used where required"),
            .defender("alert K8S_ClusterAdminBinding"),
            .other("KSV111, Polaris clusterrolebindingClusterAdmin"),
        ],
        parameters: [
            ParameterSpec("roles", .stringList, default: "[cluster-admin]", "ClusterRoles that count as cluster administration."),
            ParameterSpec("allowedSubjects", .stringList, default: "[]", "Subjects that may hold them: `User:name`, `Group:name`, `ServiceAccount:namespace:name`."),
            RoleChecks.includeSystemParameter,
        ],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: ops-admin}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects:
                - {kind: Group, name: platform-oncall, apiGroup: rbac.authorization.k8s.io}
                """,
                parameters: "allowedSubjects: ['Group:platform-oncall']"),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: cluster-admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects:
                - {kind: Group, name: "system:masters", apiGroup: rbac.authorization.k8s.io}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: ci-admin}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects:
                - {kind: Group, name: platform-oncall, apiGroup: rbac.authorization.k8s.io}
                - {kind: ServiceAccount, name: deployer, namespace: ci}
                """,
                parameters: "allowedSubjects: ['Group:platform-oncall']",
                paths: ["subjects[1]"]),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: team-admin, namespace: team}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
                subjects:
                - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
                """,
                parameters: "roles: [cluster-admin, admin]",
                paths: ["subjects[0]"]),
        ]
    )

    let roles: Set<String>
    let allowedSubjects: Set<String>
    let includeSystem: Bool

    public init(parameters: RuleParameters) {
        roles = Set(parameters.strings("roles", default: ["cluster-admin"]))
        allowedSubjects = Set(parameters.strings("allowedSubjects", default: []))
        includeSystem = RoleChecks.includeSystem(parameters)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard includeSystem || !RoleChecks.isBuiltIn(object) else { return }
        guard let roleRef = object.root["roleRef"], roleRef["kind"]?.string == "ClusterRole",
            let role = roleRef["name"]?.string, roles.contains(role)
        else { return }
        let subjects = RoleChecks.subjects(of: object)
        if subjects.isEmpty {
            context.report("\(object.kind) grants ClusterRole \(role) (no subjects yet)", path: "roleRef", at: roleRef)
        }
        let scope = object.kind == "RoleBinding" ? " in namespace \(object.namespace ?? "")" : ""
        for subject in subjects where !allowedSubjects.contains(subject.text) {
            context.report(
                "\(object.kind) grants ClusterRole \(role)\(scope) to \(subject.text)",
                path: "subjects[\(subject.index)]", at: subject.value)
        }
    }
}

import KubeModel

/// rbac-pod-exec-attach: roles that grant exec or attach into pods, and bindings to Kubernetes' default
/// ClusterRoles that do.
public struct RbacPodExecAttach: Rule {
    public static let description = RuleDescription(
        id: "rbac-pod-exec-attach",
        title: "Exec or attach into pods",
        category: .rbac,
        severity: .high,
        action: .warn,
        scope: .kinds(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]),
        profiles: [.aks],
        spec: """
            Fails for each rules[] entry of a Role or ClusterRole that grants create or get on pods/exec or \
            pods/attach (core group), wildcards included (`*`, `*/exec`). The entry `pods` alone does not \
            grant subresources, as in Kubernetes.
            A RoleBinding or ClusterRoleBinding is checked on its own, without the role's contents: it fails, \
            reported at roleRef and naming its subjects, when its roleRef is a ClusterRole in `clusterRoles`. \
            The default list holds the ClusterRoles Kubernetes' default RBAC policy \
            (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go) gives create on pods/exec and \
            pods/attach: cluster-admin (`*` verbs on `*` resources in `*` groups), system:aggregate-to-edit \
            (get, list, watch and create, update, patch, delete, deletecollection on pods/attach and pods/exec), \
            edit (aggregates system:aggregate-to-edit) and admin (aggregates edit through its \
            aggregate-to-admin label). view does not grant them. Setting `clusterRoles` replaces the list: to \
            have bindings to your own ClusterRoles that grant exec reported too, list them with the defaults. \
            Whether a binding to any other (custom) Role or \
            ClusterRole gives exec depends on that role's rules: the cross-object analysis (`gatehouse who-can \
            create pods/exec`, `gatehouse access`) answers it. A RoleBinding grants in its namespace only, and \
            says so. Kubernetes' own roles and bindings (labelled kubernetes.io/bootstrapping=rbac-defaults and named as \
            a default; a system: name alone is not enough) are skipped unless includeSystem is true.
            Fields: rules[*].{verbs,apiGroups,resources}; roleRef.{kind,name}, subjects[*].{kind,name,namespace}.
            """,
        rationale: """
            Exec runs commands inside a running container with its service account token and mounted \
            secrets; attach reaches the container's stdin.
            """,
        remediation: "Grant exec and attach only for break-glass access, bound to named people for a limited time.",
        references: [
            .other("KSV053, KSV054, Polaris clusterrolePodExecAttach / rolePodExecAttach"),
        ],
        parameters: [
            ParameterSpec(
                "clusterRoles", .stringList, default: "[admin, cluster-admin, edit, system:aggregate-to-edit]",
                "ClusterRoles known to grant exec or attach: a binding to one of them is reported."),
            RoleChecks.includeSystemParameter,
        ],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: debug, namespace: app}
                rules:
                - {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}
                """),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: team-view, namespace: team}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects:
                - {kind: Group, name: team, apiGroup: rbac.authorization.k8s.io}
                """),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: cluster-admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects:
                - {kind: Group, name: "system:masters", apiGroup: rbac.authorization.k8s.io}
                """),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: team-edit, namespace: team}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                subjects:
                - {kind: Group, name: team, apiGroup: rbac.authorization.k8s.io}
                """,
                parameters: "clusterRoles: [cluster-admin]"),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: debug, namespace: app}
                rules:
                - {apiGroups: [""], resources: [pods], verbs: [get]}
                - {apiGroups: [""], resources: [pods/exec], verbs: [create]}
                - {apiGroups: [""], resources: ["*/attach"], verbs: [get]}
                """,
                paths: ["rules[1]", "rules[2]"]),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: team-edit, namespace: team}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                subjects:
                - {kind: Group, name: team, apiGroup: rbac.authorization.k8s.io}
                - {kind: ServiceAccount, name: deployer, namespace: ci}
                """,
                paths: ["roleRef"]),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: support-debug}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-debugger}
                subjects:
                - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
                """,
                parameters: "clusterRoles: [admin, cluster-admin, edit, pod-debugger]",
                paths: ["roleRef"]),
        ]
    )

    static let permissions: [Permission] = [
        Permission(["create", "get"], "pods/exec"), Permission(["create", "get"], "pods/attach"),
    ]

    /// The default `clusterRoles`: the default-policy ClusterRoles that grant create on pods/exec and pods/attach.
    static let defaultClusterRoles = ["admin", "cluster-admin", "edit", "system:aggregate-to-edit"]

    let clusterRoles: Set<String>
    let includeSystem: Bool

    public init(parameters: RuleParameters) {
        clusterRoles = Set(parameters.strings("clusterRoles", default: Self.defaultClusterRoles))
        includeSystem = RoleChecks.includeSystem(parameters)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if object.kind == "RoleBinding" || object.kind == "ClusterRoleBinding" {
            checkBinding(object, &context)
            return
        }
        RoleChecks.reportGrants(
            object, &context, includeSystem: includeSystem, permissions: Self.permissions,
            reason: "\(object.kind) can run commands in pods")
    }

    /// One finding per binding, at roleRef: the role is what grants exec, the subjects are who gets it.
    private func checkBinding(_ object: KubeObject, _ context: inout CheckContext) {
        guard includeSystem || !RoleChecks.isBuiltIn(object) else { return }
        guard let roleRef = object.root["roleRef"], roleRef["kind"]?.string == "ClusterRole",
            let role = roleRef["name"]?.string, clusterRoles.contains(role)
        else { return }
        let scope = object.kind == "RoleBinding" ? "in namespace \(object.namespace ?? "")" : "in every namespace"
        let subjects = RoleChecks.subjects(of: object).map(\.text)
        let who = subjects.isEmpty ? "no subjects yet" : subjects.joined(separator: ", ")
        context.report(
            "\(object.kind) grants ClusterRole \(role), which can exec and attach into pods, \(scope) to \(who)",
            path: "roleRef", at: roleRef)
    }
}

import KubeModel

/// rbac-binding-powerful-role: bindings that hand out a custom role granting exec/attach, `*`, or
/// escalate/bind/impersonate.
public struct RbacBindingPowerfulRole: CrossObjectRule {
    public static let description = RuleDescription(
        id: "rbac-binding-powerful-role",
        title: "Binding to a custom role that grants exec, attach, wildcards or escalation",
        category: .rbac,
        severity: .high,
        action: .warn,
        scope: RoleChecks.bindingKinds,
        profiles: [.aks],
        spec: """
            Audit only. Fails for each RoleBinding or ClusterRoleBinding with subjects whose role is among the \
            inputs, is not one of Kubernetes' own, and grants (itself or through aggregation) one of: `*` in \
            verbs or resources; create or get on pods/exec or pods/attach (`*/exec` included); escalate or bind \
            on roles and bindings, or impersonate on users, groups, service accounts, uids or user extras. \
            Reported at the binding's roleRef, once per binding, naming the role's entries and the subjects; the \
            role is in the chain. The per-object rules (rbac-wildcard, rbac-pod-exec-attach, \
            rbac-escalate-bind-impersonate) report the role, which cannot say who holds it; this rule reports \
            the binding that hands it out, so that a review of the binding alone sees what it grants. Bindings \
            to Kubernetes' default roles are rbac-cluster-admin-binding's and rbac-pod-exec-attach's; bindings \
            to a role not in the input are not judged. Kubernetes' own bindings are skipped unless includeSystem \
            is true.
            Fields: roleRef.{kind,name}, subjects[*]; the role's rules[*].{verbs,apiGroups,resources}, aggregationRule.
            """,
        rationale: """
            Exec and attach run commands in any pod the subject reaches, with that pod's service account and \
            secrets; a wildcard grants what exists now and later; escalate, bind and impersonate lead to any \
            permission. A binding is where such a role is handed out, and where a reviewer looks.
            """,
        remediation: "Bind a role without these permissions, or keep such bindings to the few subjects that need them.",
        references: [
            .cis("5.1.3 [AKS 4.1.3] Minimize wildcard use in Roles and ClusterRoles"),
            .cis("5.1.8 Limit use of the Bind, Impersonate and Escalate permissions"),
            .other("KSV053, KSV041, KSV043"),
        ],
        parameters: [
            RoleChecks.includeSystemBindingsParameter,
        ],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: reader, namespace: shop}
                rules:
                - {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: web-reader, namespace: shop}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
                subjects: [{kind: ServiceAccount, name: web}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: devs-edit, namespace: shop}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                subjects: [{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: debugger, namespace: shop}
                rules:
                - {apiGroups: [""], resources: [pods], verbs: [get, list]}
                - {apiGroups: [""], resources: [pods/exec], verbs: [create]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: oncall-debug, namespace: shop}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: debugger}
                subjects: [{kind: Group, name: oncall, apiGroup: rbac.authorization.k8s.io}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: "system:evil", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
                rules:
                - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: "system:evil"}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:evil"}
                subjects: [{kind: User, name: mallory, apiGroup: rbac.authorization.k8s.io}]
                """,
                paths: ["ClusterRoleBinding system:evil: roleRef", "RoleBinding shop/oncall-debug: roleRef"]),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: ops}
                aggregationRule: {clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-ops: "true"}}]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: ops-impersonate, labels: {example.com/aggregate-to-ops: "true"}}
                rules:
                - {apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: ops, namespace: ci}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ops}
                subjects: [{kind: ServiceAccount, name: deployer}]
                """,
                paths: ["RoleBinding ci/ops: roleRef"]),
        ]
    )

    /// Exec and attach (as rbac-pod-exec-attach), then escalate, bind and impersonate (as
    /// rbac-escalate-bind-impersonate).
    static let permissions = RbacPodExecAttach.permissions + RbacEscalateBindImpersonate.permissions

    let includeSystem: Bool

    public init(parameters: RuleParameters) {
        includeSystem = RoleChecks.includeSystem(parameters)
    }

    public func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport) {
        for binding in cluster.rbac.bindings where !binding.subjects.isEmpty {
            if !includeSystem && binding.isBuiltIn { continue }
            guard let role = cluster.rbac.role(of: binding), !role.isBuiltIn, !role.entry.isBuiltIn else { continue }
            let entries = role.rules.compactMap { rule, from in Self.powers(rule).map { (rule, from, $0) } }
            guard !entries.isEmpty else { continue }
            let listed = entries.map { rule, from, powers in
                "\(powers) (\(from.map { "ClusterRole \($0) " } ?? "")rules[\(rule.index)])"
            }.joined(separator: "; ")
            let kind = binding.isClusterBinding ? "ClusterRoleBinding" : "RoleBinding"
            let roleName = binding.roleKind == "Role" ? "\(binding.namespace ?? "")/\(binding.roleName)" : binding.roleName
            let scope = binding.namespace.map { "in namespace \($0)" } ?? "cluster-wide"
            let subjects = binding.subjects.map(\.text).joined(separator: ", ")
            report.report(
                "\(kind) \(binding.namespace.map { "\($0)/" } ?? "")\(binding.name) grants \(binding.roleKind) \(roleName) "
                    + "\(scope) to \(subjects): the role grants \(listed)",
                about: binding.anchor, path: "roleRef",
                chain: [ChainLink(object: role.entry.anchor.ref, detail: listed)])
        }
    }

    /// What makes one rule entry powerful, or `nil`: `every verb on every resource (*)`, or the permissions
    /// it grants.
    static func powers(_ rule: PolicyRule) -> String? {
        guard !rule.resources.isEmpty else { return nil }  // non-resource URLs
        let everyVerb = rule.verbs.contains("*")
        let everyResource = rule.resources.contains("*")
        if everyVerb && everyResource { return "every verb on every resource (`*`)" }
        var parts: [String] = []
        if everyVerb { parts.append("every verb (`*`) on \(rule.resources.joined(separator: ", "))") }
        if everyResource { parts.append("\(rule.verbs.joined(separator: ", ")) on every resource (`*`)") }
        let granted = RoleChecks.grants(rule, permissions)
        if !granted.isEmpty && !everyVerb && !everyResource { parts.append(granted) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

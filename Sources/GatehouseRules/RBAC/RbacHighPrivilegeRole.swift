import KubeModel

/// rbac-high-privilege-role: a role that holds a cluster-takeover permission, as Defender's alert reports it.
public struct RbacHighPrivilegeRole: Rule {
    public static let description = RuleDescription(
        id: "rbac-high-privilege-role",
        title: "High-privilege role",
        category: .rbac,
        severity: .info,
        action: .audit,
        scope: RoleChecks.roleKinds,
        profiles: [.aks],
        spec: """
            Reports a Role or ClusterRole, once, at the first rules[] entry that grants every verb on every \
            resource (`*`/`*`), escalate, bind or impersonate (as rbac-escalate-bind-impersonate), or write \
            access to admission webhook configurations (as rbac-webhook-config). An informational signal for \
            the audit trail, like Defender's alert on newly created high-privilege roles. Built-in roles are \
            skipped unless includeSystem is true.
            Fields: rules[*].{verbs,apiGroups,resources}.
            """,
        rationale: """
            New roles with takeover permissions are rare in a steady cluster; each one deserves a look.
            """,
        remediation: "Confirm the role is expected; otherwise remove it and its bindings.",
        references: [
            .defender("alert K8S_HighPrivilegesRole (New high privileges role detected)"),
        ],
        parameters: [RoleChecks.includeSystemParameter],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: app-writer, namespace: app}
                rules:
                - {apiGroups: [""], resources: [configmaps], verbs: ["*"]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: god-mode}
                rules:
                - {apiGroups: [""], resources: [configmaps], verbs: [get]}
                - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
                - {apiGroups: [""], resources: [users], verbs: [impersonate]}
                """,
                paths: ["rules[1]"]),
        ]
    )

    let includeSystem: Bool

    public init(parameters: RuleParameters) {
        includeSystem = RoleChecks.includeSystem(parameters)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard includeSystem || !RoleChecks.isBuiltIn(object) else { return }
        let dangerous = RbacEscalateBindImpersonate.permissions + RbacWebhookConfig.permissions
        for (rule, value) in context.policyRules() {
            let everything = rule.verbs.contains("*") && rule.resources.contains("*") && rule.apiGroups.contains("*")
            let granted = everything ? "every verb on every resource" : RoleChecks.grants(rule, dangerous)
            guard !granted.isEmpty else { continue }
            context.report(
                "high-privilege \(object.kind): rules[\(rule.index)] grants \(granted)",
                path: "rules[\(rule.index)]", at: value)
            return
        }
    }
}

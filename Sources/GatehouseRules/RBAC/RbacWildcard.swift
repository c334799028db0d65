import KubeModel

/// rbac-wildcard: `*` in a role's verbs or resources.
public struct RbacWildcard: Rule {
    public static let description = RuleDescription(
        id: "rbac-wildcard",
        title: "Wildcards in roles",
        category: .rbac,
        severity: .high,
        action: .warn,
        scope: RoleChecks.roleKinds,
        profiles: [.aks],
        spec: """
            Fails for each rules[] entry of a Role or ClusterRole whose verbs or resources contain `*` (reported \
            at rules[i].verbs, then rules[i].resources). `*/subresource` in resources counts as a wildcard. \
            `*` in apiGroups alone, with named verbs and resources, is not reported (it only widens the groups a \
            resource name is looked up in). Built-in roles are skipped unless includeSystem is true.
            Fields: rules[*].verbs, rules[*].resources.
            """,
        rationale: """
            A wildcard grants everything that exists now and every verb or resource added later (CRDs, \
            subresources), so nobody can say what the role allows.
            """,
        remediation: "List the verbs and resources the subject needs instead of `*`.",
        references: [
            .azurePolicy("Kubernetes clusters should minimize wildcard use in role and cluster role (ca8d5704)"),
            .cis("5.1.3 [AKS 4.1.3] Minimize wildcard use in Roles and ClusterRoles"),
            .other("KSV044, KSV045, KSV046, KSV112, CKV_K8S_49"),
        ],
        parameters: [RoleChecks.includeSystemParameter],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: reader, namespace: app}
                rules:
                - {apiGroups: ["*"], resources: [pods], verbs: [get, list]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: superuser}
                rules:
                - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
                - {apiGroups: [""], resources: [pods], verbs: [get]}
                - {apiGroups: [""], resources: ["*/status"], verbs: [get]}
                """,
                paths: ["rules[0].verbs", "rules[0].resources", "rules[2].resources"]),
        ]
    )

    let includeSystem: Bool

    public init(parameters: RuleParameters) {
        includeSystem = parameters.bool("includeSystem", default: false)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard includeSystem || !RoleChecks.isBuiltIn(object) else { return }
        for (rule, value) in context.rbacRules() {
            if rule.verbs.contains("*") {
                context.report(
                    "\(object.kind) uses a wildcard: rules[\(rule.index)] grants every verb (`*`)",
                    path: "rules[\(rule.index)].verbs", at: value["verbs"])
            }
            let wild = rule.resources.filter { $0 == "*" || $0.hasPrefix("*/") }
            if !wild.isEmpty {
                context.report(
                    "\(object.kind) uses a wildcard: rules[\(rule.index)] resources \(wild.joined(separator: ", "))",
                    path: "rules[\(rule.index)].resources", at: value["resources"])
            }
        }
    }
}

import KubeModel

/// rbac-wildcard: `*` in a role's verbs or resources (high), or in its apiGroups alone (low).
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
            at rules[i].verbs, then rules[i].resources, at the rule's severity, high). `*/subresource` in \
            resources counts as a wildcard. An entry whose only wildcard is `*` in apiGroups, with named verbs \
            and resources, is reported at rules[i].apiGroups with severity low: it grants the named resources in \
            every API group, including groups CRDs add later (`pods` in a CRD's group is another resource), \
            but no new verb or resource kind. An entry with a wildcard in verbs or resources is not also \
            reported for its apiGroups. A severity set for the rule in the policy applies to every finding. \
            Built-in roles are skipped unless includeSystem is true.
            Fields: rules[*].verbs, rules[*].resources, rules[*].apiGroups.
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
                - {apiGroups: ["", apps], resources: [pods, deployments], verbs: [get, list]}
                """),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: "system:kube-controller-manager", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
                rules:
                - {apiGroups: ["*"], resources: ["*"], verbs: [list, watch]}
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
                - {apiGroups: ["*"], resources: [pods], verbs: ["*"]}
                - {apiGroups: ["*"], resources: [configmaps], verbs: [get]}
                """,
                paths: ["rules[0].verbs", "rules[0].resources", "rules[2].resources", "rules[3].verbs", "rules[4].apiGroups"],
                severities: [.high, .high, .high, .high, .low]),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: reader, namespace: app}
                rules:
                - {apiGroups: [""], resources: [configmaps], verbs: [get]}
                - {apiGroups: ["*"], resources: [pods, deployments], verbs: [get, list]}
                """,
                paths: ["rules[1].apiGroups"], severities: [.low]),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: "system:evil", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
                rules:
                - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
                """,
                paths: ["rules[0].verbs", "rules[0].resources"]),
        ]
    )

    let includeSystem: Bool

    public init(parameters: RuleParameters) {
        includeSystem = RoleChecks.includeSystem(parameters)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard includeSystem || !RoleChecks.isBuiltIn(object) else { return }
        for (rule, value) in context.policyRules() {
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
            // `*` in apiGroups alone widens named verbs and resources to every group: reported, but low. With a
            // wildcard above, the entry is already reported at the rule's severity.
            if !rule.verbs.contains("*") && wild.isEmpty && !rule.resources.isEmpty && rule.apiGroups.contains("*") {
                context.report(
                    "\(object.kind) uses a wildcard: rules[\(rule.index)] grants \(rule.resources.joined(separator: ", ")) "
                        + "in every API group (`*` in apiGroups)",
                    path: "rules[\(rule.index)].apiGroups", at: value["apiGroups"], severity: .low)
            }
        }
    }
}

import KubeModel

/// rbac-aggregate-to-edit-endpoints: the CVE-2021-25740 endpoint write permission in the `edit` role.
public struct RbacAggregateToEditEndpoints: Rule {
    public static let description = RuleDescription(
        id: "rbac-aggregate-to-edit-endpoints",
        title: "Endpoint edit through aggregate-to-edit",
        category: .rbac,
        severity: .medium,
        action: .warn,
        scope: .kinds(["ClusterRole"]),
        profiles: [.aks],
        spec: """
            Fails for each rules[] entry of the ClusterRole `system:aggregate-to-edit` whose resources include \
            `endpoints` (or `*`) and whose verbs include create, patch or update (or `*`), as the Azure Policy \
            Rego reads it. Other ClusterRoles are not checked (rbac-manage-networking covers them). This rule \
            reads a system role on purpose, so includeSystem does not apply.
            Fields: rules[*].{verbs,resources}.
            """,
        rationale: """
            Clusters created before Kubernetes 1.22 let every `edit` user write Endpoints, which redirects a \
            Service's traffic to any IP, including other namespaces' pods (CVE-2021-25740).
            """,
        remediation: "Remove create, patch and update on endpoints from system:aggregate-to-edit (and set its autoupdate annotation to false).",
        references: [
            .azurePolicy("Kubernetes clusters should not allow endpoint edit permissions of ClusterRole/system:aggregate-to-edit (1ddac26b)"),
            .other("CVE-2021-25740"),
        ],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: "system:aggregate-to-edit"}
                rules:
                - {apiGroups: [""], resources: [pods, services], verbs: [create, delete, patch, update]}
                - {apiGroups: [""], resources: [endpoints], verbs: [get, list, watch]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: "system:aggregate-to-edit"}
                rules:
                - {apiGroups: [""], resources: [pods], verbs: [create]}
                - {apiGroups: [""], resources: [endpoints, services], verbs: [create, delete, patch, update]}
                """,
                paths: ["rules[1]"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard object.name == "system:aggregate-to-edit" else { return }
        for (rule, value) in context.policyRules()
        where rule.resources.contains(where: { $0 == "endpoints" || $0 == "*" }) {
            let verbs = ["create", "patch", "update"].filter(rule.matchesVerb)
            guard !verbs.isEmpty else { continue }
            context.report(
                "system:aggregate-to-edit lets every edit user write Endpoints: rules[\(rule.index)] grants "
                    + "\(verbs.joined(separator: ", ")) on endpoints",
                path: "rules[\(rule.index)]", at: value)
        }
    }
}

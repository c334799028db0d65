import KubeModel

/// rbac-secrets-access: roles that read or write Secrets.
public struct RbacSecretsAccess: Rule {
    public static let description = RuleDescription(
        id: "rbac-secrets-access",
        title: "Read or write Secrets",
        category: .rbac,
        severity: .high,
        action: .warn,
        scope: RoleChecks.roleKinds,
        profiles: [.aks],
        spec: """
            Fails for each rules[] entry of a Role or ClusterRole that grants get, list, watch, create, update, \
            patch, delete or deletecollection on `secrets` in the core group, wildcards included (`*` verbs, \
            `*` resources, `*` apiGroups). An entry limited by resourceNames still fails (it names the secrets \
            it grants; list and watch ignore names). Roles named system:* or labelled \
            kubernetes.io/bootstrapping=rbac-defaults are skipped unless includeSystem is true.
            Fields: rules[*].{verbs,apiGroups,resources}.
            """,
        rationale: """
            Secrets hold service account tokens, registry credentials and TLS keys: reading them is often a \
            step to every other permission in the namespace, or the cluster for a ClusterRole.
            """,
        remediation: "Grant secrets access only to the controllers that need it, with resourceNames where possible.",
        references: [
            .cis("5.1.2 [AKS 4.1.2] Minimize access to secrets"),
            .other("KSV041, KSV113"),
        ],
        parameters: [RoleChecks.includeSystemParameter],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: reader, namespace: app}
                rules:
                - {apiGroups: [""], resources: [configmaps, pods], verbs: [get, list]}
                """),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: "system:controller:token-cleaner"}
                rules:
                - {apiGroups: [""], resources: [secrets], verbs: [delete, get, list]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: snooper}
                rules:
                - {apiGroups: [""], resources: [pods], verbs: [get]}
                - {apiGroups: [""], resources: [secrets], verbs: [get, list, watch]}
                - {apiGroups: ["*"], resources: ["*"], verbs: [delete]}
                """,
                paths: ["rules[1]", "rules[2]"]),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: "system:custom"}
                rules:
                - {apiGroups: [""], resources: [secrets], verbs: ["*"]}
                """,
                parameters: "includeSystem: true",
                paths: ["rules[0]"]),
        ]
    )

    static let permissions = [
        Permission(["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"], "secrets")
    ]

    let includeSystem: Bool

    public init(parameters: RuleParameters) {
        includeSystem = parameters.bool("includeSystem", default: false)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        RoleChecks.reportGrants(
            object, &context, includeSystem: includeSystem, permissions: Self.permissions,
            reason: "\(object.kind) gives access to Secrets")
    }
}

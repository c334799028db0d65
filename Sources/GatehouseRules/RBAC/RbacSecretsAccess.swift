import KubeModel

/// rbac-secrets-access: roles that read or write Secrets.
public struct RbacSecretsAccess: PermissionGrantRule {
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
            it grants; list and watch ignore names). Severity: high for a ClusterRole (bound by a \
            ClusterRoleBinding it reaches the Secrets of every namespace), medium for a Role (one namespace); \
            a severity set for the rule in the policy applies to both. Kubernetes' own \
            roles (labelled kubernetes.io/bootstrapping=rbac-defaults, named as a default and granting no more than it) are skipped unless \
            includeSystem is true.
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
                kind: Role
                metadata: {name: "system:controller:token-cleaner", namespace: kube-system, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
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
                paths: ["rules[1]", "rules[2]"], severities: [.high, .high]),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: "system:custom"}
                rules:
                - {apiGroups: [""], resources: [secrets], verbs: ["*"]}
                """,
                parameters: "includeSystem: true",
                paths: ["rules[0]"], severities: [.high]),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: secret-reader, namespace: app}
                rules:
                - {apiGroups: [""], resources: [secrets], verbs: [get]}
                """,
                paths: ["rules[0]"], severities: [.medium]),
        ]
    )

    public static let permissions = [
        Permission(["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"], "secrets")
    ]

    /// A Role reaches one namespace's Secrets; a ClusterRole (the default severity) can reach them all.
    public static func severity(of object: KubeObject) -> Severity? { object.kind == "Role" ? .medium : nil }

    public static func reason(_ object: KubeObject) -> String { "\(object.kind) gives access to Secrets" }

    public let includeSystem: Bool

    public init(includeSystem: Bool) { self.includeSystem = includeSystem }
}

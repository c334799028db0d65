import KubeModel

/// rbac-escalate-bind-impersonate: the verbs that step around RBAC's own escalation check.
public struct RbacEscalateBindImpersonate: PermissionGrantRule {
    public static let description = RuleDescription(
        id: "rbac-escalate-bind-impersonate",
        title: "Escalate, bind or impersonate",
        category: .rbac,
        severity: .critical,
        action: .warn,
        scope: RoleChecks.roleKinds,
        profiles: [.aks],
        spec: """
            Fails for each rules[] entry of a Role or ClusterRole that grants `escalate` on roles or \
            clusterroles, `bind` on roles, clusterroles, rolebindings or clusterrolebindings (group \
            rbac.authorization.k8s.io), or `impersonate` on users, groups or serviceaccounts (core group) or \
            uids and userextras/* (authentication.k8s.io). Wildcards count: `*` verbs on `*` resources grants all \
            three. An entry limited by resourceNames still fails. Built-in roles are skipped unless includeSystem.
            Fields: rules[*].{verbs,apiGroups,resources}.
            """,
        rationale: """
            RBAC stops a user from granting permissions they do not hold, except to those with escalate or \
            bind; impersonate lets a user act as anyone, including system:masters members.
            """,
        remediation: "Remove escalate, bind and impersonate from the role; keep them to cluster administrators.",
        references: [
            .cis("5.1.8 [AKS 4.1.7] Limit use of the Bind, Impersonate and Escalate permissions"),
            .other("KSV043, KSV050, KSV051, KSV052, KSV055, CKV_K8S_157, CKV_K8S_158"),
        ],
        parameters: [RoleChecks.includeSystemParameter],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: rbac-viewer}
                rules:
                - {apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings], verbs: [get, list]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: rbac-manager}
                rules:
                - {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind, escalate]}
                - {apiGroups: [""], resources: [users, groups], verbs: [impersonate]}
                - {apiGroups: [""], resources: [pods], verbs: ["*"]}
                """,
                paths: ["rules[0]", "rules[1]"]),
        ]
    )

    static let rbacGroup = "rbac.authorization.k8s.io"
    public static let permissions = [
        Permission(["escalate"], "roles", group: rbacGroup), Permission(["escalate"], "clusterroles", group: rbacGroup),
        Permission(["bind"], "roles", group: rbacGroup), Permission(["bind"], "clusterroles", group: rbacGroup),
        Permission(["bind"], "rolebindings", group: rbacGroup),
        Permission(["bind"], "clusterrolebindings", group: rbacGroup),
        Permission(["impersonate"], "users"), Permission(["impersonate"], "groups"),
        Permission(["impersonate"], "serviceaccounts"),
        Permission(["impersonate"], "uids", group: "authentication.k8s.io"),
        Permission(["impersonate"], "userextras/scopes", group: "authentication.k8s.io"),
    ]

    public static func reason(_ object: KubeObject) -> String { "\(object.kind) can escalate its own permissions" }

    public let includeSystem: Bool

    public init(includeSystem: Bool) { self.includeSystem = includeSystem }
}

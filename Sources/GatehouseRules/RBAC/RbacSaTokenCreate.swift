import KubeModel

/// rbac-sa-token-create: Create service account tokens.
public struct RbacSaTokenCreate: PermissionGrantRule {
    public static let description = RuleDescription(
        id: "rbac-sa-token-create",
        title: "Create service account tokens",
        category: .rbac,
        severity: .medium,
        action: .audit,
        scope: RoleChecks.roleKinds,
        profiles: [.aks],
        spec: """
            Fails for each rules[] entry that grants create on serviceaccounts/token (core group), wildcards \
            included.
            Kubernetes' own roles (labelled kubernetes.io/bootstrapping=rbac-defaults, named as a default and granting no more than it) are \
            skipped unless includeSystem is true. Fields: rules[*].{verbs,apiGroups,resources}.
            """,
        rationale: """
            Creating a token for a service account is acting as it, with all of its permissions, for as long as \
            the token lives.
            """,
        remediation: "Grant serviceaccounts/token only to the components that mint tokens (e.g. the kubelet, CSI drivers).",
        references: [
            .cis("5.1.13 [AKS 4.1.12] Minimize access to the service account token creation"),
        ],
        parameters: [RoleChecks.includeSystemParameter],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: sa-viewer, namespace: app}
                rules:
                - {apiGroups: [""], resources: [serviceaccounts], verbs: [create, get]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: token-minter, namespace: app}
                rules:
                - {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}
                """,
                paths: ["rules[0]"]),
        ]
    )

    public static let permissions: [Permission] = [
        Permission(["create"], "serviceaccounts/token"),
    ]

    public static func reason(_ object: KubeObject) -> String { "\(object.kind) can mint service account tokens" }

    public let includeSystem: Bool

    public init(includeSystem: Bool) { self.includeSystem = includeSystem }
}

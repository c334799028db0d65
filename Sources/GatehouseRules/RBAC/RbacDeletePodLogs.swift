import KubeModel

/// rbac-delete-pod-logs: Delete pod logs.
public struct RbacDeletePodLogs: PermissionGrantRule {
    public static let description = RuleDescription(
        id: "rbac-delete-pod-logs",
        title: "Delete pod logs",
        category: .rbac,
        severity: .medium,
        action: .audit,
        scope: RoleChecks.roleKinds,
        profiles: [.aks],
        spec: """
            Fails for each rules[] entry that grants delete or deletecollection on pods/log (core group), \
            wildcards included.
            Kubernetes' own roles (labelled kubernetes.io/bootstrapping=rbac-defaults, named as a default and granting no more than it) are \
            skipped unless includeSystem is true. Fields: rules[*].{verbs,apiGroups,resources}.
            """,
        rationale: """
            Deleting logs removes the traces of what ran in a container.
            """,
        remediation: "Do not grant delete on pods/log.",
        references: [
            .other("KSV042"),
        ],
        parameters: [RoleChecks.includeSystemParameter],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: log-reader, namespace: app}
                rules:
                - {apiGroups: [""], resources: [pods/log], verbs: [get, list]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: log-cleaner, namespace: app}
                rules:
                - {apiGroups: [""], resources: [pods/log], verbs: [delete]}
                """,
                paths: ["rules[0]"]),
        ]
    )

    public static let permissions: [Permission] = [
        Permission(["delete", "deletecollection"], "pods/log"),
    ]

    public static func reason(_ object: KubeObject) -> String { "\(object.kind) can delete pod logs" }

    public let includeSystem: Bool

    public init(includeSystem: Bool) { self.includeSystem = includeSystem }
}

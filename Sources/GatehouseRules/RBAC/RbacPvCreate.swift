import KubeModel

/// rbac-pv-create: Create PersistentVolumes.
public struct RbacPvCreate: PermissionGrantRule {
    public static let description = RuleDescription(
        id: "rbac-pv-create",
        title: "Create PersistentVolumes",
        category: .rbac,
        severity: .medium,
        action: .audit,
        scope: .kinds(["ClusterRole"]),
        profiles: [.aks],
        spec: """
            Fails for each rules[] entry of a ClusterRole that grants create on persistentvolumes (core group), \
            wildcards included. Roles cannot grant a cluster-scoped resource and are not checked.
            Kubernetes' own roles (labelled kubernetes.io/bootstrapping=rbac-defaults, named as a default and granting no more than it) are \
            skipped unless includeSystem is true. Fields: rules[*].{verbs,apiGroups,resources}.
            """,
        rationale: """
            A PersistentVolume can point at a hostPath: whoever creates one and a claim mounts any node path.
            """,
        remediation: "Let a storage provisioner create volumes; people create PersistentVolumeClaims.",
        references: [
            .cis("5.1.9 [AKS 4.1.8] Minimize access to create persistent volumes"),
        ],
        parameters: [RoleChecks.includeSystemParameter],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: storage-viewer}
                rules:
                - {apiGroups: [""], resources: [persistentvolumes], verbs: [get, list]}
                - {apiGroups: [""], resources: [persistentvolumeclaims], verbs: [create]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: storage-admin}
                rules:
                - {apiGroups: [""], resources: [persistentvolumes], verbs: [create, delete]}
                """,
                paths: ["rules[0]"]),
        ]
    )

    public static let permissions: [Permission] = [
        Permission(["create"], "persistentvolumes"),
    ]

    public static func reason(_ object: KubeObject) -> String { "ClusterRole can create PersistentVolumes" }

    public let includeSystem: Bool

    public init(includeSystem: Bool) { self.includeSystem = includeSystem }
}

import KubeModel

/// rbac-manage-networking: Manage networking objects.
public struct RbacManageNetworking: PermissionGrantRule {
    public static let description = RuleDescription(
        id: "rbac-manage-networking",
        title: "Manage networking objects",
        category: .rbac,
        severity: .medium,
        action: .audit,
        scope: RoleChecks.roleKinds,
        profiles: [.aks],
        spec: """
            Fails for each rules[] entry that grants create, update, patch, delete or deletecollection on \
            services or endpoints (core), endpointslices (discovery.k8s.io), networkpolicies or ingresses \
            (networking.k8s.io, and ingresses in extensions), wildcards included.
            Kubernetes' own roles (labelled kubernetes.io/bootstrapping=rbac-defaults, named as a default and granting no more than it) are \
            skipped unless includeSystem is true. Fields: rules[*].{verbs,apiGroups,resources}.
            """,
        rationale: """
            Whoever edits Services, endpoints and policies can expose pods to the internet, open the network \
            isolation between namespaces, or redirect traffic (CVE-2020-8554, CVE-2021-25740).
            """,
        remediation: "Give network object management to deployment pipelines, not to people or workloads.",
        references: [
            .other("KSV056"),
        ],
        parameters: [RoleChecks.includeSystemParameter],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: net-viewer, namespace: app}
                rules:
                - {apiGroups: ["", networking.k8s.io], resources: [services, networkpolicies], verbs: [get, list, watch]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: net-admin, namespace: app}
                rules:
                - {apiGroups: [networking.k8s.io], resources: [networkpolicies], verbs: [delete]}
                - {apiGroups: [""], resources: [services], verbs: [get]}
                - {apiGroups: [""], resources: [endpoints], verbs: [patch]}
                """,
                paths: ["rules[0]", "rules[2]"]),
        ]
    )

    public static let permissions: [Permission] = [
        Permission(["create", "update", "patch", "delete", "deletecollection"], "services"),
        Permission(["create", "update", "patch", "delete", "deletecollection"], "endpoints"),
        Permission(["create", "update", "patch", "delete", "deletecollection"], "endpointslices", group: "discovery.k8s.io"),
        Permission(["create", "update", "patch", "delete", "deletecollection"], "networkpolicies", group: "networking.k8s.io"),
        Permission(["create", "update", "patch", "delete", "deletecollection"], "ingresses", group: "networking.k8s.io"),
        Permission(["create", "update", "patch", "delete", "deletecollection"], "ingresses", group: "extensions"),
    ]

    public static func reason(_ object: KubeObject) -> String { "\(object.kind) can change network exposure" }

    public let includeSystem: Bool

    public init(includeSystem: Bool) { self.includeSystem = includeSystem }
}

import KubeModel

/// rbac-create-workloads: roles that create or change pods and pod-running objects.
public struct RbacCreateWorkloads: PermissionGrantRule {
    public static let description = RuleDescription(
        id: "rbac-create-workloads",
        title: "Create or change pods and workloads",
        category: .rbac,
        severity: .medium,
        action: .audit,
        scope: RoleChecks.roleKinds,
        profiles: [.aks],
        spec: """
            Fails for each rules[] entry of a Role or ClusterRole that grants create, update or patch on pods, \
            replicationcontrollers or podtemplates (core), deployments, replicasets, statefulsets or daemonsets \
            (apps), jobs or cronjobs (batch), wildcards included. Built-in roles are skipped unless includeSystem.
            Fields: rules[*].{verbs,apiGroups,resources}.
            """,
        rationale: """
            Whoever creates a pod chooses its image, its service account and its volumes: the permission is \
            worth every secret and service account token of the namespace.
            """,
        remediation: "Limit workload creation to deployment pipelines and controllers; people get read access.",
        references: [
            .cis("5.1.4 [AKS 4.1.4] Minimize access to create pods"),
            .other("KSV048"),
        ],
        parameters: [RoleChecks.includeSystemParameter],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: viewer, namespace: app}
                rules:
                - {apiGroups: ["", apps], resources: [pods, deployments], verbs: [get, list, watch]}
                - {apiGroups: [""], resources: [pods/log], verbs: [get]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: deployer, namespace: app}
                rules:
                - {apiGroups: [apps], resources: [deployments], verbs: [get, patch]}
                - {apiGroups: [""], resources: [configmaps], verbs: [create]}
                - {apiGroups: [batch], resources: ["*"], verbs: [create]}
                """,
                paths: ["rules[0]", "rules[2]"]),
        ]
    )

    public static let permissions = WorkloadResources.all.map { Permission(["create", "update", "patch"], $0.resource, group: $0.group) }

    public static func reason(_ object: KubeObject) -> String { "\(object.kind) can create or change workloads" }

    public let includeSystem: Bool

    public init(includeSystem: Bool) { self.includeSystem = includeSystem }
}

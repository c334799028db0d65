import KubeModel

/// rbac-nodes-proxy: Access to nodes/proxy.
public struct RbacNodesProxy: PermissionGrantRule {
    public static let description = RuleDescription(
        id: "rbac-nodes-proxy",
        title: "Access to nodes/proxy",
        category: .rbac,
        severity: .high,
        action: .warn,
        scope: RoleChecks.roleKinds,
        profiles: [.aks],
        spec: """
            Fails for each rules[] entry of a Role or ClusterRole that grants get or create on nodes/proxy (core \
            group), wildcards included (`*` verbs, `*` resources, `*/proxy`).
            Kubernetes' own roles (labelled kubernetes.io/bootstrapping=rbac-defaults, named as a default and granting no more than it) are \
            skipped unless includeSystem is true. Fields: rules[*].{verbs,apiGroups,resources}.
            """,
        rationale: """
            nodes/proxy reaches the kubelet API, which runs commands in any pod of the node and is not recorded \
            in the API server's audit log as pod exec.
            """,
        remediation: "Remove nodes/proxy; monitoring agents can read metrics through nodes/metrics.",
        references: [
            .cis("5.1.10 [AKS 4.1.9] Minimize access to the proxy sub-resource of nodes"),
            .other("KSV047"),
        ],
        parameters: [RoleChecks.includeSystemParameter],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: metrics}
                rules:
                - {apiGroups: [""], resources: [nodes, nodes/metrics], verbs: [get, list]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: monitoring}
                rules:
                - {apiGroups: [""], resources: [nodes/proxy], verbs: [get]}
                - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
                """,
                paths: ["rules[0]", "rules[1]"]),
        ]
    )

    public static let permissions: [Permission] = [
        Permission(["get", "create"], "nodes/proxy"),
    ]

    public static func reason(_ object: KubeObject) -> String { "\(object.kind) can reach the kubelet API" }

    public let includeSystem: Bool

    public init(includeSystem: Bool) { self.includeSystem = includeSystem }
}

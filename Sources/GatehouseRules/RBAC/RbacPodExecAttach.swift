import KubeModel

/// rbac-pod-exec-attach: Exec or attach into pods.
public struct RbacPodExecAttach: Rule {
    public static let description = RuleDescription(
        id: "rbac-pod-exec-attach",
        title: "Exec or attach into pods",
        category: .rbac,
        severity: .high,
        action: .warn,
        scope: RoleChecks.roleKinds,
        profiles: [.aks],
        spec: """
            Fails for each rules[] entry of a Role or ClusterRole that grants create or get on pods/exec or \
            pods/attach (core group), wildcards included (`*`, `*/exec`). The entry `pods` alone does not \
            grant subresources, as in Kubernetes.
            Built-in roles (named system:* or labelled kubernetes.io/bootstrapping=rbac-defaults) are skipped \
            unless includeSystem is true. Fields: rules[*].{verbs,apiGroups,resources}.
            """,
        rationale: """
            Exec runs commands inside a running container with its service account token and mounted \
            secrets; attach reaches the container's stdin.
            """,
        remediation: "Grant exec and attach only for break-glass access, bound to named people for a limited time.",
        references: [
            .other("KSV053, KSV054, Polaris clusterrolePodExecAttach / rolePodExecAttach"),
        ],
        parameters: [RoleChecks.includeSystemParameter],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: debug, namespace: app}
                rules:
                - {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: debug, namespace: app}
                rules:
                - {apiGroups: [""], resources: [pods], verbs: [get]}
                - {apiGroups: [""], resources: [pods/exec], verbs: [create]}
                - {apiGroups: [""], resources: ["*/attach"], verbs: [get]}
                """,
                paths: ["rules[1]", "rules[2]"]),
        ]
    )

    static let permissions: [Permission] = [
        Permission(["create", "get"], "pods/exec"), Permission(["create", "get"], "pods/attach"),
    ]

    let includeSystem: Bool

    public init(parameters: RuleParameters) {
        includeSystem = parameters.bool("includeSystem", default: false)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        RoleChecks.reportGrants(
            object, &context, includeSystem: includeSystem, permissions: Self.permissions,
            reason: "\(object.kind) can run commands in pods")
    }
}

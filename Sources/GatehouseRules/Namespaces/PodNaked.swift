import KubeModel

/// pod-naked: Pods are created by a controller.
public struct PodNaked: Rule {
    public static let description = RuleDescription(
        id: "pod-naked",
        title: "Naked pods",
        category: .namespaces,
        severity: .low,
        action: .warn,
        scope: .podsOnly,
        profiles: [.aks],
        spec: """
            Fails for a Pod with no metadata.ownerReferences (absent or an empty list), as Azure's policy. Pod \
            templates are not checked (their pods get owners). Mirror pods of static pods are owned by their \
            Node and pass.
            Field: metadata.ownerReferences.
            """,
        rationale: """
            A pod without a controller is not rescheduled when its node fails, not rolled out when its spec \
            changes, and not counted by PodDisruptionBudgets: it silently disappears.
            """,
        remediation: "Run the pod through a Deployment, StatefulSet, DaemonSet or Job.",
        references: [
            .azurePolicy("Kubernetes cluster should not allow naked pods (65280eef, UNVERIFIED display name)"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-5d4f8-abcde
                  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d4f8, uid: 1f0e, controller: true}]
                spec:
                  containers:
                  - {name: app, image: nginx:1.27}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: debug, ownerReferences: []}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27}
                """,
                paths: ["metadata.ownerReferences"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        let owners = object.metadata?["ownerReferences"]
        guard (owners?.count ?? 0) == 0 else { return }
        context.report(
            "Pod \"\(object.name)\" has no owner (no controller recreates it)", path: "metadata.ownerReferences",
            at: owners ?? object.metadata ?? object.root)
    }
}

import KubeModel

/// pod-share-process-namespace: containers of a pod do not share one process namespace.
///
/// Not a Pod Security Standards control and not an Azure Policy definition: a check users of other
/// admission controllers expect (Kubewarden rejects it). Audit by default, since sidecars that signal or inspect the main process (debuggers,
/// log shippers reopening files) set it on purpose.
public struct PodShareProcessNamespace: Rule {
    public static let description = RuleDescription(
        id: "pod-share-process-namespace",
        title: "Shared process namespace",
        category: .podSecurity,
        severity: .medium,
        action: .audit,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            Fails when spec.shareProcessNamespace is true. Unset and false pass.
            Fields: spec.shareProcessNamespace.
            """,
        rationale: """
            With one process namespace every container of the pod sees the others' processes, can signal them \
            (with the right capabilities), and reads their environment and files through /proc/<pid>/root, so \
            a compromised sidecar reaches the main container's secrets, and the container runtime's pause \
            process is no longer PID 1 of each container.
            """,
        remediation: "Remove spec.shareProcessNamespace or set it to false; for one-off debugging use an ephemeral container (kubectl debug --target).",
        references: [
            .other("Kubernetes documentation: Share Process Namespace between Containers in a Pod (security considerations)"),
            .other("Kubewarden share-pid-namespace-policy"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  shareProcessNamespace: false
                  containers:
                  - {name: app, image: nginx:1.27}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      shareProcessNamespace: true
                      containers:
                      - {name: app, image: nginx:1.27}
                      - {name: shipper, image: fluent/fluent-bit:3.0}
                """,
                paths: ["spec.template.spec.shareProcessNamespace"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template,
            let flag = PodFields.bool(pod.spec, "shareProcessNamespace"), flag.value
        else { return }
        context.report(
            "pod must not set shareProcessNamespace=true", path: pod.path("shareProcessNamespace"), at: flag.node)
    }
}

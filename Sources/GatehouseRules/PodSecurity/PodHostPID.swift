import KubeModel

/// pod-host-pid: pods must not share the host PID namespace.
///
/// PSS check `hostNamespaces` (baseline, v1.0; logic in PodHostNetwork.swift, shared with pod-host-network
/// and pod-host-ipc). AKS and PSS agree: Azure's "should not share host process ID or host IPC
/// namespace" fails on hostPID: true. Under the `aks` profile Windows-nodeSelector pods are skipped, as Azure does.
public struct PodHostPID: Rule {
    public static let description = RuleDescription(
        id: "pod-host-pid",
        title: "Host PID namespace",
        category: .podSecurity,
        severity: .high,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssBaseline, .pssRestricted],
        spec: """
            Fails when spec.hostPID is true. Unset and false pass.
            PSS profiles: PSA check `hostNamespaces`. aks profile: the same field; Windows-nodeSelector pods skipped.
            """,
        rationale: """
            A container in the host PID namespace can see and signal every process on the node, read their environment and /proc entries, and attach debuggers to them.
            """,
        remediation: "Remove spec.hostPID or set it to false.",
        references: [
            .pss("hostNamespaces (baseline)"),
            .azurePolicy("Kubernetes cluster containers should not share host process ID or host IPC namespace (47a1ee2f)"),
            .defender("Containers sharing sensitive host namespaces should be avoided"),
            .cis("5.2.3 [AKS 4.2.2]"),
            .other("KSV010, Polaris hostPIDSet"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  hostPID: false
                  containers:
                  - {name: app, image: nginx:1.27}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: debug}
                spec:
                  schedule: "0 * * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          hostPID: true
                          containers:
                          - {name: tool, image: busybox:1.36}
                """,
                paths: ["spec.jobTemplate.spec.template.spec.hostPID"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.hostNamespaces], pod: pod) }
        if AzurePods.isWindows(pod) { return }
        PodHostNetwork.reportHostNamespace("hostPID", pod: pod, into: &context)
    }
}

import KubeModel

/// pod-host-ipc: pods must not share the host IPC namespace.
///
/// PSS check `hostNamespaces` (baseline, v1.0; logic in PodHostNetwork.swift, shared with pod-host-network
/// and pod-host-pid). AKS and PSS agree: Azure's "should not share host process ID or host IPC
/// namespace" fails on hostIPC: true. Under the `aks` profile Windows-nodeSelector pods are skipped, as Azure does.
public struct PodHostIPC: Rule {
    public static let description = RuleDescription(
        id: "pod-host-ipc",
        title: "Host IPC namespace",
        category: .podSecurity,
        severity: .high,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssBaseline, .pssRestricted],
        spec: """
            Fails when spec.hostIPC is true. Unset and false pass.
            PSS profiles: PSA check `hostNamespaces`. aks profile: the same field; Windows-nodeSelector pods skipped.
            """,
        rationale: """
            A container in the host IPC namespace can read and write the shared memory and message queues of every process on the node.
            """,
        remediation: "Remove spec.hostIPC or set it to false.",
        references: [
            .pss("hostNamespaces (baseline)"),
            .azurePolicy("Kubernetes cluster containers should not share host process ID or host IPC namespace (47a1ee2f)"),
            .defender("Containers sharing sensitive host namespaces should be avoided"),
            .cis("5.2.4 [AKS 4.2.3]"),
            .other("KSV008, Polaris hostIPCSet"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  hostIPC: false
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
                          hostIPC: true
                          containers:
                          - {name: tool, image: busybox:1.36}
                """,
                paths: ["spec.jobTemplate.spec.template.spec.hostIPC"]),
        ],
        docker: DockerView(
            .dockerContainer, controls: [CISDocker.hostIPC],
            spec: """
                Docker container: fails when HostConfig.IpcMode is `host` (`docker run --ipc host`), compared \
                exactly as the daemon does; `container:<id>` (another container's namespace) is not judged. \
                Same as docker-bench.
                """,
            remediation: "Run the container without --ipc host.",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /web
                    HostConfig: {IpcMode: private}
                    """, docker: .dockerContainer),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /debug
                    HostConfig: {IpcMode: host}
                    """, docker: .dockerContainer, paths: ["HostConfig.IpcMode"]),
            ])
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let container = DockerContainerView(object) {
            return container.reportHostMode("IpcMode", flag: "IPC", control: CISDocker.hostIPC, &context)
        }
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.hostNamespaces], pod: pod) }
        if AzurePods.isWindows(pod) { return }
        PodHostNetwork.reportHostNamespace("hostIPC", pod: pod, into: &context)
    }
}

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
        ],
        docker: DockerView(
            .dockerContainer, controls: [CISDocker.hostPID],
            spec: """
                Docker container: fails when HostConfig.PidMode is `host` (`docker run --pid host`), compared \
                exactly as the daemon does; `container:<id>` (another container's namespace) is not judged. \
                Same as docker-bench.
                """,
            remediation: "Run the container without --pid host.",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /web
                    HostConfig: {PidMode: ""}
                    """, docker: .dockerContainer),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /debug
                    HostConfig: {PidMode: host}
                    """, docker: .dockerContainer, paths: ["HostConfig.PidMode"]),
            ])
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let container = DockerContainerView(object) {
            return container.reportHostMode("PidMode", flag: "process", control: CISDocker.hostPID, &context)
        }
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.hostNamespaces], pod: pod) }
        if AzurePods.isWindows(pod) { return }
        PodHostNetwork.reportHostNamespace("hostPID", pod: pod, into: &context)
    }
}

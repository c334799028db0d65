import KubeModel

/// pod-readonly-rootfs: containers run with a read-only root filesystem.
public struct PodReadonlyRootfs: Rule {
    public static let description = RuleDescription(
        id: "pod-readonly-rootfs",
        title: "Read-only root filesystem",
        category: .podSecurity,
        severity: .medium,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            Fails for each container (initContainers, containers, ephemeralContainers, as Azure's v3 template) \
            whose securityContext.readOnlyRootFilesystem is not `true` (unset, false, or not a boolean).
            Windows pods are skipped (the field is Linux-only): `spec.os.name: windows` as PSA, or a nodeSelector \
            `kubernetes.io/os: windows` as Azure.
            Field: spec.*Containers[*].securityContext.readOnlyRootFilesystem.
            """,
        rationale: """
            A writable root filesystem lets an intruder drop tools and persist changes to binaries for the life \
            of the container; read-only forces writes into declared volumes.
            """,
        remediation: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the application writes.",
        references: [
            .azurePolicy("Kubernetes cluster containers should run with a read only root file system (df49d893)"),
            .defender("Immutable (read-only) root filesystem should be enforced for containers"),
            .other("KSV014, Polaris notReadOnlyRootFilesystem, kubeaudit ReadOnlyRootFilesystemFalse / Nil"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27, securityContext: {readOnlyRootFilesystem: true}}
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: win}
                spec:
                  nodeSelector: {kubernetes.io/os: windows}
                  containers:
                  - {name: app, image: mcr.microsoft.com/windows/servercore:ltsc2022}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      initContainers:
                      - {name: setup, image: busybox:1.36}
                      containers:
                      - {name: app, image: nginx:1.27, securityContext: {readOnlyRootFilesystem: false}}
                      - {name: ok, image: envoy:1.30, securityContext: {readOnlyRootFilesystem: true}}
                      - {name: str, image: envoy:1.30, securityContext: {readOnlyRootFilesystem: "true"}}
                """,
                paths: [
                    "spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem",
                    "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
                    "spec.template.spec.containers[2].securityContext.readOnlyRootFilesystem",
                ]),
        ],
        docker: DockerView(
            .dockerContainer, controls: [CISDocker.readOnlyRootfs],
            spec: """
                Docker container: fails when HostConfig.ReadonlyRootfs is not true (false or absent); \
                `docker run --read-only` passes. Same as docker-bench.
                """,
            remediation: "Run the container with --read-only, and --tmpfs /tmp (or a volume) where it must write.",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /web
                    HostConfig: {ReadonlyRootfs: true, Tmpfs: {/tmp: ""}}
                    """, docker: .dockerContainer),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /writable
                    HostConfig: {ReadonlyRootfs: false}
                    """, docker: .dockerContainer, paths: ["HostConfig.ReadonlyRootfs"]),
            ]),
        fix: .setting(
            "securityContext.readOnlyRootFilesystem", to: .bool(true),
            summary: "sets securityContext.readOnlyRootFilesystem to true (mount an emptyDir where the app writes)")
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let container = DockerContainerView(object) { return checkDocker(container, &context) }
        guard let template = context.template, !template.isWindowsByOS, !template.isWindowsByNodeSelector else {
            return
        }
        for container in template.containers {
            let value = container.securityContext?["readOnlyRootFilesystem"]
            guard value?.isTrue != true else { continue }
            context.report(
                "container \"\(container.name)\" does not set securityContext.readOnlyRootFilesystem=true",
                path: container.path("securityContext.readOnlyRootFilesystem"),
                at: value ?? container.securityContext ?? container.value, container: container)
        }
    }

    private func checkDocker(_ container: DockerContainerView, _ context: inout CheckContext) {
        let flag = container.hostConfig("ReadonlyRootfs")
        guard flag?.isTrue != true else { return }
        context.report(
            "container \(container.label) has a writable root filesystem (HostConfig.ReadonlyRootfs is not true)",
            control: CISDocker.readOnlyRootfs, path: "HostConfig.ReadonlyRootfs", at: flag ?? container.hostConfig)
    }
}

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
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
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
}

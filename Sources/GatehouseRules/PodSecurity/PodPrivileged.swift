import KubeModel

/// pod-privileged: no container may run privileged.
///
/// PSS check `privileged` (baseline, v1.0, unchanged since). AKS and PSS agree on the field; the only
/// difference is that under the `aks` profile pods with a Windows nodeSelector are skipped, as Azure's
/// template does, while PSS checks every pod (a privileged flag on a Windows pod is rejected by the API
/// server anyway, so the verdicts only differ on manifests that never run).
public struct PodPrivileged: Rule {
    public static let description = RuleDescription(
        id: "pod-privileged",
        title: "Privileged containers",
        category: .podSecurity,
        severity: .high,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssBaseline, .pssRestricted],
        spec: """
            Fails when any container (initContainers, containers, ephemeralContainers) sets \
            securityContext.privileged to true. Unset and false pass.
            Fields: spec.{initContainers,containers,ephemeralContainers}[*].securityContext.privileged.
            PSS profiles: PSA check `privileged`, every pod including Windows ones. aks profile: pods with \
            nodeSelector kubernetes.io/os=windows are skipped, as Azure Policy does.
            """,
        rationale: """
            A privileged container has every capability and all host devices: a process in it can load kernel \
            modules, read host memory and escape to the node.
            """,
        remediation: "Remove securityContext.privileged or set it to false; grant only the capabilities the workload needs.",
        references: [
            .pss("privileged (baseline)"),
            .azurePolicy("Kubernetes cluster should not allow privileged containers (95edb821)"),
            .defender("Privileged containers should be avoided; alert K8S_PrivilegedContainer"),
            .cis("5.2.2 [AKS 4.2.1]"),
            .other("KSV017, CKV_K8S_16, Polaris runAsPrivileged, kubeaudit PrivilegedTrue"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - name: app
                    image: nginx:1.27
                    securityContext: {privileged: false}
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
                      - {name: setup, image: busybox:1.36, securityContext: {privileged: true}}
                      containers:
                      - {name: app, image: nginx:1.27}
                      - {name: agent, image: agent:2, securityContext: {privileged: true}}
                """,
                paths: [
                    "spec.template.spec.initContainers[0].securityContext.privileged",
                    "spec.template.spec.containers[1].securityContext.privileged",
                ]),
        ],
        docker: DockerView(
            .dockerContainer, controls: [CISDocker.privileged],
            spec: """
                Docker container: fails when HostConfig.Privileged is true (`docker run --privileged`), whether the \
                container runs or was only created.
                """,
            remediation: "Run the container without --privileged; add only the capabilities it needs with --cap-add.",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /web
                    Config: {Image: "nginx:1.27"}
                    HostConfig: {Privileged: false}
                    """, docker: .dockerContainer),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /agent
                    Config: {Image: "agent:2"}
                    HostConfig: {Privileged: true}
                    """, docker: .dockerContainer, paths: ["HostConfig.Privileged"]),
            ]),
        fix: .setting("securityContext.privileged", to: .bool(false), summary: "sets securityContext.privileged to false")
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let container = DockerContainerView(object) { return checkDocker(container, &context) }
        guard let template = context.template else { return }
        if context.pss != nil { return context.reportPSS([.privileged], pod: template) }
        if AzurePods.isWindows(template) { return }
        for container in template.containers {
            guard let privileged = container.securityContext?["privileged"], privileged.isTrue else { continue }
            context.report(
                "container \"\(container.name)\" must not set securityContext.privileged=true",
                path: container.path("securityContext.privileged"), at: privileged, container: container)
        }
    }

    private func checkDocker(_ container: DockerContainerView, _ context: inout CheckContext) {
        guard let privileged = container.hostConfig("Privileged"), privileged.isTrue else { return }
        context.report(
            "container \(container.label) must not run privileged (HostConfig.Privileged=true)",
            control: CISDocker.privileged, path: "HostConfig.Privileged", at: privileged)
    }

    /// PSA `privileged` v1.0: containers that set securityContext.privileged=true.
    static func privileged_1_0(_ pod: PodTemplate) -> PSSViolation? {
        var names: [String] = []
        var spots: [PSSSpot] = []
        for container in pod.containers {
            guard let flag = PodFields.bool(container.securityContext, "privileged"), flag.value else { continue }
            names.append(container.name)
            spots.append(
                PSSSpot(
                    "container \"\(container.name)\" must not set securityContext.privileged=true",
                    path: container.path("securityContext.privileged"), at: flag.node, container: container))
        }
        guard !names.isEmpty else { return nil }
        return PSSViolation(
            reason: "privileged",
            detail: "\(PSSText.containers(names)) must not set securityContext.privileged=true", spots: spots)
    }
}

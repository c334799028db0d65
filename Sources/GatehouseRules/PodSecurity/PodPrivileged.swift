import KubeModel

/// pod-privileged: no container may run privileged.
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
            securityContext.privileged to true. Unset and false pass. Windows pods are checked too, as PSA does.
            Fields: spec.{initContainers,containers,ephemeralContainers}[*].securityContext.privileged.
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
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template else { return }
        for container in template.containers {
            guard let privileged = container.securityContext?["privileged"], privileged.isTrue else { continue }
            context.report(
                "container \"\(container.name)\" must not set securityContext.privileged=true",
                path: container.path("securityContext.privileged"), at: privileged, container: container)
        }
    }
}

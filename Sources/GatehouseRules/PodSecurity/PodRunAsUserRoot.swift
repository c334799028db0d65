import KubeModel

/// pod-run-as-user-root: no pod or container sets runAsUser: 0.
///
/// PSS check `runAsUser` (restricted, v1.23; from v1.35 pods with `hostUsers: false` pass). AKS vs PSS: PSA
/// fails an explicit `runAsUser: 0` wherever it is written, even at pod level when every container overrides
/// it; Azure's users-and-groups template judges the effective value per container (container, else pod). The
/// `aks` profile follows Azure (what actually runs); the PSS profiles follow PSA.
public struct PodRunAsUserRoot: Rule {
    public static let description = RuleDescription(
        id: "pod-run-as-user-root",
        title: "runAsUser 0",
        category: .podSecurity,
        severity: .high,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssRestricted],
        spec: """
            PSS profiles: PSA check `runAsUser` from v1.23 (restricted): fails when the pod or any container \
            (init, regular, ephemeral) sets securityContext.runAsUser: 0; unset passes. From v1.35, pods with \
            spec.hostUsers: false pass.
            aks profile: fails for each container whose effective runAsUser (container, else pod) is 0; \
            Windows-nodeSelector pods skipped.
            """,
        rationale: "UID 0 in the container is UID 0 on the node unless the pod runs in a user namespace.",
        remediation: "Set runAsUser to a non-zero UID (and runAsNonRoot: true), or remove runAsUser: 0.",
        references: [
            .pss("runAsUser (restricted)"),
            .azurePolicy("Kubernetes cluster pods and containers should only run with approved user and group IDs (f06ddb64)"),
            .defender("Running containers as root user should be avoided"),
            .cis("5.2.7"),
            .other("KSV105, kubeaudit RunAsUserCSCRoot, RunAsUserPSCRoot"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  securityContext: {runAsUser: 1000}
                  containers:
                  - {name: app, image: nginx:1.27}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db}
                spec:
                  template:
                    spec:
                      securityContext: {runAsUser: 0}
                      containers:
                      - {name: db, image: postgres:17}
                      - {name: exporter, image: exporter:1, securityContext: {runAsUser: 65534}}
                """,
                paths: ["spec.template.spec.securityContext.runAsUser"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.runAsUser], pod: pod) }
        if AzurePods.isWindows(pod) { return }
        var reportedPod = false
        for container in pod.containers {
            let own = container.securityContext?["runAsUser"]
            let node = own?.int != nil ? own : pod.securityContext?["runAsUser"]
            guard let node, node.int == 0 else { continue }
            if own?.int == nil {
                // Several containers inheriting the pod's value share one field: report it once.
                if reportedPod { continue }
                reportedPod = true
            }
            context.report(
                own?.int == nil
                    ? "pod sets runAsUser=0 and container \"\(container.name)\" does not override it"
                    : "container \"\(container.name)\" must not set runAsUser=0",
                path: Self.userPath(container, pod, node), at: node, container: own?.int == nil ? nil : container)
        }
    }

    /// The path of the runAsUser field a container's effective value comes from.
    static func userPath(_ container: Container, _ pod: PodTemplate, _ node: Value?) -> String {
        container.securityContext?["runAsUser"]?.int != nil
            ? container.path("securityContext.runAsUser") : pod.path("securityContext.runAsUser")
    }

    /// PSA `runAsUser` v1.35: pods with hostUsers: false allowed.
    static func runAsUser_1_35(_ pod: PodTemplate) -> PSSViolation? {
        pod.usesUserNamespace ? nil : runAsUser_1_23(pod)
    }

    /// PSA `runAsUser` v1.23.
    static func runAsUser_1_23(_ pod: PodTemplate) -> PSSViolation? {
        var badSetters: [String] = []
        var spots: [PSSSpot] = []
        if let node = pod.securityContext?["runAsUser"], node.int == 0 {
            badSetters.append("pod")
            spots.append(PSSSpot("pod must not set runAsUser=0", path: pod.path("securityContext.runAsUser"), at: node))
        }
        var bad: [String] = []
        for container in pod.containers {
            guard let node = container.securityContext?["runAsUser"], node.int == 0 else { continue }
            bad.append(container.name)
            spots.append(
                PSSSpot(
                    "container \"\(container.name)\" must not set runAsUser=0", path: container.path("securityContext.runAsUser"),
                    at: node, container: container))
        }
        if !bad.isEmpty { badSetters.append(PSSText.containers(bad)) }
        guard !badSetters.isEmpty else { return nil }
        return PSSViolation(
            reason: "runAsUser=0", detail: "\(badSetters.joined(separator: " and ")) must not set runAsUser=0", spots: spots)
    }
}

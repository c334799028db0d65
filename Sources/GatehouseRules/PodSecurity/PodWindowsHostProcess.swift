import KubeModel

/// pod-windows-hostprocess: no Windows HostProcess containers.
///
/// PSS check `windowsHostProcess` (baseline, v1.0; applies to every pod, whatever its OS). AKS and PSS agree:
/// Azure's "Windows pods should not run HostProcess containers" fails on the same flag, at pod or container
/// level. No Windows skip here, under either profile: the rule is about Windows pods.
public struct PodWindowsHostProcess: Rule {
    public static let description = RuleDescription(
        id: "pod-windows-hostprocess",
        title: "Windows HostProcess",
        category: .podSecurity,
        severity: .high,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssBaseline, .pssRestricted],
        spec: """
            Fails when spec.securityContext.windowsOptions.hostProcess or a container's (init, regular, \
            ephemeral) securityContext.windowsOptions.hostProcess is true.
            PSS profiles: PSA check `windowsHostProcess`. aks profile: the same.
            """,
        rationale: "A HostProcess container runs directly on the Windows node with the node's network and filesystem, as a host administrator can.",
        remediation: "Remove windowsOptions.hostProcess; run node-level tooling through a reviewed, exempted DaemonSet if needed.",
        references: [
            .pss("windowsHostProcess (baseline)"),
            .azurePolicy("Kubernetes cluster Windows pods should not run HostProcess containers (077f0ce1)"),
            .cis("5.2.11"),
            .other("KSV103, Polaris hostProcess"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: iis}
                spec:
                  os: {name: windows}
                  containers:
                  - {name: iis, image: mcr.microsoft.com/windows/servercore/iis, securityContext: {windowsOptions: {hostProcess: false}}}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: win-agent}
                spec:
                  template:
                    spec:
                      os: {name: windows}
                      hostNetwork: true
                      securityContext: {windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\\\SYSTEM"}}
                      containers:
                      - {name: agent, image: agent:2, securityContext: {windowsOptions: {hostProcess: true}}}
                """,
                paths: [
                    "spec.template.spec.securityContext.windowsOptions.hostProcess",
                    "spec.template.spec.containers[0].securityContext.windowsOptions.hostProcess",
                ]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.windowsHostProcess], pod: pod) }
        for spot in Self.windowsHostProcess_1_0(pod)?.spots ?? [] {
            context.report(spot.message, path: spot.path, at: spot.value, container: spot.container)
        }
    }

    /// PSA `windowsHostProcess` v1.0.
    static func windowsHostProcess_1_0(_ pod: PodTemplate) -> PSSViolation? {
        var spots: [PSSSpot] = []
        var podSet = false
        if let flag = PodFields.bool(PodFields.object(pod.securityContext, "windowsOptions"), "hostProcess"), flag.value {
            podSet = true
            spots.append(
                PSSSpot(
                    "pod must not set securityContext.windowsOptions.hostProcess=true",
                    path: pod.path("securityContext.windowsOptions.hostProcess"), at: flag.node))
        }
        var bad: [String] = []
        for container in pod.containers {
            guard let flag = PodFields.bool(PodFields.object(container.securityContext, "windowsOptions"), "hostProcess"),
                flag.value
            else { continue }
            bad.append(container.name)
            spots.append(
                PSSSpot(
                    "container \"\(container.name)\" must not set securityContext.windowsOptions.hostProcess=true",
                    path: container.path("securityContext.windowsOptions.hostProcess"), at: flag.node, container: container))
        }
        let who: String
        switch (podSet, bad.isEmpty) {
        case (false, true): return nil
        case (true, true): who = "pod"
        case (false, false): who = PSSText.containers(bad)
        case (true, false): who = "pod and \(PSSText.containers(bad))"
        }
        return PSSViolation(
            reason: "hostProcess", detail: "\(who) must not set securityContext.windowsOptions.hostProcess=true", spots: spots)
    }
}

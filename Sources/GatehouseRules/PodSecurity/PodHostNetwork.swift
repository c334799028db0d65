import KubeModel

/// pod-host-network: pods must not use the node's network namespace.
///
/// PSS check `hostNamespaces` (baseline, v1.0), which this file implements for all three host namespace
/// rules (pod-host-network, pod-host-pid, pod-host-ipc): each rule reports its own field, all tagged with
/// the one PSA check id. AKS vs PSS: Azure's "approved host network and port list" policy has an
/// `allowHostNetwork` switch; under the `aks` profile this rule honours it (default false, so the verdict
/// is the same as PSS unless a team opts in) and skips Windows-nodeSelector pods as Azure does. Under the
/// PSS profiles the parameter is ignored: PSA has no such switch.
public struct PodHostNetwork: Rule {
    public static let description = RuleDescription(
        id: "pod-host-network",
        title: "Host network",
        category: .podSecurity,
        severity: .high,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssBaseline, .pssRestricted],
        spec: """
            Fails when spec.hostNetwork is true. Unset and false pass.
            PSS profiles: PSA check `hostNamespaces` (with hostPID and hostIPC, reported by pod-host-pid and \
            pod-host-ipc). aks profile: passes when allowHostNetwork is true; Windows-nodeSelector pods skipped.
            """,
        rationale: """
            A pod on the host network sees every interface of the node, can bind its ports, reach services \
            bound to localhost and sniff traffic, bypassing network policies.
            """,
        remediation: "Remove spec.hostNetwork (or set it to false) and expose the workload through a Service.",
        references: [
            .pss("hostNamespaces (baseline)"),
            .azurePolicy("Kubernetes cluster containers should only use allowed host network and port list (82985f06)"),
            .defender("Usage of host networking and ports should be restricted"),
            .cis("5.2.5 [AKS 4.2.4]"),
            .other("KSV009, Polaris hostNetworkSet"),
        ],
        parameters: [
            ParameterSpec("allowHostNetwork", .bool, default: "false", "aks profile only: allow hostNetwork: true.")
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  hostNetwork: false
                  containers:
                  - {name: app, image: nginx:1.27}
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: node-agent}
                spec:
                  hostNetwork: true
                  containers:
                  - {name: agent, image: agent:2}
                """, parameters: "allowHostNetwork: true"),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent}
                spec:
                  template:
                    spec:
                      hostNetwork: true
                      containers:
                      - {name: agent, image: agent:2}
                """,
                paths: ["spec.template.spec.hostNetwork"]),
        ],
        docker: DockerView(
            .dockerContainer, controls: [CISDocker.hostNetwork],
            spec: """
                Docker container: fails when HostConfig.NetworkMode is `host` (`docker run --network host`), \
                compared exactly as the daemon does. `allowHostNetwork` applies to pods only. Same as docker-bench.
                """,
            remediation: "Run the container without --network host; publish the ports it serves with -p.",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /web
                    HostConfig: {NetworkMode: bridge}
                    """, docker: .dockerContainer),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /agent
                    HostConfig: {NetworkMode: host}
                    """, docker: .dockerContainer, paths: ["HostConfig.NetworkMode"]),
            ])
    )

    let allowHostNetwork: Bool

    public init(parameters: RuleParameters) {
        allowHostNetwork = parameters.bool("allowHostNetwork", default: false)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let container = DockerContainerView(object) {
            return container.reportHostMode("NetworkMode", flag: "network", control: CISDocker.hostNetwork, &context)
        }
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.hostNamespaces], pod: pod) }
        if allowHostNetwork || AzurePods.isWindows(pod) { return }
        Self.reportHostNamespace("hostNetwork", pod: pod, into: &context)
    }

    /// Reports `spec.<field>: true` (Azure semantics for the three host namespace rules).
    static func reportHostNamespace(_ field: String, pod: PodTemplate, into context: inout CheckContext) {
        guard let flag = PodFields.bool(pod.spec, field), flag.value else { return }
        context.report("pod must not set \(field)=true", path: pod.path(field), at: flag.node)
    }

    /// PSA `hostNamespaces` v1.0: hostNetwork, hostPID, hostIPC, in that order.
    static func hostNamespaces_1_0(_ pod: PodTemplate) -> PSSViolation? {
        let fields = [("hostNetwork", "pod-host-network"), ("hostPID", "pod-host-pid"), ("hostIPC", "pod-host-ipc")]
        var set: [String] = []
        var spots: [PSSSpot] = []
        for (field, rule) in fields {
            guard let flag = PodFields.bool(pod.spec, field), flag.value else { continue }
            set.append("\(field)=true")
            spots.append(PSSSpot("pod must not set \(field)=true", path: pod.path(field), at: flag.node, ruleID: rule))
        }
        guard !set.isEmpty else { return nil }
        return PSSViolation(reason: "host namespaces", detail: set.joined(separator: ", "), spots: spots)
    }
}

import KubeModel

/// pod-probe-host: probes and lifecycle handlers must not target another host.
///
/// PSS check `hostProbesAndHostLifecycle` (baseline, from v1.34; earlier versions do not have it). Azure
/// Policy has no equivalent, so the rule is not in the `aks` profile; when enabled outside a PSS profile it
/// applies the same logic. The kubelet sends these requests from the node, so a `host` lets a pod author
/// make the node probe arbitrary addresses (a server-side request forgery through the kubelet).
public struct PodProbeHost: Rule {
    static let probes = ["livenessProbe", "readinessProbe", "startupProbe"]
    static let handlers = ["postStart", "preStop"]
    /// The handlers' field paths below a container, and the action kinds that take a host, made once: the
    /// walk below runs for every container of every object.
    static let lifecycleHandlers = handlers.map { "lifecycle.\($0)" }
    static let hostActions = ["httpGet", "tcpSocket"]

    public static let description = RuleDescription(
        id: "pod-probe-host",
        title: "Probe or lifecycle host set",
        category: .podSecurity,
        severity: .medium,
        action: .warn,
        scope: .podSpec,
        profiles: [.pssBaseline, .pssRestricted],
        spec: """
            Fails when a container (init, regular, ephemeral) sets a non-empty host in \
            {livenessProbe,readinessProbe,startupProbe}.{httpGet,tcpSocket}.host or \
            lifecycle.{postStart,preStop}.{httpGet,tcpSocket}.host.
            PSS profiles: PSA check `hostProbesAndHostLifecycle`, from v1.34 only (older versions allow it).
            """,
        rationale: "The kubelet runs probes and hooks from the node; a host field turns them into requests from the node to any address the pod author picks.",
        remediation: "Remove the host field: probes and hooks then target the pod's own IP.",
        references: [
            .pss("hostProbesAndHostLifecycle (baseline, v1.34+)"),
            .other("Kubernetes 1.34 Pod Security Standards baseline"),
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
                    livenessProbe: {httpGet: {path: /healthz, port: 8080}}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - name: app
                    image: nginx:1.27
                    readinessProbe: {tcpSocket: {host: 10.0.0.1, port: 6443}}
                    lifecycle: {preStop: {httpGet: {host: metadata.internal, path: /, port: 80}}}
                """,
                paths: [
                    "spec.containers[0].readinessProbe.tcpSocket.host",
                    "spec.containers[0].lifecycle.preStop.httpGet.host",
                ]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.hostProbesAndHostLifecycle], pod: pod) }
        for use in Self.hosts(pod) {
            context.report(
                "container \"\(use.container.name)\" must not set a probe or lifecycle host (\"\(use.host)\")",
                path: use.path, at: use.node, container: use.container)
        }
    }

    static func hosts(_ pod: PodTemplate) -> [(container: Container, host: String, path: String, node: Value)] {
        var result: [(Container, String, String, Value)] = []
        for container in pod.containers {
            func visit(_ name: String, _ handler: Value?) {
                guard let handler else { return }
                for kind in hostActions {
                    guard let action = PodFields.object(handler, kind), let node = action["host"] else { continue }
                    let host = node.string ?? ""
                    guard !host.isEmpty else { continue }
                    result.append((container, host, container.path("\(name).\(kind).host"), node))
                }
            }
            for probe in probes { visit(probe, PodFields.object(container.value, probe)) }
            let lifecycle = PodFields.object(container.value, "lifecycle")
            for (i, handler) in handlers.enumerated() { visit(lifecycleHandlers[i], PodFields.object(lifecycle, handler)) }
        }
        return result
    }

    /// PSA `hostProbesAndHostLifecycle` v1.34.
    static func hostProbesAndHostLifecycle_1_34(_ pod: PodTemplate) -> PSSViolation? {
        let uses = hosts(pod)
        guard !uses.isEmpty else { return nil }
        let names = PSSText.sortedSet(uses.map(\.container.name))
        let hosts = PSSText.sortedSet(uses.map(\.host))
        let detail = [
            PSSText.containers(names), PSSText.pluralize("uses", "use", names.count),
            PSSText.pluralize("probe or lifecycle host", "probe or lifecycle hosts", hosts.count), PSSText.joinQuote(hosts),
        ].joined(separator: " ")
        return PSSViolation(
            reason: "probe or lifecycle host", detail: detail,
            spots: uses.map {
                PSSSpot(
                    "container \"\($0.container.name)\" must not set probe or lifecycle host \"\($0.host)\"", path: $0.path,
                    at: $0.node, container: $0.container)
            })
    }
}

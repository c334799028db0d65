import KubeModel

/// pod-host-ports: containers must not bind ports on the node.
///
/// PSS check `hostPorts` (baseline, v1.0): any `ports[*].hostPort` other than 0 fails. On a Pod with
/// `hostNetwork: true` the API server sets each unset hostPort to the containerPort before admission, so PSA
/// names `hostPorts` for those too; the PSS profiles reproduce that. AKS vs PSS: Azure's
/// "approved host network and port list" policy takes `allowedHostPorts`, a list of ports and `a-b` ranges
/// that are allowed. Under the `aks` profile this rule honours that list (default empty: the same verdict as
/// PSS) and skips Windows-nodeSelector pods; under the PSS profiles the list is ignored, as PSA has none.
public struct PodHostPorts: Rule {
    public static let description = RuleDescription(
        id: "pod-host-ports",
        title: "Host ports",
        category: .podSecurity,
        severity: .medium,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssBaseline, .pssRestricted],
        spec: """
            Fails when a container (init, regular, ephemeral) declares ports[*].hostPort other than 0.
            PSS profiles: PSA check `hostPorts`, every non-zero hostPort fails. aks profile: a hostPort listed \
            in allowedHostPorts (a port such as "80", or an inclusive range such as "3000-5000") passes; \
            Windows-nodeSelector pods are skipped. PSS profiles also count containerPorts of Pods with \
            hostNetwork: true, which the API server copies to hostPort before admission.
            """,
        rationale: """
            A host port ties the pod to one node's address, bypasses network policy on some CNIs and exposes \
            the workload outside the cluster's service model.
            """,
        remediation: "Remove hostPort and expose the container through a Service (NodePort or LoadBalancer if it must be reachable from outside).",
        references: [
            .pss("hostPorts (baseline)"),
            .azurePolicy("Kubernetes cluster containers should only use allowed host network and port list (82985f06)"),
            .defender("Usage of host networking and ports should be restricted"),
            .cis("5.2.13"),
            .other("KSV024, CKV_K8S_26, Polaris hostPortSet"),
        ],
        parameters: [
            ParameterSpec(
                "allowedHostPorts", .stringList, default: "[]",
                "aks profile only: host ports allowed, each a port (\"80\") or an inclusive range (\"3000-5000\").")
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
                    ports: [{containerPort: 80}, {containerPort: 443, hostPort: 0}]
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: ingress}
                spec:
                  containers:
                  - name: app
                    image: nginx:1.27
                    ports: [{containerPort: 80, hostPort: 80}, {containerPort: 4000, hostPort: 4000}]
                """, parameters: "allowedHostPorts: [\"80\", \"3000-5000\"]"),
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
                      containers:
                      - name: app
                        image: nginx:1.27
                        ports: [{containerPort: 80, hostPort: 80}, {containerPort: 8443, hostPort: 8443}]
                """,
                parameters: "allowedHostPorts: [\"80\"]",
                paths: ["spec.template.spec.containers[0].ports[1].hostPort"]),
        ]
    )

    let allowed: [ClosedRange<Int>]

    public init(parameters: RuleParameters) throws {
        var ranges: [ClosedRange<Int>] = []
        for entry in parameters.strings("allowedHostPorts", default: []) {
            guard let range = Self.parseRange(entry) else {
                throw ParameterError(
                    parameter: "allowedHostPorts", position: parameters.value("allowedHostPorts")?.position ?? .unknown,
                    message: "\"\(entry)\" is not a port (\"80\") or a range of ports (\"3000-5000\")")
            }
            ranges.append(range)
        }
        allowed = ranges
    }

    static func parseRange(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map {
            Int(String($0.filter { $0 != " " }))
        }
        switch parts.count {
        case 1: if let p = parts[0] { return p...p }
        case 2: if let a = parts[0], let b = parts[1], a <= b { return a...b }
        default: break
        }
        return nil
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.hostPorts], pod: pod) }
        if AzurePods.isWindows(pod) { return }
        for use in Self.hostPorts(pod) where !allowed.contains(where: { $0.contains(use.port) }) {
            context.report(
                "container \"\(use.container.name)\" uses hostPort \(use.port), which is not in allowedHostPorts",
                path: use.path, at: use.node, container: use.container)
        }
    }

    /// Every non-zero hostPort, container by container.
    static func hostPorts(_ pod: PodTemplate) -> [(container: Container, port: Int, path: String, node: Value)] {
        var result: [(Container, Int, String, Value)] = []
        for container in pod.containers {
            guard let ports = container.value["ports"], ports.isSequence else { continue }
            for (i, port) in ports.items.enumerated() {
                guard let node = port["hostPort"], let number = node.int, number != 0 else { continue }
                result.append((container, number, container.path("ports[\(i)].hostPort"), node))
            }
        }
        return result
    }

    /// Ports the API server turns into host ports before admission: on a Pod with hostNetwork: true, every
    /// port of a container or init container with no hostPort gets hostPort = containerPort
    /// (`SetDefaults_PodSpec`). Pod templates are no longer defaulted this way, so only Pods count.
    static func defaultedHostPorts(_ pod: PodTemplate) -> [(container: Container, port: Int, path: String, node: Value)] {
        guard pod.isPod, pod.spec["hostNetwork"]?.isTrue == true else { return [] }
        var result: [(Container, Int, String, Value)] = []
        for container in pod.containers where container.list != .ephemeralContainers {
            guard let ports = container.value["ports"], ports.isSequence else { continue }
            for (i, port) in ports.items.enumerated() where (port["hostPort"]?.int ?? 0) == 0 {
                guard let node = port["containerPort"], let number = node.int, number != 0 else { continue }
                result.append((container, number, container.path("ports[\(i)].containerPort"), node))
            }
        }
        return result
    }

    /// The walker's order: init, regular, ephemeral containers.
    static func order(_ container: Container) -> Int {
        Container.List.allCases.firstIndex(of: container.list) ?? 0
    }

    /// PSA `hostPorts` v1.0, on the pod as PSA sees it after the API server's defaulting.
    static func hostPorts_1_0(_ pod: PodTemplate) -> PSSViolation? {
        let defaulted = Set(defaultedHostPorts(pod).map(\.path))
        let uses = (hostPorts(pod) + defaultedHostPorts(pod)).sorted { a, b in
            (order(a.container), a.container.index, a.path) < (order(b.container), b.container.index, b.path)
        }
        guard !uses.isEmpty else { return nil }
        var names: [String] = []
        var lastPath = ""
        for use in uses where use.container.path != lastPath {
            names.append(use.container.name)
            lastPath = use.container.path
        }
        let ports = PSSText.sortedSet(uses.map { String($0.port) })
        let detail = [
            PSSText.containers(names), PSSText.pluralize("uses", "use", names.count),
            PSSText.pluralize("hostPort", "hostPorts", ports.count), ports.joined(separator: ", "),
        ].joined(separator: " ")
        let spots = uses.map {
            PSSSpot(
                defaulted.contains($0.path)
                    ? "container \"\($0.container.name)\" must not use hostPort \($0.port) (a host-network pod's containerPort is also its hostPort)"
                    : "container \"\($0.container.name)\" must not use hostPort \($0.port)",
                path: $0.path, at: $0.node, container: $0.container)
        }
        return PSSViolation(reason: "hostPort", detail: detail, spots: spots)
    }
}

import KubeModel

/// resources-limits: every container sets CPU and memory limits, within the configured maxima.
public struct ResourcesLimits: Rule {
    public static let description = RuleDescription(
        id: "resources-limits",
        title: "CPU and memory limits set and bounded",
        category: .resources,
        severity: .medium,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            Fails, for each container in containers and initContainers, when resources.limits.cpu or \
            resources.limits.memory is missing or empty, when it is not a valid Kubernetes quantity, or when it \
            is above the `cpuLimit` / `memoryLimit` parameter (when set). One finding per missing or bad value.
            Fields: spec.{initContainers,containers}[*].resources.limits.{cpu,memory}.
            Ephemeral containers are not visited: the API forbids resources on them, and Azure's \
            k8sazurev3containerlimits visits only containers and initContainers.
            Quantities are compared exactly (1Gi is 1073741824 bytes, 0.5 is 500m), where Azure normalises \
            CPU to millicores and memory through its own suffix table; the verdicts agree for valid quantities. \
            Azure has no default maxima (its policy requires them); here they are optional, so by default the \
            rule only requires limits to be present and valid. Windows pods are checked too.
            """,
        rationale: """
            A container without limits can take a node's CPU and memory from its neighbours; a memory leak \
            becomes a node-wide outage. Limits also bound what a compromised container can burn (cryptomining).
            """,
        remediation: "Set resources.limits.cpu and resources.limits.memory on every container, within the allowed maxima.",
        references: [
            .azurePolicy("Kubernetes cluster containers CPU and memory resource limits should not exceed the specified limits (e345eecc)"),
            .defender("Container CPU and memory limits should be enforced"),
            .other("KSV011, KSV018, Polaris cpuLimitsMissing / memoryLimitsMissing, kubeaudit LimitsNotSet"),
        ],
        parameters: [
            ParameterSpec("cpuLimit", .quantity, default: "", "Largest allowed limits.cpu (e.g. 2 or 500m); empty: no maximum."),
            ParameterSpec("memoryLimit", .quantity, default: "", "Largest allowed limits.memory (e.g. 4Gi); empty: no maximum."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  initContainers:
                  - {name: setup, image: busybox:1.36, resources: {limits: {cpu: 100m, memory: 64Mi}}}
                  containers:
                  - name: app
                    image: nginx:1.27
                    resources: {limits: {cpu: 1, memory: 1Gi}}
                  ephemeralContainers:
                  - {name: debug, image: busybox:1.36}
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27, resources: {limits: {cpu: "0.5", memory: 1Gi}}}
                """,
                parameters: "{cpuLimit: 500m, memoryLimit: 1Gi}"),
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
                      - {name: app, image: nginx:1.27, resources: {limits: {cpu: 2gi, memory: 512Mi}}}
                """,
                paths: [
                    "spec.template.spec.initContainers[0].resources.limits.cpu",
                    "spec.template.spec.initContainers[0].resources.limits.memory",
                    "spec.template.spec.containers[0].resources.limits.cpu",
                ]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27, resources: {limits: {cpu: 501m, memory: 1073741825}}}
                  - {name: side, image: envoy:1.30, resources: {limits: {cpu: "0.5", memory: ""}}}
                """,
                parameters: "{cpuLimit: 500m, memoryLimit: 1Gi}",
                paths: [
                    "spec.containers[0].resources.limits.cpu",
                    "spec.containers[0].resources.limits.memory",
                    "spec.containers[1].resources.limits.memory",
                ]),
        ],
        docker: DockerView(
            .dockerContainer, controls: [CISDocker.memoryLimit],
            spec: """
                Docker container: fails when HostConfig.Memory is absent or 0 (no memory limit; `docker run \
                --memory` sets it in bytes). CIS 5.11 asks for memory only: CPU is CIS 5.12 (docker-cpu-shares), \
                and `cpuLimit` / `memoryLimit` apply to pods only. Same as docker-bench.
                """,
            remediation: "Run the container with --memory set to what it needs (e.g. --memory 512m).",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /web
                    HostConfig: {Memory: 536870912}
                    """, docker: .dockerContainer),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /unbounded
                    HostConfig: {Memory: 0, NanoCpus: 1000000000}
                    """, docker: .dockerContainer, paths: ["HostConfig.Memory"]),
            ])
    )

    let maxima: [String: Quantity]

    public init(parameters: RuleParameters) throws {
        var maxima: [String: Quantity] = [:]
        maxima["cpu"] = try parameters.quantity("cpuLimit")
        maxima["memory"] = try parameters.quantity("memoryLimit")
        self.maxima = maxima
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let container = DockerContainerView(object) { return checkDocker(container, &context) }
        guard let template = context.template else { return }
        for container in template.containers where container.list != .ephemeralContainers {
            ResourceField.check(
                container, section: "limits", resources: ["cpu", "memory"], maxima: maxima, &context)
        }
    }
}

extension ResourcesLimits {
    private func checkDocker(_ container: DockerContainerView, _ context: inout CheckContext) {
        guard (container.hostConfigInt("Memory") ?? 0) <= 0 else { return }
        context.report(
            "container \(container.label) has no memory limit (HostConfig.Memory is 0)", control: CISDocker.memoryLimit,
            path: "HostConfig.Memory", at: container.hostConfig("Memory") ?? container.hostConfig)
    }
}

/// Reading `resources.<section>.<resource>` of a container, shared by the limits and requests rules.
enum ResourceField {
    /// Reports a missing, empty, invalid or (with `maxima`) too large value for each resource.
    /// `satisfiedBy` names a section whose value counts when this one is absent (requests default to limits).
    static func check(
        _ container: Container, section: String, resources: [String], maxima: [String: Quantity] = [:],
        satisfiedBy fallback: String? = nil, _ context: inout CheckContext
    ) {
        let resourcesValue = container.value["resources"]
        let sectionValue = resourcesValue?[section]
        for resource in resources {
            // Built only for a finding: most containers of most objects have none.
            var path: String { container.path("resources.\(section).\(resource)") }
            let value = sectionValue?[resource]
            let text = value?.string ?? ""
            if value == nil || (text.isEmpty && value?.isMapping != true && value?.isSequence != true) {
                if let fallback, let other = resourcesValue?[fallback]?[resource]?.string, !other.isEmpty { continue }
                context.report(
                    "container \"\(container.name)\" has no \(section).\(resource)", path: path,
                    at: value ?? sectionValue ?? resourcesValue ?? container.value, container: container)
                continue
            }
            guard let quantity = Quantity(text) else {
                let shown = value?.string.map { "\"\($0)\"" } ?? "a non-scalar value"
                context.report(
                    "container \"\(container.name)\" has \(section).\(resource) \(shown), which is not a valid quantity",
                    path: path, at: value, container: container)
                continue
            }
            if !maxima.isEmpty, let maximum = maxima[resource], maximum < quantity {
                context.report(
                    "container \"\(container.name)\" has \(section).\(resource) \(text), above the maximum \(maximum.text)",
                    path: path, at: value, container: container)
            }
        }
    }
}

import KubeModel

/// svc-lb-source-ranges: public LoadBalancers open to the whole internet.
public struct SvcLbSourceRanges: Rule {
    public static let description = RuleDescription(
        id: "svc-lb-source-ranges",
        title: "Public LoadBalancer without source ranges",
        category: .services,
        severity: .high,
        action: .warn,
        scope: .kinds(["Service"]),
        profiles: [.aks],
        spec: """
            For a public LoadBalancer Service (type LoadBalancer without the Azure internal annotation): fails \
            when spec.loadBalancerSourceRanges is empty or absent and neither the annotation \
            service.beta.kubernetes.io/load-balancer-source-ranges nor \
            service.beta.kubernetes.io/azure-allowed-ip-ranges is set (reported at spec.type); and fails for \
            each source range whose IPv4 prefix is shorter than maxOpenCIDR (default 1: only 0.0.0.0/0 fails) \
            or that is ::/0. Internal LoadBalancers and other types pass.
            Fields: spec.type, spec.loadBalancerSourceRanges[*], metadata.annotations.
            """,
        rationale: """
            A public LoadBalancer with no source ranges accepts connections from every address on the internet; \
            Defender raises exposed-service alerts on exactly these.
            """,
        remediation: "Set spec.loadBalancerSourceRanges to the client networks, or make the load balancer internal.",
        references: [
            .defender("alerts K8S_ExposedService, K8S_ExposedPostgresBroadIPRange (analogous)"),
            .other("no primary rule id; kubernetes docs: Restrict access for LoadBalancer Service"),
        ],
        parameters: [
            ParameterSpec("maxOpenCIDR", .int, default: "1", "Shortest IPv4 prefix length a source range may have (8 rejects /0 to /7)."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: api, namespace: app}
                spec:
                  type: LoadBalancer
                  selector: {app: api}
                  ports: [{port: 443}]
                  loadBalancerSourceRanges: [198.51.100.0/24]
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: api, namespace: app}
                spec: {type: LoadBalancer, selector: {app: api}, ports: [{port: 443}]}
                """,
                paths: ["spec.type"]),
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: api, namespace: app}
                spec:
                  type: LoadBalancer
                  selector: {app: api}
                  ports: [{port: 443}]
                  loadBalancerSourceRanges: [198.51.100.0/24, 0.0.0.0/0, 10.0.0.0/4]
                """,
                parameters: "maxOpenCIDR: 8",
                paths: ["spec.loadBalancerSourceRanges[1]", "spec.loadBalancerSourceRanges[2]"]),
        ]
    )

    let minimumPrefix: Int

    public init(parameters: RuleParameters) {
        minimumPrefix = parameters.int("maxOpenCIDR", default: 1)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        let service = ServiceView(object)
        guard service.isPublicLoadBalancer else { return }
        let ranges = service.spec?["loadBalancerSourceRanges"]
        let entries = ranges?.items.enumerated().compactMap { i, v in v.string.map { (i, v, $0) } } ?? []
        if entries.isEmpty {
            if object.annotation("service.beta.kubernetes.io/load-balancer-source-ranges") != nil
                || object.annotation("service.beta.kubernetes.io/azure-allowed-ip-ranges") != nil
            {
                return
            }
            context.report(
                "public LoadBalancer Service accepts connections from any address: set spec.loadBalancerSourceRanges",
                path: "spec.type", at: service.typeValue)
            return
        }
        for (i, value, text) in entries {
            let trimmed = text.trimmedSpaces
            let open = trimmed == "::/0" || (IPv4Block(trimmed).map { $0.prefix < minimumPrefix } ?? false)
            guard open else { continue }
            context.report(
                "public LoadBalancer Service source range \(trimmed) is wider than /\(minimumPrefix)",
                path: "spec.loadBalancerSourceRanges[\(i)]", at: value)
        }
    }
}

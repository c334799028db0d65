import KubeModel

/// svc-nodeport: NodePort Services open a port on every node.
public struct SvcNodeport: Rule {
    public static let description = RuleDescription(
        id: "svc-nodeport",
        title: "NodePort Services",
        category: .services,
        severity: .medium,
        action: .warn,
        scope: .kinds(["Service"]),
        profiles: [.aks],
        spec: """
            Fails for a Service of spec.type NodePort, unless allowNodePort is true. With \
            includeLoadBalancer: true, a LoadBalancer Service fails too unless it sets \
            spec.allocateLoadBalancerNodePorts: false (a LoadBalancer allocates node ports by default).
            Fields: spec.type, spec.allocateLoadBalancerNodePorts.
            """,
        rationale: """
            A node port listens on every node's address, around ingress controllers and, where nodes have \
            public IPs, from the internet.
            """,
        remediation: "Use a ClusterIP Service behind an ingress controller, or an internal LoadBalancer.",
        references: [
            .other("gatekeeper-library block-nodeport-services"),
        ],
        parameters: [
            ParameterSpec("allowNodePort", .bool, default: "false", "Allow NodePort Services."),
            ParameterSpec("includeLoadBalancer", .bool, default: "false", "Also fail LoadBalancer Services that allocate node ports."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: app}
                spec: {type: ClusterIP, selector: {app: web}, ports: [{port: 80}]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: app}
                spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}
                """,
                paths: ["spec.type"]),
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: app}
                spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
                """,
                parameters: "includeLoadBalancer: true",
                paths: ["spec.type"]),
        ]
    )

    let allowNodePort: Bool
    let includeLoadBalancer: Bool

    public init(parameters: RuleParameters) {
        allowNodePort = parameters.bool("allowNodePort", default: false)
        includeLoadBalancer = parameters.bool("includeLoadBalancer", default: false)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard !allowNodePort else { return }
        let service = ServiceView(object)
        if service.type == "NodePort" {
            context.report("Service must not be of type NodePort", path: "spec.type", at: service.typeValue)
        } else if includeLoadBalancer, service.isLoadBalancer,
            service.spec?["allocateLoadBalancerNodePorts"]?.bool != false
        {
            context.report(
                "LoadBalancer Service allocates node ports: set spec.allocateLoadBalancerNodePorts: false",
                path: "spec.type", at: service.typeValue)
        }
    }
}

import KubeModel

/// svc-lb-internal: LoadBalancer Services must use Azure's internal load balancer.
public struct SvcLbInternal: Rule {
    public static let description = RuleDescription(
        id: "svc-lb-internal",
        title: "LoadBalancer must be internal",
        category: .services,
        severity: .high,
        action: .warn,
        scope: .kinds(["Service"]),
        profiles: [.aks],
        spec: """
            Fails for a Service of spec.type LoadBalancer without the annotation \
            service.beta.kubernetes.io/azure-load-balancer-internal: "true" (exactly the string "true", as the \
            Azure Rego compares it). Other types pass. allowPublicLB: true turns the rule into a pass for every \
            Service (for clusters that front public traffic with a LoadBalancer on purpose).
            Fields: spec.type, metadata.annotations.
            """,
        rationale: """
            A LoadBalancer without the annotation gets a public IP: the Service's pods are reachable from the \
            internet, past any perimeter firewall.
            """,
        remediation: "Add the annotation service.beta.kubernetes.io/azure-load-balancer-internal: \"true\", or expose the app through an ingress controller with TLS.",
        references: [
            .azurePolicy("Kubernetes clusters should use internal load balancers (3fc4dc25)"),
        ],
        parameters: [
            ParameterSpec("allowPublicLB", .bool, default: "false", "Allow public LoadBalancer Services."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata:
                  name: api
                  namespace: app
                  annotations: {service.beta.kubernetes.io/azure-load-balancer-internal: "true"}
                spec: {type: LoadBalancer, selector: {app: api}, ports: [{port: 443}]}
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
        ]
    )

    let allowPublic: Bool

    public init(parameters: RuleParameters) {
        allowPublic = parameters.bool("allowPublicLB", default: false)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        let service = ServiceView(object)
        guard !allowPublic, service.isPublicLoadBalancer else { return }
        context.report(
            "Service of type LoadBalancer must be internal: set annotation \(ServiceView.internalAnnotation): \"true\"",
            path: "spec.type", at: service.typeValue)
    }
}

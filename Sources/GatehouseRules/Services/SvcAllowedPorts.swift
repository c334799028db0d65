import KubeModel

/// svc-allowed-ports: Services listen only on allowed ports (off by default).
public struct SvcAllowedPorts: Rule {
    public static let description = RuleDescription(
        id: "svc-allowed-ports",
        title: "Service port allow-list",
        category: .services,
        severity: .medium,
        action: .audit,
        scope: .kinds(["Service"]),
        profiles: [],
        spec: """
            Fails for each spec.ports[i].port of a Service that is not in allowedServicePorts (single ports \
            "443" or ranges "8000-8999"). Only `port` is checked, not nodePort or targetPort, as in the Azure \
            Rego; the Service default/kubernetes is skipped. Off by default (only in the `all` profile, where it \
            audits, Azure Policy's default effect): enable it in the policy with the ports the cluster allows.
            Fields: spec.ports[*].port.
            """,
        rationale: """
            An allow-list of ports keeps unexpected protocols (databases, debug ports) from being published.
            """,
        remediation: "Publish the service on an allowed port, or add the port to allowedServicePorts.",
        references: [
            .azurePolicy("Kubernetes cluster services should listen only on allowed ports (233a2a17)"),
            .defender("Services should listen on allowed ports only"),
        ],
        parameters: [
            ParameterSpec("allowedServicePorts", .stringList, default: "[\"80\", \"443\"]", "Ports and ranges (\"8000-8999\") Services may listen on."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: app}
                spec: {selector: {app: web}, ports: [{port: 443}, {port: 8080}]}
                """,
                parameters: "allowedServicePorts: ['443', '8000-8999']"),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: app}
                spec: {selector: {app: web}, ports: [{port: 443}, {name: db, port: 5432}]}
                """,
                parameters: "allowedServicePorts: ['443', '8000-8999']",
                paths: ["spec.ports[1].port"]),
        ]
    )

    let allowed: PortSet

    public init(parameters: RuleParameters) {
        allowed = PortSet(parameters.strings("allowedServicePorts", default: ["80", "443"]))
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if object.name == "kubernetes" && (object.namespace ?? "default") == "default" { return }
        for (i, value, port) in ServiceView(object).ports {
            guard let port, !allowed.contains(port) else { continue }
            context.report(
                "Service port \(port) is not in allowedServicePorts", path: "spec.ports[\(i)].port", at: value["port"])
        }
    }
}

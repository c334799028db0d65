import KubeModel

/// svc-sensitive-exposure: dashboards and databases published on a public load balancer.
public struct SvcSensitiveExposure: Rule {
    public static let description = RuleDescription(
        id: "svc-sensitive-exposure",
        title: "Sensitive application exposed",
        category: .services,
        severity: .high,
        action: .warn,
        scope: .kinds(["Service"]),
        profiles: [.aks],
        spec: """
            For a public LoadBalancer (type LoadBalancer without the Azure internal annotation) or a NodePort \
            Service: fails for each spec.ports[i] whose port or targetPort is in sensitivePorts (etcd 2379, \
            MySQL 3306, PostgreSQL 5432, Redis 6379, Elasticsearch 9200, kubelet 10250, MongoDB 27017), and \
            once at metadata.name when the Service's name, or a value of its selector, contains one of \
            sensitiveApps (kubernetes-dashboard, kubeflow, redis, postgres, mysql, mongodb, elasticsearch, \
            etcd), case-insensitively. Defender's own matching logic is not public; this is an approximation \
            from its alert descriptions. The auditor resolves selectors to pods for images as well (rbac-exposed-workload).
            Fields: spec.type, spec.ports[*].{port,targetPort}, spec.selector, metadata.name.
            """,
        rationale: """
            Dashboards and databases published to the internet are found by scanners within minutes; Defender \
            alerts on exposed dashboards, Kubeflow, Redis and PostgreSQL.
            """,
        remediation: "Keep the Service ClusterIP or internal, and reach it through a VPN, a bastion or kubectl port-forward.",
        references: [
            .defender("alerts K8S_ExposedDashboard, K8S_ExposedKubeflow, K8S_ExposedRedis, K8S_ExposedPostgres, K8S_ExposedService"),
        ],
        parameters: [
            ParameterSpec("sensitivePorts", .stringList, default: "[2379, 3306, 5432, 6379, 9200, 10250, 27017]", "Ports (or ranges) that must not be public."),
            ParameterSpec(
                "sensitiveApps", .stringList,
                default: "[kubernetes-dashboard, kubeflow, redis, postgres, mysql, mongodb, elasticsearch, etcd]",
                "Substrings of Service names or selector values that mark a sensitive application."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: shop, namespace: app}
                spec: {type: LoadBalancer, selector: {app: shop}, ports: [{port: 443, targetPort: 8443}], loadBalancerSourceRanges: [198.51.100.0/24]}
                """),
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: redis, namespace: app}
                spec: {type: ClusterIP, selector: {app: redis}, ports: [{port: 6379}]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: cache, namespace: app}
                spec: {type: LoadBalancer, selector: {app.kubernetes.io/name: redis}, ports: [{port: 80}, {port: 6379}]}
                """,
                paths: ["metadata.name", "spec.ports[1]"]),
        ]
    )

    let ports: PortSet
    let apps: [String]

    public init(parameters: RuleParameters) {
        ports = PortSet(parameters.strings("sensitivePorts", default: ["2379", "3306", "5432", "6379", "9200", "10250", "27017"]))
        apps = parameters.strings(
            "sensitiveApps",
            default: ["kubernetes-dashboard", "kubeflow", "redis", "postgres", "mysql", "mongodb", "elasticsearch", "etcd"]
        ).map { $0.lowercased() }
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        let service = ServiceView(object)
        guard service.isPublicLoadBalancer || service.type == "NodePort" else { return }
        let exposure = service.isLoadBalancer ? "a public LoadBalancer" : "a NodePort"
        let names = [object.name] + service.selector.keys.sorted().compactMap { service.selector[$0] }
        if let app = apps.first(where: { app in names.contains { Matching.containsIgnoringCase($0, lowercased: app) } }) {
            context.report(
                "Service exposes \(app) on \(exposure)", path: "metadata.name",
                at: object.metadata?["name"] ?? object.root)
        }
        for (i, value, port) in service.ports {
            let target = value["targetPort"]?.int
            guard let hit = [port, target].compactMap({ $0 }).first(where: ports.contains) else { continue }
            context.report("Service exposes sensitive port \(hit) on \(exposure)", path: "spec.ports[\(i)]", at: value)
        }
    }
}

import KubeModel

/// alert-exposed-dashboard: a Service publishes a known dashboard outside the cluster.
public struct AlertExposedDashboard: AlertRule {
    /// Dashboards scanners look for. `dashboard` covers the Kubernetes dashboard, Kubeflow's
    /// centraldashboard and most others by name.
    static let defaultDashboards = [
        "dashboard", "kubeflow", "headlamp", "grafana", "kibana", "argocd-server", "prometheus", "alertmanager",
        "jupyter", "weave-scope", "kube-ops-view",
    ]

    public static let tactic = Tactic.initialAccess
    public static let description = RuleDescription(
        id: "alert-exposed-dashboard",
        title: "Dashboard exposed outside the cluster",
        category: .alerts,
        severity: .high,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create`, `update` or `patch` of `services` whose request body makes the \
            Service reachable from outside the cluster (`spec.type` NodePort, or LoadBalancer without Azure's \
            internal-load-balancer annotation, or any `spec.externalIPs`, which expose even a ClusterIP Service) \
            and whose name or one of whose selector values contains one of `dashboards` (case-insensitive; \
            default the Kubernetes dashboard, Kubeflow and other well-known dashboards), by a user not in \
            `allowedUsers` and in no group of `allowedGroups` (globs). Renaming the Service does not hide it as \
            long as it selects the dashboard's usual labels; a selector on labels that name no dashboard cannot be \
            told from the event (the auditor resolves selectors to pods: rbac-exposed-workload).
            A patch is judged on the fields it sets: one that sets the selector but not the type cannot be told \
            and is counted as unjudged. Without a request body (a `Metadata`-level event, or AKS dropped it) the \
            Service is unknown: the event is counted as unjudged, never alerted on.
            """,
        rationale: """
            Dashboards are run as powerful identities and are found by internet scanners within minutes of being \
            published: an exposed Kubernetes dashboard or Kubeflow is a classic way into a cluster.
            """,
        remediation: """
            Make the Service ClusterIP (or internal) and reach the dashboard through `kubectl port-forward`, a VPN \
            or an authenticating proxy; deny it at admission (svc-sensitive-exposure).
            """,
        references: [
            .defender("Exposed Kubernetes dashboard detected (alert K8S_ExposedDashboard)"),
            .defender("Exposed Kubeflow dashboard detected (alert K8S_ExposedKubeflow)"),
            .defender("Exposed Kubernetes service detected (alert K8S_ExposedService)"),
            .other("Falco k8saudit rule \"Create NodePort Service\" (for dashboards)"),
            tactic.reference,
        ],
        parameters: [
            ParameterSpec(
                "dashboards", .stringList, default: ParameterSpec.listDefault(defaultDashboards),
                "Substrings of Service names or selector values that mark a dashboard."),
        ] + ParameterSpec.allowedRequesters(whose: "Services"),
        passing: [
            // Internal load balancer: reachable from the virtual network only.
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: create
                user: {username: alice}
                objectRef: {resource: services, namespace: monitoring, name: grafana, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: Service
                  metadata:
                    name: grafana
                    namespace: monitoring
                    annotations: {service.beta.kubernetes.io/azure-load-balancer-internal: "true"}
                  spec: {type: LoadBalancer, selector: {app: grafana}, ports: [{port: 80}]}
                """),
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: create
                user: {username: alice}
                objectRef: {resource: services, namespace: kubernetes-dashboard, name: kubernetes-dashboard, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: Service
                  metadata: {name: kubernetes-dashboard, namespace: kubernetes-dashboard}
                  spec: {selector: {k8s-app: kubernetes-dashboard}, ports: [{port: 443, targetPort: 8443}]}
                """),
            // Metadata level: the Service is unknown, so no alert (the event is counted as unjudged).
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: create
                user: {username: alice}
                objectRef: {resource: services, namespace: kubeflow, name: centraldashboard, apiVersion: v1}
                responseStatus: {code: 201}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: create
                user: {username: mallory}
                objectRef: {resource: services, namespace: kubernetes-dashboard, name: web, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: Service
                  metadata: {name: web, namespace: kubernetes-dashboard}
                  spec: {type: LoadBalancer, selector: {k8s-app: kubernetes-dashboard}, ports: [{port: 443, targetPort: 8443}]}
                """,
                paths: ["requestObject.spec.type", "requestObject.spec.selector"]),
            // `kubectl patch svc centraldashboard -n kubeflow -p '{"spec":{"type":"NodePort"}}'`
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: patch
                user: {username: mallory}
                objectRef: {resource: services, namespace: kubeflow, name: centraldashboard, apiVersion: v1}
                responseStatus: {code: 200}
                requestObject: {spec: {type: NodePort}}
                """,
                paths: ["requestObject.spec.type", "objectRef.name"]),
        ]
    )

    let dashboards: [String]
    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        dashboards = parameters.strings("dashboards", default: Self.defaultDashboards).map { $0.lowercased() }
        allowed = AllowedRequesters(parameters, users: [])
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard event.modifies("services"), event.succeeded, !event.actor(in: allowed) else { return }
        guard let body = event.requestObject else { return context.cannotJudge(event.missingBodyReason) }
        let exposure = ServiceExposure(body)
        let selector = ServiceExposure.selectorValues(body)
        if exposure.type == nil, event.verb == "patch", !selector.isEmpty {
            return context.cannotJudge("the patch sets the selector but not the type, which the event does not record")
        }
        guard !exposure.evidence.isEmpty else { return }
        var evidence = exposure.evidence
        var found: String?
        if let hit = match(selector) {
            found = hit
            evidence.append(Evidence("requestObject.spec.selector", hit))
        } else if let hit = match([event.objectName]) {
            found = hit
            evidence.append(Evidence("objectRef.name", event.objectName))
        }
        guard let found else { return }
        context.report(
            "\(event.actorName) exposed \(found) outside the cluster through Service \(event.objectDisplayName)",
            evidence: evidence)
    }

    /// The first of `values` naming a dashboard.
    func match(_ values: [String]) -> String? {
        values.first { value in dashboards.contains { Matching.containsIgnoringCase(value, lowercased: $0) } }
    }
}

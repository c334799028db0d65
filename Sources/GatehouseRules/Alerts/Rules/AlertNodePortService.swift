import KubeModel

/// alert-nodeport-service: a Service was made reachable on every node's address (type NodePort).
public struct AlertNodePortService: AlertRule {
    public static let tactic = Tactic.initialAccess
    public static let description = RuleDescription(
        id: "alert-nodeport-service",
        title: "NodePort Service created",
        category: .alerts,
        severity: .low,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create`, `update` or `patch` of `services` whose request body sets \
            `spec.type: NodePort`, by a user not in `allowedUsers` and in no group of `allowedGroups` (globs). \
            Updates and patches count because turning an existing ClusterIP Service into a NodePort one \
            (`kubectl patch`, `kubectl edit`) exposes it as surely as creating it; an update that keeps an \
            existing NodePort alerts again, and deduplication merges the repeats. A patch that does not set \
            `spec.type` changes no exposure. LoadBalancer Services are exposed on purpose and judged by \
            alert-exposed-dashboard for what they publish.
            Without a request body (a `Metadata`-level event, or AKS dropped it) the type is unknown: the event is \
            counted as unjudged, never alerted on.
            """,
        rationale: """
            A NodePort opens the same port on every node, outside the load balancer and often outside the \
            firewall rules written for it: an unreviewed way into the workload.
            """,
        remediation: """
            Use a ClusterIP Service behind an Ingress or an internal load balancer; deny NodePort Services at \
            admission (svc-nodeport) and list the identities that manage node ports in allowedUsers.
            """,
        references: [
            .defender("Exposed Kubernetes service detected (alert K8S_ExposedService), for node ports"),
            .other("Falco k8saudit rule \"Create NodePort Service\""),
            tactic.reference,
        ],
        parameters: ParameterSpec.allowedRequesters(whose: "NodePort Services"),
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: create
                user: {username: alice}
                objectRef: {resource: services, namespace: shop, name: web, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: Service
                  metadata: {name: web, namespace: shop}
                  spec: {type: ClusterIP, selector: {app: web}, ports: [{port: 80}]}
                """),
            // Metadata level: the type is unknown, so no alert (the event is counted as unjudged).
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: create
                user: {username: alice}
                objectRef: {resource: services, namespace: shop, name: web, apiVersion: v1}
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
                objectRef: {resource: services, namespace: shop, name: web-np, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: Service
                  metadata: {name: web-np, namespace: shop}
                  spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}
                """,
                paths: ["requestObject.spec.type"]),
            // `kubectl patch svc web -p '{"spec":{"type":"NodePort"}}'`: the body is the patch alone.
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: patch
                user: {username: mallory}
                objectRef: {resource: services, namespace: shop, name: web, apiVersion: v1}
                responseStatus: {code: 200}
                requestObject: {spec: {type: NodePort}}
                """,
                paths: ["requestObject.spec.type"]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: [])
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard event.modifies("services"), event.succeeded, !event.actor(in: allowed) else { return }
        guard let body = event.requestObject else { return context.cannotJudge(event.missingBodyReason) }
        guard ServiceExposure(body).type == "NodePort" else { return }
        let ports = body["spec"]?["ports"]?.items.compactMap { $0["nodePort"]?.int }.map(String.init) ?? []
        context.report(
            "\(event.actorName) exposed Service \(event.objectDisplayName) on every node"
                + (ports.isEmpty ? "" : " (node ports \(ports.joined(separator: ", ")))"),
            evidence: [Evidence("requestObject.spec.type", "NodePort")])
    }
}

import KubeModel

/// alert-port-forward: someone tunnelled to a pod's port through the API server (port-forward or proxy).
public struct AlertPortForward: AlertRule {
    public static let tactic = Tactic.lateralMovement
    public static let description = RuleDescription(
        id: "alert-port-forward",
        title: "Port-forward or proxy to a pod",
        category: .alerts,
        severity: .low,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful request on the `portforward` subresource of `pods` (`kubectl port-forward`), \
            or on the `proxy` subresource of `pods` or `services` (`kubectl proxy` and the API server's proxy \
            URLs, which reach a pod's port the same way), by a user not in `allowedUsers` and in no group of \
            `allowedGroups` (globs). A port-forward is a long-running request logged at `ResponseStarted` and again \
            at `ResponseComplete`: both stages deduplicate into one alert. Works at every audit level; for a proxy \
            request the evidence includes `requestURI`, which names the port and path reached. `nodes/proxy` \
            (the kubelet's API) is rbac-nodes-proxy's concern and not alerted here.
            """,
        rationale: """
            A tunnel through the API server reaches a pod's port from outside the cluster, past network policies \
            and ingress authentication: attackers use it to reach databases and admin ports that are not exposed.
            """,
        remediation: """
            Confirm who opened the tunnel and why. Restrict `pods/portforward` and the proxy subresources to \
            break-glass roles, and list identities that use them as part of their job in allowedUsers.
            """,
        references: [
            .defender("none: Defender raises no audit-log alert on port-forward"),
            .other("Falco k8saudit rule \"port-forward\""),
            tactic.reference,
        ],
        parameters: ParameterSpec.allowedRequesters(whose: "tunnels"),
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: get
                user: {username: alice}
                objectRef: {resource: pods, subresource: log, namespace: shop, name: web-1, apiVersion: v1}
                responseStatus: {code: 200}
                """),
            // Refused by RBAC: no tunnel was opened.
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: create
                user: {username: mallory}
                objectRef: {resource: pods, subresource: portforward, namespace: shop, name: db-0, apiVersion: v1}
                responseStatus: {code: 403}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseStarted
                requestURI: /api/v1/namespaces/shop/pods/db-0/portforward
                verb: create
                user: {username: mallory}
                objectRef: {resource: pods, subresource: portforward, namespace: shop, name: db-0, apiVersion: v1}
                responseStatus: {code: 101}
                """,
                paths: ["objectRef.subresource"]),
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                requestURI: /api/v1/namespaces/shop/services/db:5432/proxy/
                verb: get
                user: {username: mallory}
                objectRef: {resource: services, subresource: proxy, namespace: shop, name: "db:5432", apiVersion: v1}
                responseStatus: {code: 200}
                """,
                paths: ["objectRef.subresource", "requestURI"]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: [])
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        let (resource, sub) = (event.target.resource, event.target.subresource)
        guard (resource == "pods" && (sub == "portforward" || sub == "proxy")) || (resource == "services" && sub == "proxy"),
            event.succeeded, !event.actor(in: allowed)
        else { return }
        var evidence = [Evidence("objectRef.subresource", sub)]
        if sub == "proxy", !event.requestURI.isEmpty { evidence.append(Evidence("requestURI", event.requestURI)) }
        let what = sub == "portforward" ? "forwarded a port of" : "proxied to"
        let kind = resource == "pods" ? "pod" : "Service"
        context.report("\(event.actorName) \(what) \(kind) \(event.objectDisplayName)", evidence: evidence)
    }
}

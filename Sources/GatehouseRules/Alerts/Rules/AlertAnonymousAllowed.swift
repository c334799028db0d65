import KubeModel

/// alert-anonymous-allowed: the API server let an anonymous request through.
public struct AlertAnonymousAllowed: AlertRule {
    /// Unauthenticated health probes: anonymous by design.
    static let healthPaths = ["/healthz", "/livez", "/readyz", "/version"]

    public static let tactic = Tactic.initialAccess
    public static let description = RuleDescription(
        id: "alert-anonymous-allowed",
        title: "Anonymous request allowed",
        category: .alerts,
        severity: .high,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a request by `system:anonymous` (or a member of `system:unauthenticated`) that the \
            authorizer allowed (annotation `authorization.k8s.io/decision: allow`) and that did not fail, except \
            the health and version endpoints (`/healthz`, `/livez`, `/readyz`, `/version` and their sub-paths), \
            which are anonymous by design. Works at every audit level: the user and the decision are always \
            recorded. An event without the decision annotation (an older API server) is judged by its response \
            code alone.
            """,
        rationale: """
            An anonymous request that is allowed means the cluster grants something to everyone who can reach \
            the API server: often a leftover binding to `system:anonymous` or `system:unauthenticated`.
            """,
        remediation: """
            Find the RoleBinding or ClusterRoleBinding granting the anonymous user or the \
            `system:unauthenticated` group (rbac-privileged-groups-binding) and delete it; consider \
            `--anonymous-auth=false`.
            """,
        references: [
            .defender("Anonymous access (no Defender audit-log alert; Defender recommends disabling it)"),
            .other("Falco k8saudit rule \"Anonymous Request Allowed\""),
            tactic.reference,
        ],
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                requestURI: /readyz?verbose
                verb: get
                user: {username: "system:anonymous", groups: ["system:unauthenticated"]}
                annotations: {authorization.k8s.io/decision: allow}
                responseStatus: {code: 200}
                """),
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                requestURI: /api/v1/secrets
                verb: list
                user: {username: "system:anonymous", groups: ["system:unauthenticated"]}
                objectRef: {resource: secrets, apiVersion: v1}
                annotations: {authorization.k8s.io/decision: forbid}
                responseStatus: {code: 403}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                requestURI: /api/v1/namespaces/kube-system/secrets
                verb: list
                user: {username: "system:anonymous", groups: ["system:unauthenticated"]}
                sourceIPs: [203.0.113.7]
                objectRef: {resource: secrets, namespace: kube-system, apiVersion: v1}
                annotations: {authorization.k8s.io/decision: allow}
                responseStatus: {code: 200}
                """,
                paths: ["user.username", "annotations.authorization.k8s.io/decision"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        let anonymous = event.user.username == "system:anonymous" || event.user.groups.contains("system:unauthenticated")
        guard anonymous, event.succeeded else { return }
        let decision = event.annotations["authorization.k8s.io/decision"]
        if let decision, decision != "allow" { return }
        let path = String(event.requestURI.prefix { $0 != "?" })
        if Self.healthPaths.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) { return }
        var evidence = [Evidence("user.username", event.user.username)]
        if let decision { evidence.append(Evidence("annotations.authorization.k8s.io/decision", decision)) }
        context.report(
            "anonymous request allowed: \(event.verb) \(event.requestURI.isEmpty ? event.target.resource : event.requestURI)",
            evidence: evidence)
    }
}

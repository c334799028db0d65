import KubeModel

/// alert-privileged-container: a pod with a privileged container was created.
public struct AlertPrivilegedContainer: AlertRule {
    public static let tactic = Tactic.privilegeEscalation
    public static let description = RuleDescription(
        id: "alert-privileged-container",
        title: "Privileged container created",
        category: .alerts,
        severity: .medium,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create` of `pods` (no subresource) whose request body has a privileged \
            container: `securityContext.privileged: true` on a container, init container or ephemeral container, \
            judged by the per-object rule `pod-privileged` with its defaults, so the webhook, the auditor and the \
            alert agree. The evidence names each container. Pods a controller creates from a template alert under \
            the controller's identity, as the audit log records them.
            Without a request body (a `Metadata`-level event, or AKS dropped it) the pod cannot be judged: the \
            event is counted as unjudged, never alerted on.
            """,
        rationale: """
            A privileged container has the host's devices and kernel capabilities: escaping to the node takes one \
            command. Creating one outside the platform's own components is a classic privilege escalation.
            """,
        remediation: """
            Find who created the pod and why; delete it unless it is a known node agent. Deny privileged pods at \
            admission (pod-privileged) and exempt the few node agents that need it.
            """,
        references: [
            .defender("Privileged container detected (alert K8S_PrivilegedContainer)"),
            .other("Falco k8saudit rule \"Create Privileged Pod\""),
            tactic.reference,
        ],
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: RequestResponse
                stage: ResponseComplete
                verb: create
                user: {username: alice}
                objectRef: {resource: pods, namespace: shop, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: Pod
                  metadata: {name: web, namespace: shop}
                  spec:
                    containers: [{name: web, image: nginx}]
                """),
            // Metadata level: nothing to judge, so no alert (the event is counted as unjudged).
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: create
                user: {username: alice}
                objectRef: {resource: pods, namespace: shop, apiVersion: v1}
                responseStatus: {code: 201}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: create
                user: {username: mallory, groups: [system:authenticated]}
                objectRef: {resource: pods, namespace: shop, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: Pod
                  metadata: {name: debug, namespace: shop}
                  spec:
                    containers:
                    - {name: app, image: nginx}
                    - {name: shell, image: busybox, securityContext: {privileged: true}}
                """,
                paths: ["requestObject.spec.containers[1].securityContext.privileged"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard event.creates("pods"), event.succeeded else { return }
        guard let body = event.requestObject else { return context.cannotJudge(event.missingBodyReason) }
        let findings = BodyCheck.findings(of: PodPrivileged(parameters: .none), in: body, origin: event.origin)
        guard !findings.isEmpty else { return }
        let containers = findings.compactMap(\.container)
        context.report(
            "\(event.actorName) created pod \(event.objectDisplayName) with privileged container(s) "
                + containers.map { "\"\($0)\"" }.joined(separator: ", "),
            evidence: BodyCheck.evidence(findings), images: findings.compactMap(\.image))
    }
}

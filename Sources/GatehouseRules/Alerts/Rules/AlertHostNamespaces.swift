import KubeModel

/// alert-host-namespaces: a pod sharing the node's network, process or IPC namespace was created.
public struct AlertHostNamespaces: AlertRule {
    public static let tactic = Tactic.privilegeEscalation
    public static let description = RuleDescription(
        id: "alert-host-namespaces",
        title: "Pod in the host's namespaces created",
        category: .alerts,
        severity: .medium,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create` of `pods` (no subresource) whose request body sets `hostNetwork`, \
            `hostPID` or `hostIPC` to `true`, judged by the per-object rules `pod-host-network`, `pod-host-pid` \
            and `pod-host-ipc` with their defaults, so the webhook, the auditor and the alert agree (a pod pinned \
            to Windows nodes by its nodeSelector is skipped, as there). One alert per pod names every shared \
            namespace; its images are every container's, init and ephemeral ones included, since the namespace \
            is the whole pod's. These fields cannot change after creation, so updates are not judged.
            Without a request body (a `Metadata`-level event, or AKS dropped it) the pod cannot be judged: the \
            event is counted as unjudged, never alerted on.
            """,
        rationale: """
            A pod in the host's network namespace sees every interface of the node and services bound to its \
            localhost; in its PID namespace it can read other processes' environment and attach to them. Both \
            are steps from a container to the node.
            """,
        remediation: """
            Find who created the pod and why; delete it unless it is a known node agent. Deny host namespaces at \
            admission (pod-host-network, pod-host-pid, pod-host-ipc) and exempt the node agents that need them.
            """,
        references: [
            .defender("recommendation \"Containers sharing sensitive host namespaces should be avoided\" (no Defender audit-log alert)"),
            .other("Falco k8saudit rules \"Create HostNetwork Pod\", \"Create HostPid Pod\" and \"Create HostIPC Pod\""),
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
                    hostNetwork: false
                    containers: [{name: web, image: nginx}]
                """),
            // Metadata level: nothing to judge, so no alert (the event is counted as unjudged).
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
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
                  metadata: {name: sniffer, namespace: shop}
                  spec:
                    hostNetwork: true
                    containers: [{name: app, image: nginx}]
                """,
                paths: ["requestObject.spec.hostNetwork"]),
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: RequestResponse
                stage: ResponseComplete
                verb: create
                user: {username: mallory}
                objectRef: {resource: pods, namespace: shop, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: Pod
                  metadata: {name: nsenter, namespace: shop}
                  spec:
                    hostPID: true
                    hostIPC: true
                    initContainers: [{name: setup, image: busybox}]
                    containers: [{name: shell, image: alpine}]
                """,
                paths: ["requestObject.spec.hostPID", "requestObject.spec.hostIPC"]),
        ]
    )

    /// The per-object rules that know the host namespace fields, built once.
    let namespaceRules: [any Rule] = [PodHostNetwork(parameters: .none), PodHostPID(parameters: .none), PodHostIPC(parameters: .none)]

    public init(parameters: RuleParameters) {}

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard event.creates("pods"), event.succeeded else { return }
        guard let body = event.requestObject else { return context.cannotJudge(event.missingBodyReason) }
        let findings = BodyCheck.findings(of: namespaceRules, in: body, origin: event.origin)
        guard !findings.isEmpty else { return }
        let fields = findings.map { $0.path.split(separator: ".").last.map(String.init) ?? $0.path }
        context.report(
            "\(event.actorName) created pod \(event.objectDisplayName) in the host's namespaces: "
                + fields.joined(separator: ", "),
            evidence: BodyCheck.evidence(findings), images: BodyCheck.podImages(in: body, origin: event.origin))
    }
}

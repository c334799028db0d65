import KubeModel

/// alert-sensitive-mount: a pod mounting a sensitive host path was created.
public struct AlertSensitiveMount: AlertRule {
    public static let tactic = Tactic.privilegeEscalation
    public static let description = RuleDescription(
        id: "alert-sensitive-mount",
        title: "Container with a sensitive host mount created",
        category: .alerts,
        severity: .medium,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create` of `pods` (no subresource) whose request body mounts a sensitive host \
            path in a `hostPath` volume, judged by the per-object rule `pod-hostpath-sensitive` with its defaults \
            (its list covers Falco's `sensitive_vol_mount`: `/proc`, the container runtime sockets, `/`, `/etc`, \
            `/root`, `/home/admin`, `/var/lib/kubelet`, `/etc/kubernetes` and their spellings). The evidence names \
            each volume. An unlisted host path (`/var/log`) does not alert.
            Without a request body (a `Metadata`-level event, or AKS dropped it) the pod cannot be judged: the \
            event is counted as unjudged, never alerted on.
            """,
        rationale: """
            A container that mounts the runtime socket, the kubelet's credentials or the host's root file system \
            can take over the node.
            """,
        remediation: """
            Find who created the pod and why; delete it unless it is a known node agent. Deny sensitive host \
            mounts at admission (pod-hostpath-sensitive).
            """,
        references: [
            .defender("Container with a sensitive volume mount detected (alert K8S_SensitiveMount)"),
            .other("Falco k8saudit rule \"Create Sensitive Mount Pod\""),
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
                    volumes: [{name: logs, hostPath: {path: /var/log/web}}]
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
                objectRef: {resource: pods, namespace: shop, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: Pod
                  metadata: {name: debug, namespace: shop}
                  spec:
                    containers: [{name: shell, image: busybox}]
                    volumes: [{name: sock, hostPath: {path: /var/run/docker.sock}}]
                """,
                paths: ["requestObject.spec.volumes[0].hostPath.path"]),
        ]
    )

    /// The per-object rule that knows the sensitive paths, built once.
    let hostPaths = PodHostpathSensitive(parameters: .none)

    public init(parameters: RuleParameters) {}

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard event.creates("pods"), event.succeeded else { return }
        guard let body = event.requestObject else { return context.cannotJudge(event.missingBodyReason) }
        let findings = BodyCheck.findings(of: hostPaths, in: body, origin: event.origin)
        guard !findings.isEmpty else { return }
        let images = body["spec"]?["containers"]?.items.compactMap { $0["image"]?.string } ?? []
        context.report(
            "\(event.actorName) created pod \(event.objectDisplayName) mounting a sensitive host path",
            evidence: BodyCheck.evidence(findings), images: images)
    }
}

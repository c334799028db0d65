import KubeModel

/// alert-miner-image: a pod running a digital-currency mining image was created.
public struct AlertMinerImage: AlertRule {
    public static let tactic = Tactic.execution
    public static let description = RuleDescription(
        id: "alert-miner-image",
        title: "Digital currency mining container created",
        category: .alerts,
        severity: .high,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create` of `pods` (no subresource) whose request body runs an image associated \
            with digital-currency mining, judged by the per-object rule `image-miner-denylist` with its defaults \
            (its image-name pattern and miner names). The evidence names each container's image.
            Without a request body (a `Metadata`-level event, or AKS dropped it) the images are unknown: the \
            event is counted as unjudged, never alerted on.
            """,
        rationale: """
            Miners are the most common payload of a compromised cluster: they burn the cluster's compute and \
            often arrive through an exposed dashboard or a stolen credential.
            """,
        remediation: """
            Delete the pod, find how its creator got access (the actor's credentials, an exposed dashboard), and \
            deny the image at admission (image-miner-denylist, image-allowed-registry).
            """,
        references: [
            .defender("Digital currency mining container detected (alert K8S_MaliciousContainerImage)"),
            .other("Falco k8saudit: no audit-log rule (Falco detects miners from syscalls)"),
            tactic.reference,
        ],
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Request
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
                    containers: [{name: web, image: nginx:1.27}]
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
                user: {username: "system:serviceaccount:kubernetes-dashboard:kubernetes-dashboard"}
                objectRef: {resource: pods, namespace: default, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: Pod
                  metadata: {name: xm, namespace: default}
                  spec:
                    containers: [{name: xm, image: "docker.io/minerboss/xmrig:latest"}]
                """,
                paths: ["requestObject.spec.containers[0].image"]),
        ]
    )

    /// The per-object rule that knows miner images, built once.
    let miners: ImageMinerDenylist

    public init(parameters: RuleParameters) throws {
        miners = try ImageMinerDenylist(parameters: .none)
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard event.creates("pods"), event.succeeded else { return }
        guard let body = event.requestObject else { return context.cannotJudge(event.missingBodyReason) }
        let findings = BodyCheck.findings(of: miners, in: body, origin: event.origin)
        guard !findings.isEmpty else { return }
        context.report(
            "\(event.actorName) created pod \(event.objectDisplayName) running a mining image: "
                + findings.compactMap(\.image).joined(separator: ", "),
            evidence: BodyCheck.evidence(findings), images: findings.compactMap(\.image))
    }
}

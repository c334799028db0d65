import KubeModel

/// alert-ephemeral-container: a debug container was added to a running pod (`kubectl debug`).
public struct AlertEphemeralContainer: AlertRule {
    public static let tactic = Tactic.execution
    public static let description = RuleDescription(
        id: "alert-ephemeral-container",
        title: "Ephemeral container added to a pod",
        category: .alerts,
        severity: .low,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create`, `update` or `patch` of the `ephemeralcontainers` subresource of \
            `pods` (what `kubectl debug` sends) by a user not in `allowedUsers` and in no group of \
            `allowedGroups` (globs). Works at every audit level. With a request body the evidence names each \
            ephemeral container's image and the container whose processes it targets (`targetContainerName`), \
            and the images are the alert's for exemptions by image; without one the images are unknown and the \
            alert names the pod only. `kubectl debug node/...` creates an ordinary pod in the host's namespaces \
            instead, which alert-host-namespaces and alert-sensitive-mount judge.
            """,
        rationale: """
            An ephemeral container runs any image inside an existing pod, next to its processes, volumes and \
            service account token, without changing the pod's spec that deployments and reviews look at.
            """,
        remediation: """
            Confirm who added the container and why. Restrict `pods/ephemeralcontainers` to break-glass roles, and \
            list identities that debug as part of their job in allowedUsers.
            """,
        references: [
            .defender("none: Defender raises no audit-log alert on ephemeral containers"),
            .other("Falco k8saudit rule \"EphemeralContainers Created\""),
            tactic.reference,
        ],
        parameters: ParameterSpec.allowedRequesters(whose: "debug containers"),
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: get
                user: {username: alice}
                objectRef: {resource: pods, subresource: ephemeralcontainers, namespace: shop, name: web-1, apiVersion: v1}
                responseStatus: {code: 200}
                """),
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: patch
                user: {username: oncall, groups: [sre]}
                objectRef: {resource: pods, subresource: ephemeralcontainers, namespace: shop, name: web-1, apiVersion: v1}
                responseStatus: {code: 200}
                """,
                parameters: "{allowedGroups: [sre]}"),
        ],
        failing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: patch
                user: {username: mallory}
                objectRef: {resource: pods, subresource: ephemeralcontainers, namespace: shop, name: web-1, apiVersion: v1}
                responseStatus: {code: 200}
                requestObject:
                  spec:
                    ephemeralContainers:
                    - {name: debugger-x7k2, image: busybox, targetContainerName: web, stdin: true, tty: true}
                """,
                paths: ["objectRef.subresource", "requestObject.spec.ephemeralContainers[0]"]),
            // Metadata level: the pod and the actor are known, the image is not.
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: patch
                user: {username: mallory}
                objectRef: {resource: pods, subresource: ephemeralcontainers, namespace: shop, name: web-1, apiVersion: v1}
                responseStatus: {code: 200}
                """,
                paths: ["objectRef.subresource"]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: [])
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard event.onPods("ephemeralcontainers", verbs: ["create", "update", "patch"]), event.succeeded,
            !event.actor(in: allowed)
        else { return }
        var evidence = [Evidence("objectRef.subresource", "ephemeralcontainers")]
        var images: [String] = []
        for (index, container) in (event.requestObject?["spec"]?["ephemeralContainers"].map { Array($0.items) } ?? []).enumerated() {
            let image = container["image"]?.string ?? ""
            let target = container["targetContainerName"]?.string.map { ", targeting \($0)" } ?? ""
            images.append(image)
            evidence.append(Evidence("requestObject.spec.ephemeralContainers[\(index)]", "image \(image)\(target)"))
        }
        let running = images.isEmpty ? "" : " running " + images.joined(separator: ", ")
        context.report(
            "\(event.actorName) added an ephemeral container to pod \(event.objectDisplayName)\(running)",
            evidence: evidence, images: images)
    }
}

import KubeModel

/// alert-coredns-modified: the cluster DNS configuration was changed or deleted.
public struct AlertCorednsModified: AlertRule {
    public static let tactic = Tactic.lateralMovement
    public static let description = RuleDescription(
        id: "alert-coredns-modified",
        title: "CoreDNS configuration changed",
        category: .alerts,
        severity: .low,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create`, `update`, `patch` or `delete` of the ConfigMap `coredns` or \
            `coredns-custom` in `kube-system` (AKS reads custom DNS from `coredns-custom`), and on a \
            `deletecollection` of ConfigMaps there, by a user not in `allowedUsers` and in no group of \
            `allowedGroups` (globs; default the same identities as the per-object rule coredns-config-modified: \
            AKS's own clients and kube-system service accounts). Works at every audit level: the object's name \
            and namespace are always recorded, and which change was made is in the evidence only when the body is.
            """,
        rationale: """
            Whoever controls cluster DNS can point service names at their own endpoints and intercept the \
            traffic between workloads, or send it out of the cluster.
            """,
        remediation: """
            Compare the configuration with the expected one and find who changed it; route DNS changes through \
            the deployment pipeline's identity and list it in allowedUsers.
            """,
        references: [
            .defender("CoreDNS modification in Kubernetes detected (alert K8S_CoreDnsModification)"),
            .other("Falco k8saudit rule \"K8s ConfigMap Created\" (filtered to CoreDNS)"),
            tactic.reference,
        ],
        parameters: ParameterSpec.allowedRequesters(whose: "changes", users: CorednsConfigModified.defaultUsers),
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: update
                user: {username: alice}
                objectRef: {resource: configmaps, namespace: shop, name: coredns, apiVersion: v1}
                responseStatus: {code: 200}
                """),
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: update
                user: {username: "system:serviceaccount:kube-system:coredns-autoscaler"}
                objectRef: {resource: configmaps, namespace: kube-system, name: coredns, apiVersion: v1}
                responseStatus: {code: 200}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: patch
                user: {username: mallory}
                objectRef: {resource: configmaps, namespace: kube-system, name: coredns-custom, apiVersion: v1}
                responseStatus: {code: 200}
                """,
                paths: ["objectRef.name"]),
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: update
                user: {username: mallory}
                objectRef: {resource: configmaps, namespace: kube-system, name: coredns, apiVersion: v1}
                responseStatus: {code: 200}
                requestObject:
                  apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: coredns, namespace: kube-system}
                  data: {Corefile: ".:53 { forward . 203.0.113.7 }"}
                """,
                paths: ["objectRef.name", "requestObject.data"]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: CorednsConfigModified.defaultUsers)
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard event.target.resource == "configmaps", event.target.subresource.isEmpty,
            event.target.namespace == "kube-system", event.succeeded, !event.actor(in: allowed)
        else { return }
        if event.verb == "deletecollection" {
            return context.report(
                "\(event.actorName) deleted a collection of ConfigMaps in kube-system, CoreDNS's included if selected",
                evidence: [Evidence("verb", event.verb)])
        }
        guard event.verb == "delete" || event.modifies("configmaps"), CorednsConfigModified.names.contains(event.target.name)
        else { return }
        var evidence = [Evidence("objectRef.name", event.target.name)]
        if event.verb != "delete", let keys = event.requestObject?["data"]?.pairs.compactMap({ $0.key.string }), !keys.isEmpty {
            evidence.append(Evidence("requestObject.data", keys.joined(separator: ", ")))
        }
        let done = ["create": "created", "delete": "deleted"][event.verb] ?? "changed"
        context.report("\(event.actorName) \(done) the CoreDNS configuration \(event.objectDisplayName)", evidence: evidence)
    }
}

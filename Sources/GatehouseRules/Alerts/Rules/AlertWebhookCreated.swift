import KubeModel

/// alert-webhook-created: an admission webhook configuration was created or changed.
public struct AlertWebhookCreated: AlertRule {
    static let resources: Set<String> = ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"]
    /// AKS's own add-ons and the control plane manage webhooks of their own.
    static let defaultUsers = ["aksService", "masterclient", "system:serviceaccount:kube-system:*"]

    public static let tactic = Tactic.persistence
    public static let description = RuleDescription(
        id: "alert-webhook-created",
        title: "Admission webhook configuration created",
        category: .alerts,
        severity: .low,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create`, `update` or `patch` of `validatingwebhookconfigurations` or \
            `mutatingwebhookconfigurations` (API group `admissionregistration.k8s.io`) by a user not in \
            `allowedUsers` and in no group of `allowedGroups` (globs; default AKS's service identities and \
            kube-system's service accounts). Works at every audit level; with a request body the evidence adds \
            the webhooks' service or URL. The audit log is the reliable place for this alert: the API server does \
            not send webhook configurations to admission webhooks.
            """,
        rationale: """
            A mutating webhook sees, and may rewrite, every object it registers for: attackers add one to inject \
            containers into new pods or to read Secrets as they are written; a validating one can block the \
            cluster's security controls.
            """,
        remediation: """
            Confirm the webhook belongs to a component you installed; delete it otherwise. Restrict the right to \
            write webhook configurations (rbac-webhook-config).
            """,
        references: [
            .defender("Creation of admission webhook configuration detected (alert K8S_AdmissionController)"),
            .other("Falco k8saudit: no equivalent rule"),
            tactic.reference,
        ],
        parameters: [
            ParameterSpec(
                "allowedUsers", .stringList, default: "[" + defaultUsers.joined(separator: ", ") + "]",
                "Users (globs) whose webhook changes do not alert."),
            ParameterSpec("allowedGroups", .stringList, default: "[]", "Groups (globs) whose webhook changes do not alert."),
        ],
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: update
                user: {username: "system:serviceaccount:kube-system:azure-policy"}
                objectRef: {resource: validatingwebhookconfigurations, apiGroup: admissionregistration.k8s.io, name: azure-policy, apiVersion: v1}
                responseStatus: {code: 200}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: RequestResponse
                stage: ResponseComplete
                verb: create
                user: {username: mallory}
                objectRef: {resource: mutatingwebhookconfigurations, apiGroup: admissionregistration.k8s.io, name: injector, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: admissionregistration.k8s.io/v1
                  kind: MutatingWebhookConfiguration
                  metadata: {name: injector}
                  webhooks:
                  - name: inject.example.com
                    clientConfig: {url: "https://203.0.113.9/mutate"}
                """,
                paths: ["objectRef.resource", "requestObject.webhooks[0].clientConfig"]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: Self.defaultUsers)
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard Self.resources.contains(event.target.resource),
            event.verb == "create" || event.verb == "update" || event.verb == "patch", event.target.subresource.isEmpty,
            event.succeeded, !event.actor(in: allowed)
        else { return }
        var evidence = [Evidence("objectRef.resource", event.target.resource)]
        for (index, webhook) in (event.requestObject?["webhooks"].map { Array($0.items) } ?? []).enumerated() {
            let client = webhook["clientConfig"]
            let service = client?["service"].map { "service \($0["namespace"]?.string ?? "")/\($0["name"]?.string ?? "")" }
            if let target = client?["url"]?.string.map({ "url \($0)" }) ?? service {
                evidence.append(Evidence("requestObject.webhooks[\(index)].clientConfig", target))
            }
        }
        let kind = event.target.resource.hasPrefix("mutating") ? "mutating" : "validating"
        let verb = event.verb == "create" ? "created" : "changed"
        context.report("\(event.actorName) \(verb) \(kind) webhook configuration \(event.objectName)", evidence: evidence)
    }
}

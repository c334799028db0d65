import KubeModel

/// admission-webhook-created: new or changed admission webhooks come from known administrators.
public struct AdmissionWebhookCreated: Rule {
    public static let description = RuleDescription(
        id: "admission-webhook-created",
        title: "Admission webhook configuration created or changed",
        category: .namespaces,
        severity: .info,
        action: .audit,
        scope: .kinds(["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]),
        profiles: [.aks],
        spec: """
            At admission, a CREATE or UPDATE of a MutatingWebhookConfiguration or ValidatingWebhookConfiguration \
            by a user not in `allowedUsers` and in no group of `allowedGroups` (globs) is reported, with the \
            user's name. The default action is audit: the request is recorded (audit annotation), not refused.
            Without a request (the auditor) nothing is reported: an existing webhook configuration is not itself \
            a finding, and who created it is not in the object.
            Caveat (UNVERIFIED): the API server is documented not to call admission webhooks for webhook \
            configuration objects, to avoid locking itself out, so in a live cluster this rule may never see \
            such a request; the Kubernetes audit log is the dependable source for Defender's alert.
            """,
        rationale: """
            A new mutating webhook sees, and can rewrite, every object it matches, secrets included: it is a \
            classic persistence and privilege-escalation step after a compromise.
            """,
        remediation: "Confirm the change was intended; add the deploying identity (e.g. your GitOps controller) to allowedUsers.",
        references: [
            .defender("Creation of admission webhook configuration detected (alert K8S_AdmissionController)"),
        ],
        parameters: [
            ParameterSpec("allowedUsers", .stringList, default: "[]", "Request users (globs) whose changes are not reported."),
            ParameterSpec("allowedGroups", .stringList, default: "[]", "Request groups (globs) whose changes are not reported."),
        ],
        passing: [
            Example(
                """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingWebhookConfiguration
                metadata: {name: gatehouse}
                webhooks: []
                """),
            Example(
                """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingWebhookConfiguration
                metadata: {name: gatehouse}
                webhooks: []
                """,
                parameters: "{allowedUsers: ['system:serviceaccount:flux-system:*']}",
                request: AdmissionInfo(user: "system:serviceaccount:flux-system:kustomize-controller", operation: .update)),
        ],
        failing: [
            Example(
                """
                apiVersion: admissionregistration.k8s.io/v1
                kind: MutatingWebhookConfiguration
                metadata: {name: sidecar-injector}
                webhooks: []
                """,
                request: AdmissionInfo(user: "mallory@example.com", groups: ["system:authenticated"], operation: .create),
                paths: ["metadata.name"]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: [])
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let request = context.request, request.operation == .create || request.operation == .update,
            !allowed.contain(request)
        else { return }
        let verb = request.operation == .create ? "created" : "changed"
        context.report(
            "\(object.kind) \"\(object.name)\" \(verb) by \(request.user)", path: "metadata.name",
            at: object.metadata?["name"] ?? object.root)
    }
}

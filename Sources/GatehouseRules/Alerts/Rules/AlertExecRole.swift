import KubeModel

/// alert-exec-role: a Role or ClusterRole granting exec or attach into pods was created or changed.
public struct AlertExecRole: AlertRule {
    public static let tactic = Tactic.execution
    public static let description = RuleDescription(
        id: "alert-exec-role",
        title: "Role with pod exec privileges created",
        category: .alerts,
        severity: .medium,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create`, `update` or `patch` of `clusterroles` or `roles` whose request body \
            has a rule granting create or get on `pods/exec` or `pods/attach` in the core group, judged with the \
            permissions of the per-object rule rbac-pod-exec-attach, with RBAC's matching: `*/exec` and `*/attach` \
            grant them too, while `pods` and `pods/*` do not. Falco looks for the literal `pods/exec` only; \
            attach and the subresource wildcards open the same shell. The requester must not be in `allowedUsers` nor in a group of `allowedGroups` \
            (globs; default the API server and the ClusterRole aggregation controller, which write the default \
            roles edit and admin). A rule with `*` in its verbs or resources is left to alert-wildcard-role, which \
            reports it. The evidence is each granting rule.
            Without a request body (a `Metadata`-level event, or AKS dropped it) the rules are unknown: the event \
            is counted as unjudged, never alerted on.
            """,
        rationale: """
            Exec and attach run commands inside any container the role reaches, with that container's service \
            account token and mounted secrets: a role that grants them is a remote shell handed out.
            """,
        remediation: """
            Confirm the role is wanted; keep exec and attach to break-glass roles (rbac-pod-exec-attach) and list \
            the identities that install such roles in allowedUsers or allowedGroups.
            """,
        references: [
            .defender("none: closest is New high privileges role detected (alert K8S_HighPrivilegesRole)"),
            .other("Falco k8saudit rule \"ClusterRole With Pod Exec Created\""),
            tactic.reference,
        ],
        parameters: ParameterSpec.allowedRequesters(whose: "roles", users: AlertWriteRole.defaultUsers),
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: RequestResponse
                stage: ResponseComplete
                verb: create
                user: {username: alice}
                objectRef: {resource: clusterroles, apiGroup: rbac.authorization.k8s.io, name: log-reader, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: rbac.authorization.k8s.io/v1
                  kind: ClusterRole
                  metadata: {name: log-reader}
                  rules: [{apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}]
                """),
            // Metadata level: the rules are unknown, so no alert (the event is counted as unjudged).
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: create
                user: {username: alice}
                objectRef: {resource: clusterroles, apiGroup: rbac.authorization.k8s.io, name: debugger, apiVersion: v1}
                responseStatus: {code: 201}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: RequestResponse
                stage: ResponseComplete
                verb: create
                user: {username: mallory}
                objectRef: {resource: clusterroles, apiGroup: rbac.authorization.k8s.io, name: debugger, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: rbac.authorization.k8s.io/v1
                  kind: ClusterRole
                  metadata: {name: debugger}
                  rules:
                  - {apiGroups: [""], resources: [pods], verbs: [get, list]}
                  - {apiGroups: [""], resources: [pods/exec], verbs: [create]}
                """,
                paths: ["requestObject.rules[1]"]),
            // The subresource wildcard grants attach to every resource's attach subresource, pods' included.
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: patch
                user: {username: mallory}
                objectRef: {resource: roles, apiGroup: rbac.authorization.k8s.io, namespace: shop, name: support, apiVersion: v1}
                responseStatus: {code: 200}
                requestObject:
                  rules: [{apiGroups: [""], resources: ["*/attach"], verbs: [get, create]}]
                """,
                paths: ["requestObject.rules[0]"]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: AlertWriteRole.defaultUsers)
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard let kind = event.writesRole(by: allowed) else { return }
        guard let body = event.requestObject else { return context.cannotJudge(event.missingBodyReason) }
        let evidence = BodyCheck.policyRules(in: body).compactMap { rule -> Evidence? in
            guard !rule.hasWildcard else { return nil }
            let granted = RoleChecks.grants(rule, RbacPodExecAttach.permissions)
            return granted.isEmpty ? nil : Evidence("requestObject.rules[\(rule.index)]", granted)
        }
        guard !evidence.isEmpty else { return }
        context.report(
            "\(event.actorName) wrote \(kind) \(event.objectDisplayName) granting exec or attach into pods",
            evidence: evidence)
    }
}

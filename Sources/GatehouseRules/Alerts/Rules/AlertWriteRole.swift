import KubeModel

/// alert-write-role: a Role or ClusterRole granting write verbs was created or changed.
public struct AlertWriteRole: AlertRule {
    /// Falco's `writable_verbs`, and the verbs that hand out privileges without writing an object.
    static let defaultVerbs = ["create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate"]
    /// The API server reconciles the default roles; the aggregation controller writes the rules of
    /// aggregated ClusterRoles (admin, edit, view) from the roles that aggregate into them.
    static let defaultUsers = ["system:apiserver", "system:serviceaccount:kube-system:clusterrole-aggregation-controller"]

    public static let tactic = Tactic.privilegeEscalation
    public static let description = RuleDescription(
        id: "alert-write-role",
        title: "Role with write privileges created",
        category: .alerts,
        severity: .low,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create`, `update` or `patch` of `clusterroles` or `roles` whose request body \
            has a rule granting one of `verbs` (default Falco's writable verbs create, update, patch, delete and \
            deletecollection, plus escalate, bind and impersonate, which hand out privileges), on resources or \
            non-resource URLs, by a user not in `allowedUsers` and in no group of `allowedGroups` (globs; default \
            the API server and the ClusterRole aggregation controller). Updates count: adding a verb to an \
            existing role grants it as surely as a new role does. The evidence is each such rule, summarised. A \
            rule with `*` in its verbs or resources is left to alert-wildcard-role, which reports it.
            Without a request body (a `Metadata`-level event, or AKS dropped it) the rules are unknown: the event \
            is counted as unjudged, never alerted on.
            """,
        rationale: """
            Write access is what turns a foothold into a change: creating workloads, editing RBAC, deleting \
            evidence. Roles that grant it deserve a second look when they appear outside the deployment pipeline.
            """,
        remediation: """
            Confirm the role is wanted and its write verbs needed; list the identities that install roles (the \
            deployment pipeline, operators) in allowedUsers or allowedGroups.
            """,
        references: [
            .defender("none: closest is New high privileges role detected (alert K8S_HighPrivilegesRole)"),
            .other("Falco k8saudit rule \"ClusterRole With Write Privileges Created\""),
            tactic.reference,
        ],
        parameters: [
            ParameterSpec("verbs", .stringList, default: ParameterSpec.listDefault(defaultVerbs), "Verbs that make a role a writer."),
        ] + ParameterSpec.allowedRequesters(whose: "roles", users: defaultUsers),
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: RequestResponse
                stage: ResponseComplete
                verb: create
                user: {username: alice}
                objectRef: {resource: roles, apiGroup: rbac.authorization.k8s.io, namespace: shop, name: reader, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: rbac.authorization.k8s.io/v1
                  kind: Role
                  metadata: {name: reader, namespace: shop}
                  rules: [{apiGroups: [""], resources: [pods, services], verbs: [get, list, watch]}]
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
                objectRef: {resource: clusterroles, apiGroup: rbac.authorization.k8s.io, name: ops, apiVersion: v1}
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
                objectRef: {resource: clusterroles, apiGroup: rbac.authorization.k8s.io, name: some-reader, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: rbac.authorization.k8s.io/v1
                  kind: ClusterRole
                  metadata: {name: some-reader}
                  rules:
                  - {apiGroups: [""], resources: [pods], verbs: [get]}
                  - {nonResourceURLs: [/api, /apis], verbs: [delete]}
                """,
                paths: ["requestObject.rules[1]"]),
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: update
                user: {username: mallory}
                objectRef: {resource: roles, apiGroup: rbac.authorization.k8s.io, namespace: shop, name: reader, apiVersion: v1}
                responseStatus: {code: 200}
                requestObject:
                  apiVersion: rbac.authorization.k8s.io/v1
                  kind: Role
                  metadata: {name: reader, namespace: shop}
                  rules:
                  - {apiGroups: [""], resources: [pods], verbs: [get, list]}
                  - {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create, bind]}
                """,
                paths: ["requestObject.rules[1]"]),
        ]
    )

    let verbs: Set<String>
    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        verbs = Set(parameters.strings("verbs", default: Self.defaultVerbs))
        allowed = AllowedRequesters(parameters, users: Self.defaultUsers)
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard let kind = event.writesRole(by: allowed) else { return }
        guard let body = event.requestObject else { return context.cannotJudge(event.missingBodyReason) }
        var evidence: [Evidence] = []
        var granted: [String] = []
        for rule in BodyCheck.policyRules(in: body) where !rule.hasWildcard {
            let writes = rule.verbs.filter(verbs.contains)
            guard !writes.isEmpty else { continue }
            evidence.append(Evidence("requestObject.rules[\(rule.index)]", rule.summary))
            granted += writes.filter { !granted.contains($0) }
        }
        guard !evidence.isEmpty else { return }
        context.report(
            "\(event.actorName) wrote \(kind) \(event.objectDisplayName) granting \(granted.joined(separator: ", "))",
            evidence: evidence)
    }
}

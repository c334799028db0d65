import KubeModel

/// alert-wildcard-role: a Role or ClusterRole granting wildcard verbs or resources was created.
public struct AlertWildcardRole: AlertRule {
    public static let tactic = Tactic.privilegeEscalation
    public static let description = RuleDescription(
        id: "alert-wildcard-role",
        title: "Role with wildcard permissions created",
        category: .alerts,
        severity: .medium,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create`, `update` or `patch` of `clusterroles` or `roles` whose request body \
            has a rule with `*` in `verbs` or `resources`, by a user not in `allowedUsers` and in no group of \
            `allowedGroups` (globs; default the API server, which reconciles the built-in roles). The evidence \
            names each wildcard. Aggregated ClusterRoles (`aggregationRule`) get their rules from others and are \
            judged when those are written.
            Without a request body (a `Metadata`-level event, or AKS dropped it) the rules are unknown: the event \
            is counted as unjudged, never alerted on.
            """,
        rationale: """
            A wildcard grants every present and future verb or resource, including `escalate`, `bind` and \
            `impersonate`: it is cluster-admin under another name, the "new high privileges role" attackers add.
            """,
        remediation: """
            List the verbs and resources the role needs; delete the role if nobody asked for it.
            """,
        references: [
            .defender("New high privileges role detected (alert K8S_HighPrivilegesRole)"),
            .other("Falco k8saudit rule \"ClusterRole With Wildcard Created\""),
            tactic.reference,
        ],
        parameters: [
            ParameterSpec("allowedUsers", .stringList, default: "[system:apiserver]", "Users (globs) whose roles do not alert."),
            ParameterSpec("allowedGroups", .stringList, default: "[]", "Groups (globs) whose roles do not alert."),
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
                objectRef: {resource: clusterroles, apiGroup: rbac.authorization.k8s.io, name: reader, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: rbac.authorization.k8s.io/v1
                  kind: ClusterRole
                  metadata: {name: reader}
                  rules: [{apiGroups: [""], resources: [pods], verbs: [get, list, watch]}]
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
                objectRef: {resource: clusterroles, apiGroup: rbac.authorization.k8s.io, name: ops, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: rbac.authorization.k8s.io/v1
                  kind: ClusterRole
                  metadata: {name: ops}
                  rules:
                  - {apiGroups: [""], resources: [pods], verbs: [get]}
                  - {apiGroups: ["*"], resources: ["*"], verbs: [get, list]}
                """,
                paths: ["requestObject.rules[1].resources"]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: ["system:apiserver"])
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard event.modifies("clusterroles") || event.modifies("roles"), event.succeeded, !event.actor(in: allowed)
        else { return }
        guard let body = event.requestObject else { return context.cannotJudge(event.missingBodyReason) }
        var evidence: [Evidence] = []
        for (index, rule) in (body["rules"].map { Array($0.items) } ?? []).enumerated() {
            for field in ["verbs", "resources"] where rule[field]?.items.contains(where: { $0.string == "*" }) == true {
                evidence.append(Evidence("requestObject.rules[\(index)].\(field)", "*"))
            }
        }
        guard !evidence.isEmpty else { return }
        let kind = event.target.resource == "roles" ? "Role" : "ClusterRole"
        context.report("\(event.actorName) wrote \(kind) \(event.objectDisplayName) with wildcard permissions", evidence: evidence)
    }
}

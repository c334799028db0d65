import KubeModel

/// alert-system-role-changed: one of Kubernetes' default roles was changed or deleted.
public struct AlertSystemRoleChanged: AlertRule {
    /// Falco's exceptions: ClusterRoles that GKE's managers update in place.
    static let defaultRoles = ["system:coredns", "system:managed-certificate-controller"]
    /// Labels through which a ClusterRole adds its rules to the default roles admin, edit and view.
    static let aggregationLabels = ["admin", "edit", "view"].map { "rbac.authorization.k8s.io/aggregate-to-" + $0 }

    public static let tactic = Tactic.persistence
    public static let description = RuleDescription(
        id: "alert-system-role-changed",
        title: "Default role changed or deleted",
        category: .alerts,
        severity: .medium,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful request by a user not in `allowedUsers` and in no group of `allowedGroups` \
            (globs; default the API server, which reconciles the defaults at start, and the ClusterRole \
            aggregation controller) that
            - creates, updates, patches or deletes a `clusterroles` or `roles` object named like one of \
            Kubernetes' defaults: a name starting with `system:` (Falco's test), or a default's name without that \
            prefix (`cluster-admin`, `admin`, `edit`, `view`, the kube-system Roles), which Falco misses and which \
            are the roles everyone is bound to. A new role with such a name is a disguise, so creates count. \
            Names in `allowedRoles` (globs; default Falco's exceptions) are skipped. Works at every audit level.
            - deletes a whole collection of roles (`deletecollection`): the defaults may be among them.
            - writes a ClusterRole carrying a label `rbac.authorization.k8s.io/aggregate-to-admin`, `-edit` or \
            `-view` set to `"true"`: the aggregation controller then copies its rules into that default role, \
            and to everyone bound to it. Operators that install custom resources do this legitimately: list \
            their installers in allowedUsers. Without a request body this case cannot be told: the event is \
            counted as unjudged.
            """,
        rationale: """
            Editing a default role changes the permissions of every subject bound to it without touching a \
            binding, the object reviews look at: attackers widen `view` or `edit`, or a `system:` role bound to a \
            component they control, to keep access quietly.
            """,
        remediation: """
            Compare the role with the default (`kubectl auth reconcile` restores it) and find who changed it; \
            aggregate custom resources into admin, edit and view only from reviewed installers.
            """,
        references: [
            .defender("none: closest is New high privileges role detected (alert K8S_HighPrivilegesRole)"),
            .other("Falco k8saudit rule \"System ClusterRole Modified/Deleted\""),
            tactic.reference,
        ],
        parameters: [
            ParameterSpec(
                "allowedRoles", .stringList, default: ParameterSpec.listDefault(defaultRoles),
                "Role names (globs) whose changes do not alert."),
        ] + ParameterSpec.allowedRequesters(whose: "changes", users: AlertWriteRole.defaultUsers),
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: delete
                user: {username: alice}
                objectRef: {resource: clusterroles, apiGroup: rbac.authorization.k8s.io, name: some-reader, apiVersion: v1}
                responseStatus: {code: 200}
                """),
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: update
                user: {username: system:apiserver, groups: [system:masters]}
                objectRef: {resource: clusterroles, apiGroup: rbac.authorization.k8s.io, name: "system:node", apiVersion: v1}
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
                verb: delete
                user: {username: mallory}
                objectRef: {resource: clusterroles, apiGroup: rbac.authorization.k8s.io, name: "system:node-proxier", apiVersion: v1}
                responseStatus: {code: 200}
                """,
                paths: ["objectRef.name"]),
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: patch
                user: {username: mallory}
                objectRef: {resource: clusterroles, apiGroup: rbac.authorization.k8s.io, name: view, apiVersion: v1}
                responseStatus: {code: 200}
                requestObject:
                  rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
                """,
                paths: ["objectRef.name"]),
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: RequestResponse
                stage: ResponseComplete
                verb: create
                user: {username: mallory}
                objectRef: {resource: clusterroles, apiGroup: rbac.authorization.k8s.io, name: metrics-viewer, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: rbac.authorization.k8s.io/v1
                  kind: ClusterRole
                  metadata:
                    name: metrics-viewer
                    labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
                  rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
                """,
                paths: ["requestObject.metadata.labels"]),
        ]
    )

    let roles: [Glob]
    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        roles = parameters.strings("allowedRoles", default: Self.defaultRoles).map(Glob.init)
        allowed = AllowedRequesters(parameters, users: AlertWriteRole.defaultUsers)
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard let kind = event.roleKind, event.succeeded, !event.actor(in: allowed) else { return }
        let verb = event.verb
        if verb == "deletecollection" {
            let scope = event.target.namespace.isEmpty ? "" : " in namespace \(event.target.namespace)"
            return context.report(
                "\(event.actorName) deleted a collection of \(kind)s\(scope), defaults included if selected",
                evidence: [Evidence("verb", verb)])
        }
        guard verb == "delete" || event.modifies(event.target.resource) else { return }
        let name = event.objectName
        if Self.isDefaultName(name, kind: kind, namespace: event.target.namespace) {
            guard !roles.anyMatches(name) else { return }
            let done = ["create": "created", "delete": "deleted"][verb] ?? "changed"
            return context.report(
                "\(event.actorName) \(done) \(kind) \(event.objectDisplayName), named as a Kubernetes default",
                evidence: [Evidence("objectRef.name", name)])
        }
        guard kind == "ClusterRole", verb != "delete" else { return }
        guard let body = event.requestObject else { return context.cannotJudge(event.missingBodyReason) }
        let labels = Self.aggregationLabels.filter { body["metadata"]?["labels"]?[$0]?.string == "true" }
        guard !labels.isEmpty else { return }
        context.report(
            "\(event.actorName) wrote ClusterRole \(event.objectDisplayName), aggregated into the default role(s) "
                + labels.map { String($0.dropFirst("rbac.authorization.k8s.io/aggregate-to-".count)) }.joined(separator: ", "),
            evidence: [Evidence("requestObject.metadata.labels", labels.map { $0 + "=true" }.joined(separator: ", "))])
    }

    /// A `system:` name, or the name of one of ``KubernetesDefaults``' roles.
    static func isDefaultName(_ name: String, kind: String, namespace: String) -> Bool {
        name.hasPrefix("system:")
            || (kind == "ClusterRole" ? KubernetesDefaults.clusterRoleNames.contains(name)
                : KubernetesDefaults.roleNames.contains("\(namespace)/\(name)"))
    }
}

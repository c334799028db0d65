import KubeModel

/// alert-cluster-admin-binding: a binding to the cluster-admin ClusterRole was created.
public struct AlertClusterAdminBinding: AlertRule {
    public static let tactic = Tactic.persistence
    public static let description = RuleDescription(
        id: "alert-cluster-admin-binding",
        title: "Role binding to cluster-admin created",
        category: .alerts,
        severity: .medium,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create`, `update` or `patch` of `clusterrolebindings` or `rolebindings` whose \
            request body's `roleRef` names the ClusterRole `cluster-admin`, by a user not in `allowedUsers` and in \
            no group of `allowedGroups` (globs). The evidence is `roleRef.name` and the subjects bound.
            Without a request body (a `Metadata`-level event, or AKS dropped it) the role bound is unknown: the \
            event is counted as unjudged, never alerted on. A `patch` body holds only the changed fields: a patch \
            that does not touch `roleRef` (which is immutable) is not a new binding to cluster-admin.
            """,
        rationale: """
            A binding to cluster-admin gives its subjects every permission in the cluster: attackers add one to \
            keep their access after the credential they came in with is revoked.
            """,
        remediation: """
            Confirm the binding is wanted; delete it otherwise and find how its creator got the right to bind \
            cluster-admin (rbac-escalate-bind-impersonate). Prefer narrower roles.
            """,
        references: [
            .defender("Role binding to the cluster-admin role detected (alert K8S_ClusterAdminBinding)"),
            .other("Falco k8saudit rule \"Attach to cluster-admin Role\""),
            tactic.reference,
        ],
        parameters: [
            ParameterSpec("allowedUsers", .stringList, default: "[]", "Users (globs) whose bindings do not alert."),
            ParameterSpec("allowedGroups", .stringList, default: "[]", "Groups (globs) whose bindings do not alert."),
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
                objectRef: {resource: clusterrolebindings, apiGroup: rbac.authorization.k8s.io, name: readers, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: rbac.authorization.k8s.io/v1
                  kind: ClusterRoleBinding
                  metadata: {name: readers}
                  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                  subjects: [{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]
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
                objectRef: {resource: clusterrolebindings, apiGroup: rbac.authorization.k8s.io, name: backdoor, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: rbac.authorization.k8s.io/v1
                  kind: ClusterRoleBinding
                  metadata: {name: backdoor}
                  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                  subjects: [{kind: ServiceAccount, name: default, namespace: default}]
                """,
                paths: ["requestObject.roleRef.name", "requestObject.subjects"]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: [])
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard event.modifies("clusterrolebindings") || event.modifies("rolebindings"), event.succeeded,
            !event.actor(in: allowed)
        else { return }
        guard let body = event.requestObject else { return context.cannotJudge(event.missingBodyReason) }
        guard let roleRef = body["roleRef"], roleRef["kind"]?.string == "ClusterRole",
            roleRef["name"]?.string == "cluster-admin"
        else { return }
        let subjects: [String] = (body["subjects"].map { Array($0.items) } ?? []).map { subject in
            let namespace = subject["namespace"]?.string.map { $0 + "/" } ?? ""
            return "\(subject["kind"]?.string ?? "?") \(namespace)\(subject["name"]?.string ?? "?")"
        }
        context.report(
            "\(event.actorName) bound cluster-admin to \(subjects.isEmpty ? "no subject yet" : subjects.joined(separator: ", ")) "
                + "(binding \(event.objectDisplayName))",
            evidence: [
                Evidence("requestObject.roleRef.name", "cluster-admin"),
                Evidence("requestObject.subjects", subjects.joined(separator: ", ")),
            ])
    }
}

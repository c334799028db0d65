import KubeModel

/// events-deleted: deleting Events erases the cluster's own record of what happened.
///
/// Two sources, one rule:
/// - At admission (a DELETE reaching the webhook; the rule judges deletes): the object is the Event being
///   deleted (`v1` or `events.k8s.io/v1`), the request names the user.
/// - In the auditor, from the Kubernetes API audit log: the object is an `audit.k8s.io/v1` Event (one line of
///   the log backend's JSON Lines file, or an item of an `EventList`) recording a `delete` or
///   `deletecollection` of the `events` resource.
public struct EventsDeleted: Rule {
    /// Who deletes Events in normal operation. Events otherwise expire through their etcd lease (`--event-ttl`,
    /// one hour by default), which is not an API call and leaves no audit entry.
    static let defaultUsers = [
        // The namespace controller empties a namespace being deleted, Events included (deletecollection per
        // namespace), under its own service account with --use-service-account-credentials...
        "system:serviceaccount:kube-system:namespace-controller",
        // ...or as the controller manager itself without it.
        "system:kube-controller-manager",
        // The garbage collector deletes Events that carry ownerReferences once their owner is gone.
        "system:serviceaccount:kube-system:generic-garbage-collector",
        // The API server's own loopback client.
        "system:apiserver",
    ]
    static let eventGroups: Set<String> = ["", "events.k8s.io"]

    public static let description = RuleDescription(
        id: "events-deleted",
        title: "Events deleted",
        category: .namespaces,
        severity: .low,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Reports Events (core `v1` or `events.k8s.io`) deleted by a user not in `allowedUsers` and in no group \
            of `allowedGroups` (globs), from two sources:
            - At admission: a DELETE of an Event. The rule judges deletes, so the webhook evaluates the object \
            being deleted (`request.oldObject`, or the request's namespace and name when the API server sends \
            none); a deletecollection reaches the webhook as one DELETE per Event. A DELETE is never refused: \
            the finding becomes an audit annotation (a warning if the policy sets the action to warn). The \
            shipped webhook configuration registers DELETE of `events` in a separate entry with \
            `failurePolicy: Ignore` and a short timeout, so observing deletes never puts the API at risk.
            - In the auditor: an `audit.k8s.io/v1` Event (the API server's audit log, one JSON object per line; \
            `gatehouse audit audit.log`) whose `verb` is `delete` or `deletecollection`, `objectRef.resource` is \
            `events`, `objectRef.apiGroup` is empty or `events.k8s.io` and there is no subresource. Only the \
            `ResponseComplete` stage (or an entry without `stage`) counts, so one request logged at several \
            stages is reported once; a `responseStatus.code` of 400 or more (the delete failed) is not reported. \
            When the user impersonated another (`impersonatedUser`), the deletion is allowed only when both are.
            The message names the user, the namespace and the Event (or "all events" for deletecollection).
            Default `allowedUsers`: the namespace controller (`system:serviceaccount:kube-system:namespace-controller`, \
            or `system:kube-controller-manager` without per-controller credentials), the garbage collector \
            (`system:serviceaccount:kube-system:generic-garbage-collector`) and `system:apiserver`: deleting a \
            namespace empties it of its Events, which must stay silent. Expiry by `--event-ttl` is not an API \
            call and is never seen. `allowedGroups` is empty: cluster administrators are reported, as Defender does.
            Without a request and for objects other than audit Events (an Event exported with `kubectl get \
            events`) nothing is reported. An audit-log entry is reported under its audit ID in the namespace of the \
            deleted Events (`objectRef.namespace`), so the policy's namespace exclusions apply to it as at \
            admission. NOTE: the default policy excludes kube-system from every rule, so neither the webhook nor \
            the auditor reports Events deleted there until the policy stops excluding kube-system for this rule.
            """,
        rationale: """
            Events record scheduling, image pulls, probe failures and evictions. An attacker deletes them to hide \
            a privileged pod, a crash-looping miner or a failed exploit from whoever looks next.
            """,
        remediation: """
            Confirm who deleted the Events and why; add identities that legitimately clean up Events (a cleanup \
            job's service account) to allowedUsers.
            """,
        references: [
            .defender("Kubernetes events deleted (alert K8S_DeleteEvents)"),
            .other("Kubernetes auditing: audit.k8s.io/v1 Event (https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/)"),
        ],
        parameters: [
            ParameterSpec(
                "allowedUsers", .stringList, default: "[" + defaultUsers.joined(separator: ", ") + "]",
                "Users (globs) whose Event deletions are not reported."),
            ParameterSpec("allowedGroups", .stringList, default: "[]", "Groups (globs) whose Event deletions are not reported."),
        ],
        judgesDeletes: true,
        passing: [
            // An exported Event, read by the auditor: not a deletion.
            Example(
                """
                apiVersion: v1
                kind: Event
                metadata: {name: web-7d9.17a1, namespace: shop}
                involvedObject: {kind: Pod, name: web-7d9, namespace: shop}
                reason: Pulled
                """),
            // The namespace controller emptying a namespace being deleted.
            Example(
                """
                apiVersion: v1
                kind: Event
                metadata: {name: web-7d9.17a1, namespace: shop}
                reason: Pulled
                """,
                request: AdmissionInfo(
                    user: "system:serviceaccount:kube-system:namespace-controller",
                    groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system"], operation: .delete,
                    namespace: "shop")),
            // Creating an Event is what every controller does.
            Example(
                """
                apiVersion: events.k8s.io/v1
                kind: Event
                metadata: {name: web-7d9.17a1, namespace: shop}
                reason: Pulled
                """,
                request: AdmissionInfo(user: "system:node:aks-nodepool1-0", operation: .create)),
            // An allowed group, by parameter.
            Example(
                """
                apiVersion: v1
                kind: Event
                metadata: {name: web-7d9.17a1, namespace: shop}
                """,
                parameters: "{allowedGroups: ['platform-admins']}",
                request: AdmissionInfo(user: "bob", groups: ["platform-admins"], operation: .delete)),
            // The audit log: the same delete at the RequestReceived stage (reported at ResponseComplete only).
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                auditID: 3f1c2d4e-0000-4000-8000-000000000001
                stage: RequestReceived
                verb: delete
                user: {username: alice@example.com, groups: [system:authenticated]}
                objectRef: {resource: events, namespace: shop, name: web-7d9.17a1, apiVersion: v1}
                """),
            // The audit log: a denied delete did not delete anything.
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                auditID: 3f1c2d4e-0000-4000-8000-000000000002
                stage: ResponseComplete
                verb: deletecollection
                user: {username: mallory, groups: [system:authenticated]}
                objectRef: {resource: events, namespace: shop, apiVersion: v1}
                responseStatus: {code: 403, reason: Forbidden}
                """),
            // The audit log: deleting a pod is not deleting events.
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                stage: ResponseComplete
                verb: delete
                user: {username: alice@example.com}
                objectRef: {resource: pods, namespace: shop, name: web-7d9, apiVersion: v1}
                responseStatus: {code: 200}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Event
                metadata: {name: web-7d9.17a1, namespace: shop}
                reason: Killing
                """,
                request: AdmissionInfo(
                    user: "alice@example.com", groups: ["system:authenticated"], operation: .delete, namespace: "shop"),
                paths: ["metadata.name"]),
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                auditID: 3f1c2d4e-0000-4000-8000-000000000003
                stage: ResponseComplete
                requestURI: /api/v1/namespaces/shop/events/web-7d9.17a1
                verb: delete
                user: {username: alice@example.com, groups: [system:authenticated]}
                objectRef: {resource: events, namespace: shop, name: web-7d9.17a1, apiVersion: v1}
                responseStatus: {metadata: {}, code: 200}
                """,
                paths: ["verb"]),
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                auditID: 3f1c2d4e-0000-4000-8000-000000000004
                verb: deletecollection
                user: {username: "system:serviceaccount:shop:cleaner"}
                objectRef: {resource: events, namespace: shop, apiGroup: events.k8s.io, apiVersion: v1}
                """,
                paths: ["verb"]),
            // Impersonating an allowed identity does not make the deletion allowed.
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                stage: ResponseComplete
                verb: delete
                user: {username: alice@example.com, groups: [system:authenticated]}
                impersonatedUser: {username: "system:serviceaccount:kube-system:namespace-controller"}
                objectRef: {resource: events, namespace: shop, name: web-7d9.17a1, apiVersion: v1}
                responseStatus: {code: 200}
                """,
                paths: ["verb"]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: Self.defaultUsers)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if object.group == "audit.k8s.io" {
            checkAuditEntry(object, &context)
        } else if let request = context.request, request.operation == .delete, Self.eventGroups.contains(object.group),
            !allowed.contain(request)
        {
            let namespace = Matching.namespace(of: object, request) ?? ""
            context.report(
                "Event \"\(namespace)/\(object.name)\" deleted by \(request.user)", path: "metadata.name",
                at: object.metadata?["name"] ?? object.metadata)
        }
    }

    /// One entry of the API server's audit log (`audit.k8s.io/v1` Event).
    private func checkAuditEntry(_ entry: KubeObject, _ context: inout CheckContext) {
        let root = entry.root
        guard let verbValue = root["verb"], let verb = verbValue.string, verb == "delete" || verb == "deletecollection",
            let target = root["objectRef"], target["resource"]?.string == "events",
            Self.eventGroups.contains(target["apiGroup"]?.string ?? ""),
            (target["subresource"]?.string ?? "").isEmpty
        else { return }
        if let stage = root["stage"]?.string, stage != "ResponseComplete" { return }
        if let code = root["responseStatus"]?["code"]?.int, code >= 400 { return }

        let user = root["user"]
        let username = user?["username"]?.string ?? ""
        let requester = AdmissionInfo(
            user: username, groups: user?["groups"]?.items.compactMap(\.string) ?? [], operation: .delete)
        var permitted = allowed.contain(requester)
        var who = username.isEmpty ? "an unnamed user" : username
        if let impersonated = root["impersonatedUser"], let name = impersonated["username"]?.string {
            let impersonation = AdmissionInfo(
                user: name, groups: impersonated["groups"]?.items.compactMap(\.string) ?? [], operation: .delete)
            permitted = permitted && allowed.contain(impersonation)
            who += " (as \(name))"
        }
        guard !permitted else { return }

        let namespace = target["namespace"]?.string
        let what: String
        if verb == "deletecollection" || (target["name"]?.string ?? "").isEmpty {
            what = namespace.map { "all events in namespace \"\($0)\"" } ?? "all events in all namespaces"
        } else {
            what = "Event \"\(namespace.map { $0 + "/" } ?? "")\(target["name"]?.string ?? "")\""
        }
        var message = "\(what) deleted by \(who)"
        if let id = root["auditID"]?.string { message += " (audit ID \(id))" }
        context.report(message, path: "verb", at: verbValue)
    }
}

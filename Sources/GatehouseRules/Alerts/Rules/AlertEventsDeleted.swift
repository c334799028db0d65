import KubeModel

/// alert-events-deleted: Kubernetes Events were deleted, which erases the cluster's record of what happened.
///
/// The per-object rule `events-deleted` stays: it judges DELETEs at admission and keeps `gatehouse audit`'s
/// reports as they are. This alert shares its knowledge (who deletes Events in normal operation, which API
/// groups hold Events) and brings the alert's actor, time and deduplication.
public struct AlertEventsDeleted: AlertRule {
    public static let tactic = Tactic.defenseEvasion
    public static let description = RuleDescription(
        id: "alert-events-deleted",
        title: "Kubernetes events deleted",
        category: .alerts,
        severity: .low,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `delete` or `deletecollection` of `events` (API group empty or \
            `events.k8s.io`, no subresource) by a user not in `allowedUsers` and in no group of `allowedGroups` \
            (globs); when the user impersonated another, both must be allowed. The defaults are those of \
            `events-deleted`: the namespace controller, the garbage collector and the API server's loopback \
            client, which delete Events when a namespace or an owner goes. Works at every audit level. Unlike \
            `events-deleted` in `gatehouse audit`, the policy's excluded namespaces do not silence it: hiding \
            tracks in kube-system is the case to see.
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
            .other("Falco k8saudit: no equivalent rule"),
            tactic.reference,
        ],
        parameters: [
            ParameterSpec(
                "allowedUsers", .stringList, default: "[" + EventsDeleted.defaultUsers.joined(separator: ", ") + "]",
                "Users (globs) whose Event deletions do not alert."),
            ParameterSpec("allowedGroups", .stringList, default: "[]", "Groups (globs) whose Event deletions do not alert."),
        ],
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: deletecollection
                user: {username: "system:serviceaccount:kube-system:namespace-controller"}
                objectRef: {resource: events, namespace: shop, apiVersion: v1}
                responseStatus: {code: 200}
                """),
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: delete
                user: {username: alice}
                objectRef: {resource: configmaps, namespace: shop, name: settings, apiVersion: v1}
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
                verb: deletecollection
                user: {username: mallory}
                impersonatedUser: {username: "system:serviceaccount:kube-system:namespace-controller"}
                objectRef: {resource: events, namespace: kube-system, apiVersion: v1}
                responseStatus: {code: 200}
                """,
                paths: ["verb", "objectRef.resource"]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: EventsDeleted.defaultUsers)
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard event.verb == "delete" || event.verb == "deletecollection", event.target.resource == "events",
            EventsDeleted.eventGroups.contains(event.target.apiGroup), event.target.subresource.isEmpty,
            event.succeeded, !event.actor(in: allowed)
        else { return }
        let namespace = event.target.namespace
        let what =
            event.verb == "deletecollection" || event.target.name.isEmpty
            ? (namespace.isEmpty ? "all events in all namespaces" : "all events in namespace \"\(namespace)\"")
            : "event \(event.objectDisplayName)"
        context.report(
            "\(event.actorName) deleted \(what)",
            evidence: [Evidence("verb", event.verb), Evidence("objectRef.resource", "events")])
    }
}

import KubeModel

/// alert-secret-read-unusual: an identity read secrets in a namespace where it is not a usual reader.
public struct AlertSecretReadUnusual: BaselineAlertRule {
    /// The control plane's own identities and the kubelets (the node authorizer limits a kubelet to the secrets
    /// of the pods bound to its node): they read secrets all day, as their job.
    static let defaultUsers = ["system:apiserver", "system:kube-controller-manager", "system:kube-scheduler", "system:node:*"]

    public static let tactic = Tactic.credentialAccess
    public static let description = RuleDescription(
        id: "alert-secret-read-unusual",
        title: "Secrets read by an unusual identity",
        category: .alerts,
        severity: .medium,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts when an identity reads secrets (a successful `get`, `list` or `watch` on `secrets` of the core \
            API group, with or without a name or subresource) in a namespace where it is not a usual reader. \
            The identity is the effective user name exactly as recorded (the impersonated user when the request \
            impersonates, `system:serviceaccount:NS:NAME` for service accounts; case counts, as for RBAC); a \
            list across all namespaces is a read in every namespace. Users in `allowedUsers` and members of \
            `allowedGroups` (globs; when impersonating, both identities must be allowed) are skipped: by \
            default the API server, the controller manager, the scheduler and the kubelets (`system:node:*`). \
            Anonymous requests are left to alert-anonymous-allowed, which alerts on each of them. \
            Works at every audit level and for `v1beta1` events: it reads no body. \
            The baseline comes from one of two places. **Learned from the log:** the first `learningPeriod` \
            (a duration, default `24h`) of event time from the first event the rule sees is a learning \
            period: reads in it are learned and noted as not judged; after it, the first read by an identity \
            never seen reading secrets in that namespace alerts once and is learned, so it does not alert \
            again. A log shorter than the period raises nothing (the note says so); `--follow` and the \
            audit sink of `serve` keep learning for as long as they run, from the first event they receive. \
            **An exported cluster state** (`gatehouse alerts --baseline PATH`, manifests as `audit` reads \
            them): no learning period; a read alerts (once per identity and namespace) unless the export's RBAC, \
            with Kubernetes' built-in roles, lets the identity do that verb on secrets there, through its \
            user, its service account or one of its recorded groups (a grant limited by `resourceNames` covers \
            the secrets it names; only cluster-wide grants cover a read across all namespaces). The memory of readers is bounded: it holds at most `maxReaders` identity and \
            namespace pairs; when it is full it stops learning, says so once as a note, and a new reader then \
            alerts each time (merged within the deduplication window) instead of being remembered.
            """,
        rationale: """
            Secrets hold credentials: a stolen token used to read them is the usual next step after a foothold, \
            and it shows as an identity reading secrets where it never did. Falco's "K8s Secret Get \
            Successfully" alerts on every read, which drowns the few that matter; this rule alerts only on the \
            readers that are new.
            """,
        remediation: """
            Confirm who the identity is and why it read the secrets. If the read is legitimate, it is learned \
            (or grant it in the cluster, so the next export allows it); if not, revoke the identity's \
            credentials, rotate the secrets it read and find the binding that lets it read them \
            (`gatehouse who-can get secrets -n NAMESPACE`).
            """,
        references: [
            .defender("Anomalous secret access (a behavioural Defender alert, deprecated in 2024)"),
            .other("Falco k8saudit rule \"K8s Secret Get Successfully\" (this rule is its baseline form)"),
            tactic.reference,
        ],
        parameters: [
            ParameterSpec(
                "learningPeriod", .string, default: "24h",
                "How long, in event time from the first event, reads are learned instead of judged (0: none). Not used with --baseline."),
            ParameterSpec("maxReaders", .int, default: "10000", "The most identity and namespace pairs the rule remembers."),
        ] + ParameterSpec.allowedRequesters(whose: "reads of secrets", users: defaultUsers),
        passing: [
            // In the learning period (the first event starts it): learned, not judged.
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                stageTimestamp: "2024-05-01T10:00:00.000000Z"
                verb: get
                user: {username: mallory, groups: [system:authenticated]}
                objectRef: {resource: secrets, namespace: shop, name: db-password, apiVersion: v1}
                responseStatus: {code: 200}
                """),
            // A kubelet reading a secret for a pod of its node.
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: get
                user: {username: "system:node:aks-nodepool1-12345678-vmss000000", groups: [system:nodes, system:authenticated]}
                objectRef: {resource: secrets, namespace: shop, name: db-password, apiVersion: v1}
                responseStatus: {code: 200}
                """,
                parameters: "{learningPeriod: \"0\"}"),
            // Refused by RBAC: nothing was read.
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: list
                user: {username: mallory}
                objectRef: {resource: secrets, namespace: kube-system, apiVersion: v1}
                responseStatus: {code: 403}
                """,
                parameters: "{learningPeriod: \"0\"}"),
        ],
        failing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                requestURI: /api/v1/namespaces/shop/secrets/db-password
                verb: get
                user: {username: "system:serviceaccount:shop:web", groups: ["system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated"]}
                sourceIPs: [10.244.1.17]
                objectRef: {resource: secrets, namespace: shop, name: db-password, apiVersion: v1}
                responseStatus: {code: 200}
                """,
                parameters: "{learningPeriod: \"0\"}",
                paths: ["user.username", "verb", "objectRef.namespace"]),
            // The effective identity of an impersonated request is the impersonated one.
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: list
                user: {username: alice, groups: [system:authenticated]}
                impersonatedUser: {username: "system:serviceaccount:kube-system:deployment-controller"}
                objectRef: {resource: secrets, namespace: kube-system, apiVersion: v1}
                responseStatus: {code: 200}
                """,
                parameters: "{learningPeriod: \"0\"}",
                paths: ["impersonatedUser.username", "verb", "objectRef.namespace"]),
        ]
    )

    let allowed: AllowedRequesters
    let learningPeriodText: String
    let baseline: ClusterBaseline?
    /// The readers seen so far: this instance's memory, bounded by `maxReaders`.
    let readers: SecretReaderBaseline

    public init(parameters: RuleParameters, baseline: ClusterBaseline?) throws {
        allowed = AllowedRequesters(parameters, users: Self.defaultUsers)
        let period = try parameters.duration("learningPeriod", default: 86400)
        learningPeriodText = parameters.string("learningPeriod", default: "24h") ?? "24h"
        let capacity = parameters.int("maxReaders", default: 10000)
        guard capacity > 0 else {
            throw ParameterError(
                parameter: "maxReaders", position: parameters.value("maxReaders")?.position ?? .unknown,
                message: "must be at least 1")
        }
        self.baseline = baseline
        // An export judges alone; a period of 0 judges from the first event.
        readers = SecretReaderBaseline(learningPeriod: baseline == nil && period > 0 ? period : nil, capacity: capacity)
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard Self.readsSecrets(event) else {
            if readers.waitsForClock { readers.startClock(at: event.time) }
            return
        }
        guard event.succeeded, !event.actor(in: allowed), !Self.isAnonymous(event) else {
            readers.startClock(at: event.time)
            return
        }
        let identity = event.impersonatedUser ?? event.user
        let reader = SecretReaderBaseline.Reader(identity: identity.username, namespace: event.target.namespace)
        if readers.knows(reader) { return }
        var why = "no read of secrets there by this identity was seen before"
        if let baseline {
            // Allowed reads are asked of the RBAC each time (the verb and the name count); only readers that
            // alerted are remembered, so each alerts once.
            switch Self.permission(baseline.rbac, identity, verb: event.verb, namespace: reader.namespace, name: event.objectName) {
            case .everySecret, .thisSecret:
                return
            case .none:
                let scope = reader.namespace.isEmpty ? "across all namespaces" : "in \(reader.namespace)"
                why = "not allowed to read secrets \(scope) by the baseline's RBAC: granted since?"
            }
        }
        let sighting = readers.sight(reader, at: event.time)
        note(sighting, &context)
        switch sighting.verdict {
        case .known: return
        case .learning:
            context.cannotJudge(
                "the learning period (\(learningPeriodText) of event time from the first event) had not ended: "
                    + "secret reads were learned, not judged")
            return
        case .unusual: break
        }
        let usernamePath = event.impersonatedUser == nil ? "user.username" : "impersonatedUser.username"
        var evidence = [Evidence(usernamePath, identity.username), Evidence("verb", event.verb)]
        if !reader.namespace.isEmpty { evidence.append(Evidence("objectRef.namespace", reader.namespace)) }
        let place = reader.namespace.isEmpty ? "across all namespaces" : "in namespace \(reader.namespace)"
        let what = event.objectName.isEmpty ? event.verb : "\(event.verb) \(event.objectName)"
        context.report("\(event.actorName) read secrets \(place) (\(what)): \(why)", evidence: evidence)
    }

    /// Says once that the memory is full.
    func note(_ sighting: SecretReaderBaseline.Sighting, _ context: inout AlertContext) {
        guard sighting.filledUp else { return }
        context.cannotJudge(
            "the memory of secret readers is full (maxReaders \(readers.capacity)): new readers are no longer "
                + "learned, so each of their reads alerts")
    }

    /// An unauthenticated request: alert-anonymous-allowed judges it, every time and at a higher severity.
    static func isAnonymous(_ event: AuditEvent) -> Bool {
        event.user.username == "system:anonymous" || event.user.groups.contains("system:unauthenticated")
    }

    /// A read of core-group secrets (the group is checked only when recorded).
    static func readsSecrets(_ event: AuditEvent) -> Bool {
        event.target.resource == "secrets" && event.target.apiGroup.isEmpty
            && (event.verb == "get" || event.verb == "list" || event.verb == "watch")
    }

    /// What an exported cluster's RBAC lets an identity read with one verb.
    enum Permission {
        case none
        /// Only some secrets by name (`resourceNames`), this one among them.
        case thisSecret
        case everySecret
    }

    /// How `rbac` lets `identity` (its user name, as a user or a service account, or one of its groups) do
    /// `verb` on secrets in `namespace` (empty: across all namespaces, which only cluster-wide grants allow).
    static func permission(
        _ rbac: RBACGraph, _ identity: AuditEvent.User, verb: String, namespace: String, name: String
    ) -> Permission {
        let request = AccessRequest(verb: verb, resource: "secrets", namespace: namespace.isEmpty ? nil : namespace)
        let grants = rbac.whoCan(request).filter { entry in
            guard !namespace.isEmpty || entry.grant.namespace == nil else { return false }
            let subject = entry.subject
            switch subject.kind {
            case "User": return subject.name == identity.username
            case "Group": return identity.groups.contains(subject.name)
            case "ServiceAccount":
                return identity.username == "system:serviceaccount:\(subject.namespace ?? ""):\(subject.name)"
            default: return false
            }
        }
        if grants.contains(where: { $0.onlyNames.isEmpty }) { return .everySecret }
        return !name.isEmpty && grants.contains { $0.onlyNames.contains(name) } ? .thisSecret : .none
    }
}

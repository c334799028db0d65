import KubeModel

/// What alert rules ask of an audit event, said once.
extension AuditEvent {
    /// The request completed (or, for exec and attach, its stream started) and was not refused: the stage is
    /// `ResponseStarted` or `ResponseComplete` (or not recorded) and the response code, when recorded, is
    /// below 400. One request logged at several stages is judged at each of them; deduplication counts it once.
    public var succeeded: Bool {
        (stage.isEmpty || stage == "ResponseComplete" || stage == "ResponseStarted") && (responseCode ?? 200) < 400
    }

    /// A create of `resource` (in `group`), not of one of its subresources.
    public func creates(_ resource: String, group: String? = nil) -> Bool {
        verb == "create" && target.resource == resource && target.subresource.isEmpty
            && (group == nil || target.apiGroup == group)
    }

    /// Create, update or patch of `resource`, not of a subresource.
    public func modifies(_ resource: String) -> Bool {
        (verb == "create" || verb == "update" || verb == "patch") && target.resource == resource
            && target.subresource.isEmpty
    }

    /// Why the request body cannot be read, for ``AlertContext/cannotJudge(_:)``.
    public var missingBodyReason: String {
        level == "Metadata" || level == "None"
            ? "the event is at \(level) level, so the request body is not recorded"
            : "the request body is not recorded (AKS drops bodies too big to log)"
    }

    /// The actor as a message names it: the user, and whom they impersonated.
    public var actorName: String {
        let name = user.username.isEmpty ? "an unnamed user" : user.username
        return impersonatedUser.map { "\(name) (as \($0.username))" } ?? name
    }

    /// `namespace/name` of the object, or the name alone for cluster-scoped objects.
    public var objectDisplayName: String {
        target.namespace.isEmpty ? objectName : "\(target.namespace)/\(objectName)"
    }

    /// Whether the actor, or the identity they impersonate, is among `allowed`; impersonating an allowed
    /// identity is not enough, both must be.
    func actor(in allowed: AllowedRequesters) -> Bool {
        let operation = AdmissionInfo.Operation.create
        guard allowed.contain(AdmissionInfo(user: user.username, groups: user.groups, operation: operation)) else {
            return false
        }
        guard let impersonatedUser else { return true }
        return allowed.contain(
            AdmissionInfo(user: impersonatedUser.username, groups: impersonatedUser.groups, operation: operation))
    }
}

/// Runs a per-object rule on the body of an audit event, so an alert judges a created object exactly as the
/// admission webhook and the auditor do (the knowledge stays in one rule).
enum BodyCheck {
    /// The findings of `rule` (with its default parameters) on `body`, as evidence paths under `requestObject`.
    static func findings(of rule: some Rule, in body: Value, origin: AuditEvent.Origin) -> [Finding] {
        guard let object = KubeObject(root: body, source: SourceRef(file: origin.file)) else { return [] }
        return rule.evaluate(object)
    }

    /// Evidence for `findings`: each finding's path under `requestObject`, with its message.
    static func evidence(_ findings: [Finding]) -> [Evidence] {
        findings.map { Evidence("requestObject." + $0.path, $0.message) }
    }
}

extension BodyCheck {
    /// The findings of each of `rules` on `body`, in the order of `rules`.
    static func findings(of rules: [any Rule], in body: Value, origin: AuditEvent.Origin) -> [Finding] {
        guard let object = KubeObject(root: body, source: SourceRef(file: origin.file)) else { return [] }
        return rules.flatMap { $0.evaluate(object) }
    }

    /// Every image of the pod in `body` (init, regular and ephemeral containers), for exemptions by image.
    static func podImages(in body: Value, origin: AuditEvent.Origin) -> [String] {
        guard let object = KubeObject(root: body, source: SourceRef(file: origin.file)),
            let pod = PodTemplate(of: object)
        else { return [] }
        return pod.containers.map(\.image)
    }

    /// The rules of a Role or ClusterRole body (`rules[]`), each with its index.
    static func policyRules(in body: Value) -> [PolicyRule] {
        guard let list = body["rules"], list.isSequence else { return [] }
        return list.items.enumerated().compactMap { index, item in item.isMapping ? PolicyRule(item, index: index) : nil }
    }
}

extension AuditEvent {
    /// `ClusterRole` or `Role` when the request is about `clusterroles` or `roles` of the RBAC group (the group
    /// is checked only when recorded), else `nil`.
    var roleKind: String? {
        guard target.apiGroup.isEmpty || target.apiGroup == "rbac.authorization.k8s.io" else { return nil }
        switch target.resource {
        case "clusterroles": return "ClusterRole"
        case "roles": return "Role"
        default: return nil
        }
    }

    /// A request on the `subresource` of `pods` with one of `verbs`.
    func onPods(_ subresource: String, verbs: Set<String>) -> Bool {
        target.resource == "pods" && target.subresource == subresource && verbs.contains(verb)
    }
}

/// How a Service in a request body is reachable from outside the cluster, read from the body alone (a patch
/// holds only the fields it changes).
struct ServiceExposure {
    /// `spec.type` as written, `nil` when the body does not set it.
    let type: String?
    /// Each way in: `spec.type` for a NodePort or a public LoadBalancer, `spec.externalIPs` when set.
    let evidence: [Evidence]

    init(_ body: Value) {
        let spec = body["spec"]
        type = spec?["type"]?.string
        var evidence: [Evidence] = []
        let isInternal = body["metadata"]?["annotations"]?[ServiceView.internalAnnotation]?.string == "true"
        if let type, type == "NodePort" || (type == "LoadBalancer" && !isInternal) {
            evidence.append(Evidence("requestObject.spec.type", type))
        }
        let externalIPs = spec?["externalIPs"]?.items.compactMap(\.string) ?? []
        if !externalIPs.isEmpty {
            evidence.append(Evidence("requestObject.spec.externalIPs", externalIPs.joined(separator: ", ")))
        }
        self.evidence = evidence
    }

    /// The values of `spec.selector`, sorted by key.
    static func selectorValues(_ body: Value) -> [String] {
        let pairs = body["spec"]?["selector"]?.pairs.compactMap { pair in pair.key.string.map { ($0, pair.value.string ?? "") } } ?? []
        return pairs.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

extension AuditEvent {
    /// A successful create, update or patch of `roles` or `clusterroles` by an actor not in `allowed`: the
    /// requests the role alerts judge. The role's kind, or `nil`.
    func writesRole(by allowed: AllowedRequesters) -> String? {
        guard let kind = roleKind, modifies(target.resource), succeeded, !actor(in: allowed) else { return nil }
        return kind
    }
}

extension PolicyRule {
    /// `*` among the verbs or resources: alert-wildcard-role's case, which the other role alerts leave to it.
    var hasWildcard: Bool { verbs.contains("*") || resources.contains("*") }
}

extension ParameterSpec {
    /// An alert rule's `allowedUsers` (default `users`) and `allowedGroups` (default none) parameters: the
    /// requesters whose `what` do not alert, matched by ``AuditEvent/actor(in:)``.
    static func allowedRequesters(whose what: String, users: [String] = []) -> [ParameterSpec] {
        [
            ParameterSpec("allowedUsers", .stringList, default: listDefault(users), "Users (globs) whose \(what) do not alert."),
            ParameterSpec("allowedGroups", .stringList, default: "[]", "Groups (globs) whose \(what) do not alert."),
        ]
    }

    /// A list parameter's default as the docs print it: `[a, b]`.
    static func listDefault(_ values: [String]) -> String { "[" + values.joined(separator: ", ") + "]" }
}

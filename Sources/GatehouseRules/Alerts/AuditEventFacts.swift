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

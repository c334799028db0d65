import GatehouseRules

/// What the webhook answers for one request, and why.
public struct AdmissionDecision: Sendable {
    /// Why the request got this answer. Also a bounded metrics and log label.
    public enum Reason: String, Sendable, CaseIterable {
        /// The object was evaluated: the findings decided.
        case evaluated
        /// CONNECT, and a DELETE of a kind no rule that judges deletes reads, are not evaluated.
        case operationNotEvaluated = "operation-not-evaluated"
        /// A subresource other than `pods/ephemeralcontainers`.
        case subresourceNotEvaluated = "subresource-not-evaluated"
        case exemptUser = "exempt-user"
        case exemptGroup = "exempt-group"
        case exemptNamespace = "exempt-namespace"
        /// A well-formed review whose object could not be evaluated; allow or deny per `--on-error`.
        case unevaluable
    }

    public var allowed: Bool
    public var reason: Reason
    /// For denials: the HTTP-style status code the API server reports to the client (403, or 400 for an
    /// object that could not be evaluated).
    public var code: Int?
    /// For denials: the text `kubectl` prints after "admission webhook ... denied the request:".
    public var message: String?
    public var warnings: [String] = []
    /// Keys are qualified-name parts; the API server prefixes each with the webhook's name.
    public var auditAnnotations: [(key: String, value: String)] = []
    /// The findings after update and template handling, in the engine's order.
    public var findings: [Finding] = []

    public init(allowed: Bool, reason: Reason, code: Int? = nil, message: String? = nil) {
        self.allowed = allowed
        self.reason = reason
        self.code = code
        self.message = message
    }

    /// `allow`, `warn` (allowed with warnings) or `deny`: the decision label for metrics and logs.
    public var label: String {
        if !allowed { return "deny" }
        return warnings.isEmpty ? "allow" : "warn"
    }

    /// Distinct rule ids of the findings, in order.
    public var ruleIDs: [String] {
        var seen = Set<String>()
        return findings.map(\.ruleID).filter { seen.insert($0).inserted }
    }
}

import GatehouseEngine
import GatehouseRules
import KubeModel

/// An exemption annotation that did not apply as written (no reason, a rule the policy does not let
/// annotations exempt, annotations not allowed at all, a misspelled key), about one object.
///
/// Reports list every one, in every format, so an exemption that was ignored is never silent.
public struct ExemptionNote: Sendable, Hashable {
    /// The object whose annotation it is.
    public var object: ObjectRef
    /// Where the object starts in its file.
    public var position: SourcePosition
    /// What was ignored and why, as the engine says it.
    public var message: String

    public init(object: ObjectRef, position: SourcePosition, message: String) {
        self.object = object
        self.position = position
        self.message = message
    }

    /// `Kind namespace/name: message`, as the text report and the webhook's warnings put it.
    public var text: String { object.displayName + ": " + message }
}

extension AuditReport {
    /// Exempted findings per kind of exemption: `(policy, annotation)`.
    public var exemptedCounts: (policy: Int, annotation: Int) {
        var policy = 0
        for item in exempted {
            if case .policy = item.exemption { policy += 1 }
        }
        return (policy, exempted.count - policy)
    }

    /// The exempted findings in ``canonicalOrder(_:_:)``, then by exemption, so every run lists them alike.
    static func ordered(_ exempted: [ExemptedFinding]) -> [ExemptedFinding] {
        exempted.sorted { a, b in
            if canonicalOrder(a.finding, b.finding) { return true }
            if canonicalOrder(b.finding, a.finding) { return false }
            return a.exemption.label < b.exemption.label
        }
    }
}

import KubeModel

/// Why a `POST /audit` body cannot be read as a batch of audit events. Answered with HTTP 400.
public struct MalformedBatch: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// A `POST /audit` body: the `EventList` (`audit.k8s.io/v1` or `v1beta1`) the API server's audit webhook
/// backend posts per batch, read into events.
///
/// A body that is not such a list is refused whole. Inside a list, an item that is not an audit event is
/// set aside with its index and the other items are kept: one bad item never costs the batch its good events.
/// The list's items may leave out `kind` and `apiVersion`, as the API server's encoder does.
public struct AuditBatch: Sendable {
    /// The `file` of every event's origin; its `line` is the item's 1-based index in the list.
    public static let origin = "POST /audit"
    static let versions = ["audit.k8s.io/v1", "audit.k8s.io/v1beta1"]

    public var events: [AuditEvent] = []
    /// Items that are not audit events: their 0-based index in `items`, and why.
    public var rejected: [(index: Int, reason: String)] = []

    /// Reads `body`. Throws ``MalformedBatch`` when it is not an `EventList` of a supported version.
    public init(body: UnsafeRawBufferPointer, limits: LoadLimits) throws(MalformedBatch) {
        guard body.count > 0 else { throw MalformedBatch("the body is empty; expected an audit.k8s.io/v1 EventList") }
        let tree: Tree
        switch JSONLoader.parse(body, limits: limits) {
        case .success(let parsed): tree = parsed
        case .failure(let problem):
            throw MalformedBatch(
                "the body is not valid JSON: line \(problem.position.line), column \(problem.position.column): \(problem.message)")
        }
        let root = tree.root
        guard root.isMapping else { throw MalformedBatch("the body is a JSON \(root.kind), not an EventList object") }
        guard root["kind"]?.stringOnly == "EventList" else {
            throw MalformedBatch("kind must be EventList (the audit webhook posts one per batch)")
        }
        let apiVersion = root["apiVersion"]?.stringOnly ?? ""
        guard Self.versions.contains(apiVersion) else {
            throw MalformedBatch(
                "apiVersion \"\(AdmissionRequest.clip(apiVersion))\" is not supported; expected audit.k8s.io/v1 or audit.k8s.io/v1beta1")
        }
        guard let items = root["items"], !items.isNull else { return }  // The API server's empty list.
        guard items.isSequence else { throw MalformedBatch("items must be an array of audit Events") }
        events.reserveCapacity(items.count)
        for (index, item) in items.items.enumerated() {
            let origin = AuditEvent.Origin(file: Self.origin, line: index + 1)
            if let event = AuditEvent(event: item, origin: origin, impliedByList: true) {
                events.append(event)
            } else {
                rejected.append((index, item.isMapping ? "not an audit Event (no auditID or verb)" : "a JSON \(item.kind), not an object"))
            }
        }
    }

    /// The error for a batch with rejected items, naming the first few by index.
    var rejectionMessage: String {
        let shown = rejected.prefix(5).map { "items[\($0.index)]: \($0.reason)" }.joined(separator: "; ")
        let more = rejected.count > 5 ? "; and \(rejected.count - 5) more" : ""
        return "\(rejected.count) of \(rejected.count + events.count) items are not audit Events (\(shown)\(more)); "
            + "the other \(events.count) were accepted"
    }
}

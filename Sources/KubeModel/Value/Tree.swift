/// A parsed YAML or JSON document, stored as a flat arena of nodes.
///
/// Every node lives in one block and every scalar's bytes in another, so a document of any size costs two
/// allocations, not one per node. A container's children sit next to each other in `nodes`; a mapping
/// stores its pairs as key, value, key, value. Values are read through ``Value``, a cheap index into this tree.
public final class Tree: @unchecked Sendable {
    // @unchecked: a Tree is immutable once its builder hands it out.
    // Raw storage the tree owns, rather than arrays: reading a node is then a plain load, with no array
    // retain/release or bounds check on the rules' hot path (Value's key lookup).
    @usableFromInline let nodes: UnsafeMutablePointer<Node>
    @usableFromInline let bytes: UnsafeMutablePointer<UInt8>
    @usableFromInline let storedNodes: Int
    @usableFromInline let storedBytes: Int
    @usableFromInline let rootIndex: Int32
    /// A key written twice in one mapping of this document, if any: the document is then not the object a
    /// strict reader (kubectl, the API server's strict field validation) would accept.
    public let repeatedKey: RepeatedKey?

    init(nodes: [Node], bytes: [UInt8], rootIndex: Int32) {
        self.repeatedKey = nil
        self.nodes = nodes.withUnsafeBufferPointer { Self.copy($0.baseAddress, count: $0.count) }
        self.bytes = bytes.withUnsafeBufferPointer { Self.copy($0.baseAddress, count: $0.count) }
        self.storedNodes = nodes.count
        self.storedBytes = bytes.count
        self.rootIndex = rootIndex
    }

    /// Copies a builder's buffers into exact-size storage.
    init(
        nodes: UnsafePointer<Node>, nodeCount: Int, bytes: UnsafePointer<UInt8>, byteCount: Int, rootIndex: Int32,
        repeatedKey: RepeatedKey?
    ) {
        self.repeatedKey = repeatedKey
        self.nodes = Self.copy(nodes, count: nodeCount)
        self.bytes = Self.copy(bytes, count: byteCount)
        self.storedNodes = nodeCount
        self.storedBytes = byteCount
        self.rootIndex = rootIndex
    }

    private static func copy<T>(_ source: UnsafePointer<T>?, count: Int) -> UnsafeMutablePointer<T> {
        let storage = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
        if let source, count > 0 {
            storage.initialize(from: source, count: count)
        }
        return storage
    }

    deinit {
        nodes.deinitialize(count: storedNodes)
        nodes.deallocate()
        bytes.deinitialize(count: storedBytes)
        bytes.deallocate()
    }

    /// The document's top-level value.
    public var root: Value { Value(tree: self, index: rootIndex) }

    /// Number of stored nodes (aliases count once): a measure of the document's size.
    public var nodeCount: Int { storedNodes }
}

/// What kind of value a node holds. Scalars keep their source text, so a number or boolean read as a string
/// gives back what the author wrote (as Kubernetes does for string fields).
public enum ValueKind: UInt8, Sendable {
    case null, bool, number, string, sequence, mapping
}

/// One node of a ``Tree``. For scalars `start`/`count` are a byte range in `Tree.bytes`; for containers they are
/// the first child's index and the number of items (pairs, for a mapping).
@usableFromInline
struct Node: Sendable {
    @usableFromInline var kind: ValueKind
    /// For `.bool`: the value.
    @usableFromInline var flag: Bool
    @usableFromInline var line: UInt32
    @usableFromInline var column: UInt32
    @usableFromInline var start: UInt32
    @usableFromInline var count: UInt32

    @inlinable
    init(kind: ValueKind, flag: Bool = false, line: UInt32, column: UInt32, start: UInt32, count: UInt32) {
        self.kind = kind
        self.flag = flag
        self.line = line
        self.column = column
        self.start = start
        self.count = count
    }
}

/// A mapping key that repeats an earlier key of the same mapping. Lenient readers keep the last value, so the
/// first is silently lost: `privileged: false` followed by `privileged: true`, or two documents run together
/// without `---`.
public struct RepeatedKey: Sendable, Hashable {
    /// The key's text.
    public var key: String
    /// Where the repeat is written.
    public var position: SourcePosition
    /// Where the key is first written.
    public var first: SourcePosition

    public init(key: String, position: SourcePosition, first: SourcePosition) {
        self.key = key
        self.position = position
        self.first = first
    }
}

/// A line and column in a source file, both 1-based. Line 0 means "unknown".
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static let unknown = SourcePosition(line: 0, column: 0)

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }
}

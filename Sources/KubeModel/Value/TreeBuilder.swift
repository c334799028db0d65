/// Builds a ``Tree`` from a stream of scalar/open/close calls, the shape both the YAML event loop and the JSON
/// parser produce.
///
/// Children of open containers wait in `pending`; when a container closes they move, contiguous, into `nodes`,
/// and the container's own node joins its parent's pending children. Nothing is copied twice and no per-node
/// allocation happens.
struct TreeBuilder {
    private(set) var nodes: [Node] = []
    private(set) var bytes: [UInt8] = []
    private var pending: [Node] = []
    private var frames: [Frame] = []
    /// Nodes the document would have with every alias expanded: the billion-laughs guard reads it.
    private(set) var expandedNodes = 0

    private struct Frame {
        var kind: ValueKind
        var line: UInt32
        var column: UInt32
        var pendingStart: Int
        var expanded: Int
        var hasMergeKey: Bool
    }

    var depth: Int { frames.count }
    /// Nodes stored so far in this document (finished and pending).
    var storedNodes: Int { nodes.count + pending.count }
    /// Whether `finish()` sizes the next document's arrays like the last one's (streams of similar documents).
    var reservesForNext = false

    /// JSON has no aliases, so its builder skips the expansion bookkeeping.
    private let tracksExpansion: Bool

    init(expectedNodes: Int = 64, expectedBytes: Int = 1024, tracksExpansion: Bool = true) {
        self.tracksExpansion = tracksExpansion
        nodes.reserveCapacity(expectedNodes)
        bytes.reserveCapacity(expectedBytes)
        pending.reserveCapacity(64)
        frames.reserveCapacity(16)
    }

    /// Adds a scalar with no merge-key or alias bookkeeping (the JSON parser's path).
    @inline(__always)
    mutating func plainScalar(_ kind: ValueKind, flag: Bool = false, text: UnsafeRawBufferPointer, line: Int, column: Int) {
        let start = UInt32(truncatingIfNeeded: bytes.count)
        if text.count > 0 {
            bytes.append(contentsOf: text)
        }
        pending.append(
            Node(
                kind: kind, flag: flag, line: UInt32(truncatingIfNeeded: line),
                column: UInt32(truncatingIfNeeded: column), start: start, count: UInt32(truncatingIfNeeded: text.count)))
    }

    /// The text of a scalar node already added to this builder.
    func withText<R>(of node: Node, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { raw in
            body(UnsafeRawBufferPointer(rebasing: raw[Int(node.start)..<Int(node.start) + Int(node.count)]))
        }
    }

    /// Adds a scalar whose text is `text`. `mergeKey` marks a plain YAML `<<` key.
    mutating func scalar(
        _ kind: ValueKind, flag: Bool = false, text: UnsafeRawBufferPointer, line: Int, column: Int,
        mergeKey: Bool = false
    ) {
        let start = UInt32(truncatingIfNeeded: bytes.count)
        if text.count > 0 {
            bytes.append(contentsOf: text)
        }
        if mergeKey, !frames.isEmpty { frames[frames.count - 1].hasMergeKey = true }
        pending.append(
            Node(
                kind: kind, flag: flag || mergeKey, line: UInt32(truncatingIfNeeded: line),
                column: UInt32(truncatingIfNeeded: column), start: start, count: UInt32(truncatingIfNeeded: text.count)))
        addExpanded(1)
    }

    /// Adds a scalar with no text (null).
    mutating func null(line: Int, column: Int) {
        pending.append(
            Node(
                kind: .null, line: UInt32(truncatingIfNeeded: line), column: UInt32(truncatingIfNeeded: column),
                start: 0, count: 0))
        addExpanded(1)
    }

    mutating func open(_ kind: ValueKind, line: Int, column: Int) {
        frames.append(
            Frame(
                kind: kind, line: UInt32(truncatingIfNeeded: line), column: UInt32(truncatingIfNeeded: column),
                pendingStart: pending.count, expanded: 0, hasMergeKey: false))
    }

    /// Closes the innermost container and returns its node, so an anchor can refer to it later.
    @discardableResult
    mutating func close() -> (node: Node, expanded: Int) {
        let frame = frames.removeLast()
        var first = UInt32(truncatingIfNeeded: nodes.count)
        var itemCount = pending.count - frame.pendingStart
        if frame.kind == .mapping, frame.hasMergeKey {
            (first, itemCount) = appendMergedPairs(from: frame.pendingStart)
        } else {
            nodes.append(contentsOf: pending[frame.pendingStart...])
        }
        pending.removeSubrange(frame.pendingStart...)
        let count = frame.kind == .mapping ? itemCount / 2 : itemCount
        let node = Node(
            kind: frame.kind, line: frame.line, column: frame.column, start: first,
            count: UInt32(truncatingIfNeeded: count))
        pending.append(node)
        let size = frame.expanded + 1
        if tracksExpansion {
            // The children are in the total already; only the container itself is new. Its whole size counts
            // towards its parent's, for an anchor on the parent.
            expandedNodes &+= 1
            if !frames.isEmpty { frames[frames.count - 1].expanded &+= size }
        }
        return (node, size)
    }

    /// Re-inserts a finished node (a YAML alias) at a new position. Its children are shared, not copied.
    mutating func reuse(_ node: Node, expanded: Int, line: Int, column: Int) {
        var copy = node
        copy.line = UInt32(truncatingIfNeeded: line)
        copy.column = UInt32(truncatingIfNeeded: column)
        if copy.kind == .string { copy.flag = false }
        pending.append(copy)
        addExpanded(expanded)
    }

    /// The most recently added node (the one an anchor names).
    var lastNode: Node? { pending.last }

    /// Finishes the document: the single pending node becomes the root.
    mutating func finish() -> Tree? {
        guard frames.isEmpty, pending.count == 1 else { return nil }
        nodes.append(pending[0])
        pending.removeAll()
        let tree = Tree(nodes: nodes, bytes: bytes, rootIndex: Int32(nodes.count - 1))
        // The next document is likely about as large as this one: size its arrays once instead of growing them.
        let (nodeCount, byteCount) = (nodes.count, bytes.count)
        nodes = []
        bytes = []
        if reservesForNext {
            nodes.reserveCapacity(nodeCount)
            bytes.reserveCapacity(byteCount)
        }
        expandedNodes = 0
        return tree
    }

    /// `n` nodes appear at the current position: a scalar (1) or an alias (its anchor's expanded size).
    @inline(__always)
    private mutating func addExpanded(_ n: Int) {
        guard tracksExpansion else { return }
        expandedNodes &+= n
        if !frames.isEmpty { frames[frames.count - 1].expanded &+= n }
    }

    /// YAML merge keys (`<<: *defaults`): explicit pairs first, then pairs of the merged mappings whose keys
    /// are not already present, earlier merged mappings winning over later ones (as go-yaml).
    private mutating func appendMergedPairs(from pendingStart: Int) -> (first: UInt32, count: Int) {
        var explicit: [(Node, Node)] = []
        var merged: [Node] = []
        var i = pendingStart
        while i + 1 < pending.count {
            let key = pending[i]
            let value = pending[i + 1]
            if key.kind == .string, key.flag, isMergeKeyText(key) {
                if value.kind == .mapping {
                    merged.append(value)
                } else if value.kind == .sequence {
                    for j in 0..<Int(value.count) where nodes[Int(value.start) + j].kind == .mapping {
                        merged.append(nodes[Int(value.start) + j])
                    }
                }
            } else {
                explicit.append((key, value))
            }
            i += 2
        }
        var result = explicit
        for map in merged {
            for p in 0..<Int(map.count) {
                let k = nodes[Int(map.start) + 2 * p]
                let v = nodes[Int(map.start) + 2 * p + 1]
                if !result.contains(where: { sameText($0.0, k) }) {
                    result.append((k, v))
                }
            }
        }
        let first = UInt32(truncatingIfNeeded: nodes.count)
        for (k, v) in result {
            nodes.append(k)
            nodes.append(v)
        }
        return (first, result.count * 2)
    }

    private func isMergeKeyText(_ node: Node) -> Bool {
        node.count == 2 && bytes[Int(node.start)] == UInt8(ascii: "<") && bytes[Int(node.start) + 1] == UInt8(ascii: "<")
    }

    private func sameText(_ a: Node, _ b: Node) -> Bool {
        guard a.count == b.count else { return false }
        return bytes[Int(a.start)..<Int(a.start + a.count)].elementsEqual(bytes[Int(b.start)..<Int(b.start + b.count)])
    }
}

/// Builds a ``Tree`` from a stream of scalar/open/close calls, the shape both the YAML event loop and the JSON
/// parser produce.
///
/// Children of open containers wait in `pending`; when a container closes they move, contiguous, into `nodes`,
/// and the container's own node joins its parent's pending children. Nothing is copied twice and no per-node
/// allocation happens. The working storage is raw memory that the builder owns and reuses from one document to
/// the next: appending a node is a bounds check and a store, with none of `Array`'s uniqueness checks, which
/// dominated the parse of small documents. `finish()` copies the result into the tree's exact-size storage.
struct TreeBuilder: ~Copyable {
    private(set) var nodes: GrowableBuffer<Node>
    private(set) var bytes: GrowableBuffer<UInt8>
    private var pending: GrowableBuffer<Node>
    private var frames: GrowableBuffer<Frame>
    /// Nodes the document would have with every alias expanded: the billion-laughs guard reads it.
    private(set) var expandedNodes = 0
    /// The earliest key of this document that repeats an earlier key of its mapping.
    private(set) var repeatedKey: RepeatedKey?

    struct Frame {
        var kind: ValueKind
        var hasMergeKey: Bool
        var line: UInt32
        var column: UInt32
        var pendingStart: Int
        var expanded: Int
    }

    var depth: Int { frames.count }
    /// Nodes stored so far in this document (finished and pending).
    var storedNodes: Int { nodes.count + pending.count }

    /// JSON has no aliases, so its builder skips the expansion bookkeeping.
    private let tracksExpansion: Bool

    init(expectedNodes: Int = 64, expectedBytes: Int = 1024, tracksExpansion: Bool = true) {
        self.tracksExpansion = tracksExpansion
        nodes = GrowableBuffer(capacity: expectedNodes)
        bytes = GrowableBuffer(capacity: expectedBytes)
        pending = GrowableBuffer(capacity: 64)
        frames = GrowableBuffer(capacity: 16)
    }

    /// Adds a scalar with no merge-key or alias bookkeeping (the JSON parser's path).
    @inline(__always)
    mutating func plainScalar(_ kind: ValueKind, flag: Bool = false, text: UnsafeRawBufferPointer, line: Int, column: Int) {
        let start = UInt32(truncatingIfNeeded: bytes.count)
        if let base = text.baseAddress, text.count > 0 {
            bytes.appendBytes(from: base, count: text.count)
        }
        pending.append(
            Node(
                kind: kind, flag: flag, line: UInt32(truncatingIfNeeded: line),
                column: UInt32(truncatingIfNeeded: column), start: start, count: UInt32(truncatingIfNeeded: text.count)))
    }

    /// The text of a scalar node already added to this builder.
    func withText<R>(of node: Node, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(UnsafeRawBufferPointer(start: bytes.base + Int(node.start), count: Int(node.count)))
    }

    /// Adds a scalar whose text is `text`. `mergeKey` marks a plain YAML `<<` key.
    mutating func scalar(
        _ kind: ValueKind, flag: Bool = false, text: UnsafeRawBufferPointer, line: Int, column: Int,
        mergeKey: Bool = false
    ) {
        if mergeKey, frames.count > 0 { frames.base[frames.count - 1].hasMergeKey = true }
        plainScalar(kind, flag: flag || mergeKey, text: text, line: line, column: column)
        addExpanded(1)
    }

    /// Adds a scalar with no text (null).
    @inline(__always)
    mutating func null(line: Int, column: Int) {
        pending.append(
            Node(
                kind: .null, line: UInt32(truncatingIfNeeded: line), column: UInt32(truncatingIfNeeded: column),
                start: 0, count: 0))
        addExpanded(1)
    }

    @inline(__always)
    mutating func open(_ kind: ValueKind, line: Int, column: Int) {
        frames.append(
            Frame(
                kind: kind, hasMergeKey: false, line: UInt32(truncatingIfNeeded: line),
                column: UInt32(truncatingIfNeeded: column), pendingStart: pending.count, expanded: 0))
    }

    /// Closes the innermost container and returns its node, so an anchor can refer to it later.
    @discardableResult
    mutating func close() -> (node: Node, expanded: Int) {
        let frame = frames.removeLast()
        var first = UInt32(truncatingIfNeeded: nodes.count)
        var itemCount = pending.count - frame.pendingStart
        if frame.kind == .mapping, itemCount >= 4 { findRepeatedKey(pairsFrom: frame.pendingStart, count: itemCount / 2) }
        if frame.kind == .mapping, frame.hasMergeKey {
            (first, itemCount) = appendMergedPairs(from: frame.pendingStart)
        } else if itemCount > 0 {
            nodes.appendShort(from: pending.base + frame.pendingStart, count: itemCount)
        }
        pending.truncate(to: frame.pendingStart)
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
            if frames.count > 0 { frames.base[frames.count - 1].expanded &+= size }
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
    var lastNode: Node? { pending.count > 0 ? pending.base[pending.count - 1] : nil }

    /// Finishes the document: the single pending node becomes the root. The builder is ready for the next
    /// document and keeps its storage.
    mutating func finish() -> Tree? {
        guard frames.count == 0, pending.count == 1 else { return nil }
        nodes.append(pending.base[0])
        pending.truncate(to: 0)
        let tree = Tree(
            nodes: nodes.base, nodeCount: nodes.count, bytes: bytes.base, byteCount: bytes.count,
            rootIndex: Int32(nodes.count - 1), repeatedKey: repeatedKey)
        nodes.truncate(to: 0)
        bytes.truncate(to: 0)
        expandedNodes = 0
        repeatedKey = nil
        return tree
    }

    /// Forgets a document that failed half way.
    mutating func reset() {
        nodes.truncate(to: 0)
        bytes.truncate(to: 0)
        pending.truncate(to: 0)
        frames.truncate(to: 0)
        expandedNodes = 0
        repeatedKey = nil
    }

    /// `n` nodes appear at the current position: a scalar (1) or an alias (its anchor's expanded size).
    @inline(__always)
    private mutating func addExpanded(_ n: Int) {
        guard tracksExpansion else { return }
        expandedNodes &+= n
        if frames.count > 0 { frames.base[frames.count - 1].expanded &+= n }
    }

    /// YAML merge keys (`<<: *defaults`): explicit pairs first, then pairs of the merged mappings whose keys
    /// are not already present, earlier merged mappings winning over later ones (as go-yaml).
    private mutating func appendMergedPairs(from pendingStart: Int) -> (first: UInt32, count: Int) {
        var explicit: [(Node, Node)] = []
        var merged: [Node] = []
        var i = pendingStart
        while i + 1 < pending.count {
            let key = pending.base[i]
            let value = pending.base[i + 1]
            if key.kind == .string, key.flag, isMergeKeyText(key) {
                if value.kind == .mapping {
                    merged.append(value)
                } else if value.kind == .sequence {
                    for j in 0..<Int(value.count) where nodes.base[Int(value.start) + j].kind == .mapping {
                        merged.append(nodes.base[Int(value.start) + j])
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
                let k = nodes.base[Int(map.start) + 2 * p]
                let v = nodes.base[Int(map.start) + 2 * p + 1]
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

    /// Looks for a key that repeats an earlier key among the `pairs` key-value pairs at `start` in `pending`
    /// (merged pairs are not there yet: a merge key may be overridden, and `<<` itself is skipped). Mappings
    /// are small, so each key is compared with the keys before it, by length and first byte before the bytes;
    /// above 16 keys, their hashes are sorted instead, so a huge mapping does not cost a quadratic scan.
    private mutating func findRepeatedKey(pairsFrom start: Int, count pairs: Int) {
        if pairs > 16 { return findRepeatedKeyByHash(pairsFrom: start, count: pairs) }
        var i = 1
        while i < pairs {
            let key = pending.base[start + 2 * i]
            if isPlainKey(key) {
                var j = 0
                while j < i {
                    let earlier = pending.base[start + 2 * j]
                    if sameKey(earlier, key) {
                        noteRepeat(of: earlier, at: key)
                        return
                    }
                    j += 1
                }
            }
            i += 1
        }
    }

    @inline(never)
    private mutating func findRepeatedKeyByHash(pairsFrom start: Int, count pairs: Int) {
        var hashed: [(hash: UInt64, pair: Int)] = []
        hashed.reserveCapacity(pairs)
        for pair in 0..<pairs {
            let key = pending.base[start + 2 * pair]
            guard isPlainKey(key) else { continue }
            var hash: UInt64 = key.kind == .null ? 1 : 0xcbf2_9ce4_8422_2325
            for k in 0..<Int(key.count) { hash = (hash ^ UInt64(bytes.base[Int(key.start) + k])) &* 0x100_0000_01b3 }
            hashed.append((hash, pair))
        }
        hashed.sort { ($0.hash, $0.pair) < ($1.hash, $1.pair) }
        // Within a run of equal hashes, compare each key with the earlier ones; keep the repeat written first.
        var found: (first: Node, again: Node, pair: Int)?
        var runStart = 0
        for i in 1..<max(hashed.count, 1) {
            if hashed[i].hash != hashed[runStart].hash {
                runStart = i
                continue
            }
            let key = pending.base[start + 2 * hashed[i].pair]
            for j in runStart..<i {
                let earlier = pending.base[start + 2 * hashed[j].pair]
                if sameKey(earlier, key), found.map({ hashed[i].pair < $0.pair }) ?? true {
                    found = (earlier, key, hashed[i].pair)
                    break
                }
            }
        }
        if let found { noteRepeat(of: found.first, at: found.again) }
    }

    /// A scalar key other than a merge key (a string's flag marks a plain `<<`). Only these are compared: a
    /// container's `start` and `count` are node indices, not text.
    @inline(__always)
    private func isPlainKey(_ key: Node) -> Bool {
        key.kind.rawValue <= ValueKind.string.rawValue && !(key.kind == .string && key.flag)
    }

    /// Two plain keys with the same text, both null or neither (a null key has no text). `b` is known plain.
    @inline(__always)
    private func sameKey(_ a: Node, _ b: Node) -> Bool {
        guard a.count == b.count, (a.kind == .null) == (b.kind == .null), isPlainKey(a) else { return false }
        if a.count == 0 { return true }
        guard bytes.base[Int(a.start)] == bytes.base[Int(b.start)] else { return false }
        return memcmpBytes(bytes.base + Int(a.start), bytes.base + Int(b.start), Int(a.count))
    }

    /// Keeps the repeat written first in the document (inner mappings close before outer ones).
    @inline(never)
    private mutating func noteRepeat(of first: Node, at again: Node) {
        let position = SourcePosition(line: Int(again.line), column: Int(again.column))
        if let known = repeatedKey, known.position < position { return }
        let key = first.kind == .null ? "null" : withText(of: again) { String(decoding: $0, as: UTF8.self) }
        repeatedKey = RepeatedKey(
            key: key, position: position, first: SourcePosition(line: Int(first.line), column: Int(first.column)))
    }

    private func isMergeKeyText(_ node: Node) -> Bool {
        node.count == 2 && bytes.base[Int(node.start)] == UInt8(ascii: "<")
            && bytes.base[Int(node.start) + 1] == UInt8(ascii: "<")
    }

    private func sameText(_ a: Node, _ b: Node) -> Bool {
        guard a.count == b.count else { return false }
        return memcmpBytes(bytes.base + Int(a.start), bytes.base + Int(b.start), Int(a.count))
    }
}

/// A growable run of trivially copyable values in memory the owner frees: an `Array` without the copy-on-write
/// checks, for the builder's hot appends.
struct GrowableBuffer<Element>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 8)
        base = UnsafeMutablePointer<Element>.allocate(capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(toAtLeast: count + 1) }
        (base + count).initialize(to: element)
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf source: UnsafePointer<Element>, count n: Int) {
        if count + n > capacity { grow(toAtLeast: count + n) }
        (base + count).initialize(from: source, count: n)
        count += n
    }

    /// Makes room for `n` more elements, to be written at `base + count` before ``didAppend(_:)``.
    @inline(__always)
    mutating func reserveAppending(_ n: Int) {
        if count + n > capacity { grow(toAtLeast: count + n) }
    }

    /// Counts `n` elements written in place after ``reserveAppending(_:)``.
    @inline(__always)
    mutating func didAppend(_ n: Int) {
        count += n
    }

    /// As ``append(contentsOf:count:)``, with a plain loop for the few elements most containers hold, where
    /// a call to `memcpy` costs more than the copy.
    @inline(__always)
    mutating func appendShort(from source: UnsafePointer<Element>, count n: Int) {
        if n > 8 {
            append(contentsOf: source, count: n)
            return
        }
        reserveAppending(n)
        var i = 0
        while i < n {
            (base + count + i).initialize(to: source[i])
            i += 1
        }
        count += n
    }

    @inline(__always)
    mutating func removeLast() -> Element {
        count -= 1
        return (base + count).move()
    }

    mutating func truncate(to newCount: Int) {
        guard newCount < count else { return }
        (base + newCount).deinitialize(count: count - newCount)
        count = newCount
    }

    @inline(never)
    private mutating func grow(toAtLeast minimum: Int) {
        let newCapacity = max(capacity * 2, minimum)
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}

extension GrowableBuffer where Element == UInt8 {
    /// Appends `n` bytes. Short runs (most keys and values) are copied with a few unaligned loads and stores
    /// instead of a call to `memcpy`, which cost more than the copy itself.
    @inline(__always)
    mutating func appendBytes(from source: UnsafeRawPointer, count n: Int) {
        if n > 16 {
            append(contentsOf: source.assumingMemoryBound(to: UInt8.self), count: n)
            return
        }
        reserveAppending(n)
        let target = UnsafeMutableRawPointer(base + count)
        if n >= 8 {
            let head = source.loadUnaligned(as: UInt64.self)
            let tail = source.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            target.storeBytes(of: head, as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 {
            let head = source.loadUnaligned(as: UInt32.self)
            let tail = source.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            target.storeBytes(of: head, as: UInt32.self)
            target.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
        } else {
            var i = 0
            while i < n {
                target.storeBytes(of: source.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self)
                i += 1
            }
        }
        didAppend(n)
    }
}

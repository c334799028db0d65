/// Streaming a `kind: List`: each item of a top-level `*List` object's `items` is parsed and delivered on its
/// own, so memory holds one item at a time however large the export.
///
/// The read-from-the-end contract. Whether an object's `items` are a list's depends on the object's last
/// `kind`, and `kubectl` writes keys in alphabetical order: `kind` comes after `items`. So when the parse
/// reaches a top-level `items` array, the list's kind is read back from the end of the input first
/// (``JSONScanner/readListFromEnd(itemsAt:kindSoFar:)``), walking the object's members backward from its last
/// `}` and reading at most ``JSONScanner/tailReadBytes``:
///
/// - Exact (``JSONScanner/TailReading/certain(_:)``): the walk reaches the opening bracket of the `items`
///   array itself (a list small enough to lie in the bytes read). The last `kind` after `items`, or when none
///   follows it the `kind` parsed before it, decides: list or not.
/// - Likely (``JSONScanner/TailReading/likely``): the walk runs into an array longer than the bytes it reads (a
///   big export's `items`) and the last `kind` after it, or the one before `items`, names a list. The array is
///   taken to be `items` and its items are streamed; when the object closes, its own last `kind`, parsed by
///   then, must name a list. When it does not, the long array was another one (a later top-level value's, or
///   a second long array after `items` with a `kind` between them): the one case that errors. The load stops
///   with a problem at `items` rather than misreading the input.
/// - Unknown (``JSONScanner/TailReading/unknown``): anything else (a cut-off input, an escaped key, a value
///   after the object). The kind is then found by the forward skim (JSONSkim.swift) over the array and the
///   remaining members (``JSONScanner/listAhead(from:kindSoFar:)``). Any surprise makes it answer "not a list"
///   and the object is built whole: the slower path, never a wrong one. A file that ends before the object
///   closes is read as a list unless a `kind` seen says otherwise, so a cut-off export still delivers its
///   complete items before the error.

extension JSONLoader {
    /// Where a streamed tree came from.
    public struct Place: Sendable, Hashable {
        /// 0-based index of the top-level value in a stream of concatenated values.
        public var document: Int
        /// For an item of a top-level `*List` object delivered on its own: its index in `items`.
        public var item: Int?
        /// Byte offset just past the delivered value: everything before it will not be read again.
        public var consumed: Int
    }

    /// Reads a stream of JSON values and delivers each as its own tree, keeping memory bounded on huge lists.
    ///
    /// The stream may hold several top-level values separated by optional whitespace (as `jq` prints them and as
    /// `kubectl apply` accepts them); each is one document. A top-level object whose `kind` ends in `List` and
    /// whose `items` is an array is not built as one tree: each element of `items` is parsed and delivered as
    /// its own tree (with `Place.item` set), and the list's own fields are checked and dropped. So a 1 GB
    /// `kubectl get -o json` export needs memory for one item at a time.
    ///
    /// `kubectl` writes `kind` after `items`, so whether `items` are a list's is read back from the end of the
    /// input, and found by a forward skim only when that read is not conclusive; an input the backward read
    /// would misjudge stops with an error, never a misread (the contract is stated at the top of this file).
    ///
    /// Returns the error that stopped the stream, if any; values before it have been delivered.
    public static func stream(
        _ bytes: UnsafeRawBufferPointer, limits: LoadLimits = .default,
        onValue: (Tree, Place) -> Void
    ) -> LoadProblem? {
        stream(bytes, limits: limits, releaser: nil, onValue: onValue)
    }

    /// As ``stream(_:limits:onValue:)``, releasing the pages of a file mapping behind the parse and the skim.
    /// A stream resumed after an error (JSON Lines) starts at byte `start`, which begins line `line`; its
    /// ``Place/document`` counts from 0 again and ``Place/consumed`` stays an offset into `bytes`.
    static func stream(
        _ bytes: UnsafeRawBufferPointer, limits: LoadLimits, releaser: PageReleaser?, from start: Int = 0,
        line: Int = 1, onValue: (Tree, Place) -> Void
    ) -> LoadProblem? {
        guard let base = bytes.baseAddress, bytes.count > start else { return nil }
        var scanner = JSONScanner(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count, limits: limits)
        scanner.releaser = releaser
        if start > 0 {
            scanner.resume(at: start, line: line)
        } else {
            scanner.skipByteOrderMark()
        }
        var builder = TreeBuilder(tracksExpansion: false)
        var document = 0
        do throws(LoadProblem) {
            while true {
                scanner.skipWhitespace()
                if scanner.atEnd { return nil }
                if scanner.current == UInt8(ascii: "{") {
                    try scanner.parseTopLevelObject(document: document, builder: &builder, onValue: onValue)
                } else {
                    try scanner.parseValue(into: &builder, depthBase: 0)
                    guard let tree = builder.finish() else {
                        return LoadProblem(position: .unknown, message: "internal error: unbalanced JSON tree")
                    }
                    onValue(tree, Place(document: document, item: nil, consumed: scanner.offset))
                }
                scanner.releaseBehind()
                document += 1
            }
        } catch {
            return error
        }
    }
}

extension JSONScanner {
    /// Releases the mapped pages before the current offset, in steps.
    mutating func releaseBehind() {
        if let releaser, offset - releasedUpTo >= PageReleaser.step {
            releaser.release(from: releasedUpTo, to: offset)
            releasedUpTo = offset
        }
    }

    /// Parses a top-level object. A `*List` object's items are delivered one by one; anything else whole.
    mutating func parseTopLevelObject(
        document: Int, builder b: inout TreeBuilder, onValue: (Tree, JSONLoader.Place) -> Void
    ) throws(LoadProblem) {
        let pos = position
        b.open(.mapping, line: pos.line, column: pos.column)
        offset += 1
        var kindIsList: Bool?
        var flattened = false
        // Where the items were, when they were read as a list's on the word of the input's end alone
        // (`ListReading.likelyList`): the object's own last `kind`, parsed by the time it closes, must agree.
        var kindToConfirm: SourcePosition?
        var itemBuilder = TreeBuilder(tracksExpansion: false)
        var itemIndex = 0
        skipWhitespace()
        if offset < end, p[offset] == UInt8(ascii: "}") {
            offset += 1
        } else {
            while true {
                try parseKey(into: &b)
                let key = b.lastNode!
                let isItems = b.withText(of: key) { ByteText.equals($0, "items") }
                skipWhitespace()
                if isItems, offset < end, p[offset] == UInt8(ascii: "["),
                    let reading = listReading(itemsAt: offset, kindSoFar: kindIsList)
                {
                    // The list's own tree keeps an empty `items`; the items go out on their own.
                    let itemsPos = position
                    b.open(.sequence, line: itemsPos.line, column: itemsPos.column)
                    b.close()
                    flattened = true
                    if reading == .likelyList { kindToConfirm = itemsPos }
                    try parseItems(document: document, startIndex: &itemIndex, builder: &itemBuilder, onValue: onValue)
                } else {
                    try parseValue(into: &b, depthBase: 1)
                    if b.withText(of: key, { ByteText.equals($0, "kind") }) {
                        let value = b.lastNode!
                        kindIsList = value.kind == .string && b.withText(of: value) { Self.hasListSuffix($0) }
                    }
                }
                skipWhitespace()
                guard offset < end else { throw unexpected(expecting: "',' or '}' after an object member") }
                if p[offset] == UInt8(ascii: ",") {
                    offset += 1
                    continue
                }
                if p[offset] == UInt8(ascii: "}") {
                    offset += 1
                    break
                }
                throw unexpected(expecting: "',' or '}' after an object member")
            }
        }
        b.close()
        if let itemsPosition = kindToConfirm, kindIsList != true {
            throw LoadProblem(
                position: itemsPosition,
                message: "`items` was read as a list's items, judged by the last `kind` in the input, but this "
                    + "object's own last `kind` is not a list: write `kind` before `items`, or put each top-level "
                    + "value in a file of its own")
        }
        guard let tree = b.finish() else {
            throw LoadProblem(position: .unknown, message: "internal error: unbalanced JSON tree")
        }
        if !flattened {
            onValue(tree, JSONLoader.Place(document: document, item: nil, consumed: offset))
        }
    }

    /// Parses the `items` array at `[`, delivering each element as its own tree.
    private mutating func parseItems(
        document: Int, startIndex index: inout Int, builder: inout TreeBuilder,
        onValue: (Tree, JSONLoader.Place) -> Void
    ) throws(LoadProblem) {
        offset += 1
        skipWhitespace()
        if offset < end, p[offset] == UInt8(ascii: "]") {
            offset += 1
            return
        }
        while true {
            try parseValue(into: &builder, depthBase: 2)
            guard let tree = builder.finish() else {
                throw LoadProblem(position: .unknown, message: "internal error: unbalanced JSON tree")
            }
            onValue(tree, JSONLoader.Place(document: document, item: index, consumed: offset))
            releaseBehind()
            index += 1
            skipWhitespace()
            guard offset < end else { throw unexpected(expecting: "',' or ']' after an array item") }
            if p[offset] == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            if p[offset] == UInt8(ascii: "]") {
                offset += 1
                return
            }
            throw unexpected(expecting: "',' or ']' after an array item")
        }
    }

    /// How the object's `items` array should be read.
    enum ListReading {
        /// Certainly a list's items (the one answer ``listAhead(from:kindSoFar:)`` would give).
        case list
        /// A list's items on the word of the input's end (see ``readListFromEnd(itemsAt:kindSoFar:)``); the
        /// object's own `kind` must confirm it when the object closes.
        case likelyList
    }

    /// Whether the `items` array at `start` is a list's, or `nil` when the object is to be built whole.
    ///
    /// kubectl writes `kind` after `items`, so the answer is read from the end of the input backward first,
    /// which costs a few hundred bytes; only when that read is not conclusive are the items skimmed forward.
    func listReading(itemsAt start: Int, kindSoFar: Bool?) -> ListReading? {
        switch readListFromEnd(itemsAt: start, kindSoFar: kindSoFar) {
        case .certain(let isList): return isList ? .list : nil
        case .likely: return .likelyList
        case .unknown: return listAhead(from: start, kindSoFar: kindSoFar) ? .list : nil
        }
    }

    /// What ``readListFromEnd(itemsAt:kindSoFar:)`` learned.
    enum TailReading: Equatable {
        /// The walk reached the `items` array at `start`: the answer ``listAhead(from:kindSoFar:)`` would give.
        case certain(Bool)
        /// The walk met an array too long to walk back over, taken to be `items`, after which the last `kind`
        /// (or, when none follows it, the `kind` before `items`) names a list. Wrong only when that array is
        /// not this object's `items`: a later top-level value's, or another long array after `items` with a
        /// `kind` between them. The object's own last `kind`, parsed by the time the object closes, shows it,
        /// and the load then stops with an error rather than a misread.
        case likely
        /// Anything else: a cut-off or odd input, an escaped key, a `kind` that is not a list, another value.
        case unknown
    }

    /// Bytes the backward walk reads before it takes a long array for `items`.
    static let tailReadBytes = 1 << 16

    /// Walks the top-level members back from the end of the input, as far as the `items` array at `start`,
    /// to find the last `kind`. In valid JSON a string is found backward from its closing quote as the first
    /// quote before it preceded by an even number of backslashes, and brackets match backward as forward.
    func readListFromEnd(itemsAt start: Int, kindSoFar: Bool?) -> TailReading {
        var lastKind: Bool?
        var i = end - 1
        while i > start, ByteText.isJSONWhitespace(p[i]) { i -= 1 }
        guard i > start, p[i] == UInt8(ascii: "}") else { return .unknown }
        let budgetEnd = max(start, end - Self.tailReadBytes)
        i -= 1
        while true {
            // A member's value ends at `i`.
            while i > start, ByteText.isJSONWhitespace(p[i]) { i -= 1 }
            guard i > start else { return .unknown }
            var valueStart: Int
            var stringValue: UnsafeRawBufferPointer?
            switch p[i] {
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                switch matchBackward(closingAt: i, start: start, budgetEnd: budgetEnd) {
                case .opening(let j):
                    if j == start { return .certain(lastKind ?? kindSoFar ?? false) }
                    valueStart = j
                case .beyondBudget:
                    guard p[i] == UInt8(ascii: "]"), lastKind ?? kindSoFar ?? false else { return .unknown }
                    return .likely
                case .unreadable:
                    return .unknown
                }
            case UInt8(ascii: "\""):
                guard let j = stringStartBackward(closingQuoteAt: i, start: start) else { return .unknown }
                valueStart = j
                stringValue = UnsafeRawBufferPointer(start: p + j + 1, count: i - j - 1)
            default:
                // true, false, null or a number.
                guard Self.isScalarByte(p[i]) else { return .unknown }
                var j = i
                while j > start, Self.isScalarByte(p[j - 1]) { j -= 1 }
                valueStart = j
            }
            // `"key" :` before it.
            i = valueStart - 1
            while i > start, ByteText.isJSONWhitespace(p[i]) { i -= 1 }
            guard i > start, p[i] == UInt8(ascii: ":") else { return .unknown }
            i -= 1
            while i > start, ByteText.isJSONWhitespace(p[i]) { i -= 1 }
            guard i > start, p[i] == UInt8(ascii: "\""),
                let keyStart = stringStartBackward(closingQuoteAt: i, start: start)
            else { return .unknown }
            let key = UnsafeRawBufferPointer(start: p + keyStart + 1, count: i - keyStart - 1)
            if key.contains(0x5C) { return .unknown }
            if lastKind == nil, ByteText.equals(key, "kind") {
                // The last `kind` in the object is the first one met walking back.
                guard let value = stringValue, !value.contains(0x5C) else { return .unknown }
                lastKind = Self.hasListSuffix(value)
            }
            // `,` before the member; anything else (the object's `{`) means `items` was not among them.
            i = keyStart - 1
            while i > start, ByteText.isJSONWhitespace(p[i]) { i -= 1 }
            guard i > start, p[i] == UInt8(ascii: ",") else { return .unknown }
            i -= 1
        }
    }

    /// Where a backward bracket match ended.
    enum BackwardMatch {
        case opening(Int)
        /// The walk passed `budgetEnd` first.
        case beyondBudget
        /// Not valid JSON as far as the walk can tell, or the walk reached `start` unbalanced.
        case unreadable
    }

    /// The index of the bracket that opens the container closed at `close`, walking back no further than
    /// `start` (where it may open) and no earlier than `budgetEnd`.
    private func matchBackward(closingAt close: Int, start: Int, budgetEnd: Int) -> BackwardMatch {
        var depth = 0
        var i = close
        while i >= start {
            if i < budgetEnd { return .beyondBudget }
            switch p[i] {
            case UInt8(ascii: "\""):
                switch stringStartBackward(closingQuoteAt: i, start: start, budgetEnd: budgetEnd) {
                case .opening(let j): i = j
                case let stop: return stop
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth += 1
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth -= 1
                if depth == 0 { return .opening(i) }
            default:
                break
            }
            i -= 1
        }
        return .unreadable
    }

    /// The opening quote of the string whose closing quote is at `close` (as ``BackwardMatch/opening(_:)``),
    /// walking back no further than `start` and no earlier than `budgetEnd`. A line break is never inside a
    /// valid string.
    private func stringStartBackward(closingQuoteAt close: Int, start: Int, budgetEnd: Int) -> BackwardMatch {
        var i = close - 1
        while i > start {
            if i < budgetEnd { return .beyondBudget }
            let c = p[i]
            if c == 0x0A { return .unreadable }
            if c == 0x22 {
                var backslashes = 0
                while i - 1 - backslashes > start, p[i - 1 - backslashes] == 0x5C { backslashes += 1 }
                if backslashes % 2 == 0 { return .opening(i) }
            }
            i -= 1
        }
        return .unreadable
    }

    /// ``stringStartBackward(closingQuoteAt:start:budgetEnd:)`` for a key or a string value: its opening quote.
    private func stringStartBackward(closingQuoteAt close: Int, start: Int) -> Int? {
        let budgetEnd = max(start, end - Self.tailReadBytes)
        if case .opening(let i) = stringStartBackward(closingQuoteAt: close, start: start, budgetEnd: budgetEnd) {
            return i
        }
        return nil
    }

    /// Bytes of `true`, `false`, `null` and numbers.
    private static func isScalarByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x2B || c == 0x2D || (c >= 0x41 && c <= 0x5A)
    }

    /// Skims from the `items` array at `start` to the end of the enclosing top-level object and says whether
    /// the object's last `kind` (or `kindSoFar`, when none follows) is a string ending in `List`. Answers
    /// `false` at anything it cannot skim with certainty, except the end of the input: a file cut off before
    /// the object closes (an interrupted `kubectl get -o json` download) is read as a list unless a `kind` seen
    /// says otherwise, so the complete items before the cut are still audited and the error names where the
    /// file ends, rather than the whole file yielding nothing.
    func listAhead(from start: Int, kindSoFar: Bool?) -> Bool {
        var isList = kindSoFar
        let cutOff = isList ?? true
        let skipped = limits.skimsListsOnSpareCore ? skipArrayOnTwoThreads(from: start) : skipValue(from: start)
        guard var i = skipped else { return cutOff }
        while true {
            i = skipSpace(from: i)
            guard i < end else { return isList ?? true }
            if p[i] == UInt8(ascii: "}") { return isList ?? false }
            guard p[i] == UInt8(ascii: ",") else { return false }
            i = skipSpace(from: i + 1)
            guard i < end else { return isList ?? true }
            guard p[i] == UInt8(ascii: "\"") else { return false }
            guard let keyEnd = skipString(from: i) else { return isList ?? true }
            let key = UnsafeRawBufferPointer(start: p + i + 1, count: keyEnd - i - 2)
            if key.contains(0x5C) { return false }
            i = skipSpace(from: keyEnd)
            guard i < end else { return isList ?? true }
            guard p[i] == UInt8(ascii: ":") else { return false }
            i = skipSpace(from: i + 1)
            guard i < end else { return isList ?? true }
            if ByteText.equals(key, "kind") {
                if p[i] == UInt8(ascii: "\"") {
                    guard let valueEnd = skipString(from: i) else { return isList ?? true }
                    let value = UnsafeRawBufferPointer(start: p + i + 1, count: valueEnd - i - 2)
                    if value.contains(0x5C) { return false }
                    isList = Self.hasListSuffix(value)
                    i = valueEnd
                    continue
                }
                isList = false
            }
            guard let next = skipValue(from: i) else { return isList ?? true }
            i = next
        }
    }

    static func hasListSuffix(_ text: UnsafeRawBufferPointer) -> Bool {
        let n = text.count
        return n >= 4 && text[n - 4] == UInt8(ascii: "L") && text[n - 3] == UInt8(ascii: "i")
            && text[n - 2] == UInt8(ascii: "s") && text[n - 1] == UInt8(ascii: "t")
    }
}

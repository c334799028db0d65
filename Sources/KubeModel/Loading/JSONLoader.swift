#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict RFC 8259 JSON parser that reads bytes straight into ``Tree``s, with a line:column for every node.
///
/// Strict where the grammar is clear: numbers follow the RFC grammar (no leading zeros, no `+`, no `.5`, no
/// `NaN`), strings may not hold raw control characters, invalid UTF-8 is an error at the offending byte, and
/// nothing but whitespace may follow a value. Lenient where Kubernetes' own decoder is: duplicate keys are
/// kept (``Value``'s subscript returns the last, as Go's decoder does) and an escaped lone surrogate
/// (`"\uD800"`) becomes U+FFFD, which is what Go's `encoding/json` does, so a file `kubectl` accepts is not
/// rejected here. A UTF-8 byte order mark at the very start is skipped (RFC 8259 §8.1 allows that).
///
/// The parser is iterative: nesting costs a byte per level on a small stack, never a call frame, and stops at
/// ``LoadLimits/maxDepth`` with an error. Columns count Unicode scalars, as libyaml's do, so JSON and YAML
/// positions read the same way.
public enum JSONLoader {
    /// Parses exactly one JSON value (surrounded by optional whitespace). For bodies held in memory, such as
    /// admission reviews: there is no list splitting and no streaming.
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: LoadLimits = .default) -> Result<Tree, LoadProblem> {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            return .failure(LoadProblem(position: SourcePosition(line: 1, column: 1), message: "empty input: no JSON value"))
        }
        var scanner = JSONScanner(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count, limits: limits)
        scanner.skipByteOrderMark()
        // Sized for a typical document (a node per 6 bytes or so) so a request body never regrows the buffers;
        // capped so a huge input does not reserve memory it may never use.
        var builder = TreeBuilder(
            expectedNodes: min(max(16, bytes.count / 5), 1 << 16), expectedBytes: min(max(64, bytes.count), 1 << 20),
            tracksExpansion: false)
        do throws(LoadProblem) {
            scanner.skipWhitespace()
            if scanner.atEnd {
                return .failure(LoadProblem(position: scanner.position, message: "empty input: no JSON value"))
            }
            try scanner.parseValue(into: &builder, depthBase: 0)
            scanner.skipWhitespace()
            if !scanner.atEnd {
                throw scanner.problem("unexpected \(scanner.describeCurrent()) after the end of the JSON value")
            }
        } catch {
            return .failure(error)
        }
        guard let tree = builder.finish() else {
            return .failure(LoadProblem(position: .unknown, message: "internal error: unbalanced JSON tree"))
        }
        return .success(tree)
    }

    /// Parses a Swift string as one JSON value (tests and small inputs).
    public static func parse(_ text: String, limits: LoadLimits = .default) -> Result<Tree, LoadProblem> {
        var copy = text
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0), limits: limits) }
    }

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
    /// `kubectl` writes keys in alphabetical order, so `items` comes before `kind`. When the parser reaches a
    /// top-level `items` array it needs the last `kind`, the one ``Value``'s subscript would return. It first
    /// walks the top-level members back from the end of the input (``JSONScanner/readListFromEnd(itemsAt:kindSoFar:)``),
    /// which for an export is a few hundred bytes. When that walk is not conclusive it looks ahead with a
    /// structural skip (strings and brackets only, no tree, no validation) over the array and the remaining
    /// members. Any surprise in the skim (an escaped `kind` key) makes it answer "not a list", and the object
    /// is built whole: the slower path, never a wrong one. A file that ends before the object closes is read
    /// as a list unless a `kind` seen says otherwise, so a cut-off export still delivers its complete items
    /// before the error.
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

/// The byte-level machinery behind ``JSONLoader``.
struct JSONScanner: ~Copyable {
    let p: UnsafePointer<UInt8>
    let end: Int
    let limits: LoadLimits
    private(set) var offset = 0
    /// 1-based line of `offset`, and where that line starts.
    private var line = 1
    private var lineStart = 0
    /// UTF-8 continuation bytes between `lineStart` and `offset`, so columns count characters, not bytes.
    /// Only strings hold non-ASCII bytes and strings never span lines, so this is cheap to keep.
    private var lineContinuations = 0
    /// One byte per open container: 1 for an object, 0 for an array.
    private var stack = GrowableBuffer<UInt8>(capacity: 64)
    /// Decoded text of strings with escapes.
    private var scratch: [UInt8] = []
    /// For a file mapping: gives back pages behind the parse (and behind the list skim).
    var releaser: PageReleaser?
    private var releasedUpTo = 0

    init(base: UnsafePointer<UInt8>, count: Int, limits: LoadLimits) {
        self.p = base
        self.end = count
        self.limits = limits
    }

    var atEnd: Bool { offset >= end }
    var current: UInt8 { p[offset] }

    var position: SourcePosition { position(at: offset) }

    func position(at index: Int) -> SourcePosition {
        SourcePosition(line: line, column: index - lineStart - lineContinuations + 1)
    }

    func problem(_ message: String, at index: Int? = nil) -> LoadProblem {
        LoadProblem(position: position(at: index ?? offset), message: message)
    }

    /// Moves to `index`, the first byte of line `line`, before any parse.
    mutating func resume(at index: Int, line: Int) {
        offset = index
        lineStart = index
        self.line = line
        lineContinuations = 0
    }

    mutating func skipByteOrderMark() {
        if end >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF {
            offset = 3
            lineStart = 3
        }
    }

    @inline(__always)
    mutating func skipWhitespace() {
        var i = offset
        while i < end {
            let c = p[i]
            if c == 0x20 || c == 0x09 || c == 0x0D {
                i += 1
            } else if c == 0x0A {
                i += 1
                line += 1
                lineStart = i
                lineContinuations = 0
                // Pretty-printed JSON indents deeply: skip eight spaces at a time.
                while i + 8 <= end, UnsafeRawPointer(p).loadUnaligned(fromByteOffset: i, as: UInt64.self) == 0x2020_2020_2020_2020 {
                    i += 8
                }
            } else {
                break
            }
        }
        offset = i
    }

    /// The current byte, in words: `'x'`, `byte 0x89`, or `end of input`.
    func describeCurrent() -> String {
        atEnd ? "end of input" : Self.describe(p[offset])
    }

    static func describe(_ c: UInt8) -> String {
        if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        if c == 0x20 { return "space" }
        let hex = String(c, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }

    private func unexpected(expecting what: String) -> LoadProblem {
        if atEnd { return problem("unexpected end of input, expected \(what)") }
        let c = p[offset]
        var message = "unexpected \(Self.describe(c)), expected \(what)"
        if c >= 0x80 || (c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D) {
            message += " (is this a binary file?)"
        }
        return problem(message)
    }

    @inline(__always)
    private func checkDepth(_ depthBase: Int) throws(LoadProblem) {
        if stack.count + depthBase >= limits.maxDepth {
            throw tooDeep()
        }
    }

    @inline(never)
    private func tooDeep() -> LoadProblem {
        problem("nesting deeper than \(limits.maxDepth) levels")
    }

    // MARK: Values

    /// Parses one complete value at the current offset (after whitespace) into `b`. `depthBase` is the
    /// nesting depth of the place the value sits in, for the depth limit.
    mutating func parseValue(into b: inout TreeBuilder, depthBase: Int) throws(LoadProblem) {
        stack.truncate(to: 0)
        valueLoop: while true {
            skipWhitespace()
            guard offset < end else { throw unexpected(expecting: "a value") }
            let c = p[offset]
            switch c {
            case UInt8(ascii: "{"):
                try checkDepth(depthBase)
                let pos = position
                b.open(.mapping, line: pos.line, column: pos.column)
                stack.append(1)
                offset += 1
                skipWhitespace()
                if offset < end, p[offset] == UInt8(ascii: "}") {
                    offset += 1
                    b.close()
                    _ = stack.removeLast()
                } else {
                    try parseKey(into: &b)
                    continue valueLoop
                }
            case UInt8(ascii: "["):
                try checkDepth(depthBase)
                let pos = position
                b.open(.sequence, line: pos.line, column: pos.column)
                stack.append(0)
                offset += 1
                skipWhitespace()
                if offset < end, p[offset] == UInt8(ascii: "]") {
                    offset += 1
                    b.close()
                    _ = stack.removeLast()
                } else {
                    continue valueLoop
                }
            case UInt8(ascii: "\""):
                try parseString(into: &b)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try parseNumber(into: &b)
            case UInt8(ascii: "t"):
                try parseLiteral("true", kind: .bool, flag: true, into: &b)
            case UInt8(ascii: "f"):
                try parseLiteral("false", kind: .bool, flag: false, into: &b)
            case UInt8(ascii: "n"):
                try parseLiteral("null", kind: .null, flag: false, into: &b)
            default:
                throw unexpected(expecting: "a value")
            }
            // After a value: close containers or move to the next member.
            while stack.count > 0 {
                let top = stack.base[stack.count - 1]
                skipWhitespace()
                guard offset < end else {
                    throw unexpected(expecting: top == 1 ? "',' or '}'" : "',' or ']'")
                }
                let c = p[offset]
                if c == UInt8(ascii: ",") {
                    offset += 1
                    if top == 1 { try parseKey(into: &b) }
                    continue valueLoop
                }
                if (top == 1 && c == UInt8(ascii: "}")) || (top == 0 && c == UInt8(ascii: "]")) {
                    offset += 1
                    b.close()
                    _ = stack.removeLast()
                    continue
                }
                throw unexpected(expecting: top == 1 ? "',' or '}' after an object member" : "',' or ']' after an array item")
            }
            return
        }
    }

    /// Parses `"key" :` and leaves the offset at the value.
    @inline(__always)
    mutating func parseKey(into b: inout TreeBuilder) throws(LoadProblem) {
        skipWhitespace()
        guard offset < end, p[offset] == UInt8(ascii: "\"") else {
            if offset < end, p[offset] == UInt8(ascii: "}") {
                throw problem("trailing comma before '}' is not allowed in JSON")
            }
            throw unexpected(expecting: "a quoted object key")
        }
        try parseString(into: &b)
        skipWhitespace()
        guard offset < end, p[offset] == UInt8(ascii: ":") else {
            throw unexpected(expecting: "':' after an object key")
        }
        offset += 1
    }

    private mutating func parseLiteral(
        _ word: StaticString, kind: ValueKind, flag: Bool, into b: inout TreeBuilder
    ) throws(LoadProblem) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        // The common case in one comparison: the whole word is there.
        let whole = offset + n <= end && memcmpBytes(p + offset, w, n)
        if !whole {
            var k = 0
            while offset + k < end, k < n, p[offset + k] == w[k] { k += 1 }
            throw problem("invalid literal: expected '\(word)'", at: offset + k)
        }
        let pos = position
        if kind == .null {
            b.null(line: pos.line, column: pos.column)
        } else {
            b.plainScalar(kind, flag: flag, text: UnsafeRawBufferPointer(start: p + offset, count: n), line: pos.line, column: pos.column)
        }
        offset += n
    }

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as text.
    private mutating func parseNumber(into b: inout TreeBuilder) throws(LoadProblem) {
        let start = offset
        var i = offset
        if p[i] == UInt8(ascii: "-") {
            i += 1
        }
        guard i < end, Self.isDigit(p[i]) else {
            throw problem("invalid number: expected a digit after '-'", at: i)
        }
        if p[i] == UInt8(ascii: "0") {
            i += 1
            if i < end, Self.isDigit(p[i]) {
                throw problem("invalid number: leading zeros are not allowed in JSON", at: start)
            }
        } else {
            while i < end, Self.isDigit(p[i]) { i += 1 }
        }
        if i < end, p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end, Self.isDigit(p[i]) else {
                throw problem("invalid number: expected a digit after the decimal point", at: i)
            }
            while i < end, Self.isDigit(p[i]) { i += 1 }
        }
        if i < end, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < end, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end, Self.isDigit(p[i]) else {
                throw problem("invalid number: expected a digit in the exponent", at: i)
            }
            while i < end, Self.isDigit(p[i]) { i += 1 }
        }
        let pos = position
        b.plainScalar(.number, text: UnsafeRawBufferPointer(start: p + start, count: i - start), line: pos.line, column: pos.column)
        offset = i
    }

    // MARK: Strings

    /// Index of the first byte at or after `i` that is `"`, `\`, a control character or non-ASCII: what ends
    /// the fast path of a string. Eight bytes at a time.
    @inline(__always)
    private func scanPlainString(from start: Int) -> Int {
        WordBytes.firstStop(
            in: p, from: start, to: end,
            flags: { x in
                // A quote or backslash, a byte below 0x20, or one with its high bit set.
                WordBytes.matching(x, 0x22) | WordBytes.matching(x, 0x5C)
                    | ((x &- WordBytes.ones &* 0x20) | x) & WordBytes.highs
            },
            stops: { c in c == 0x22 || c == 0x5C || c < 0x20 || c >= 0x80 })
    }

    /// Parses a string at `"` into `b` as a `.string` scalar.
    @inline(__always)
    mutating func parseString(into b: inout TreeBuilder) throws(LoadProblem) {
        let pos = position
        let start = offset + 1
        let stop = scanPlainString(from: start)
        if stop < end, p[stop] == 0x22 {
            b.plainScalar(.string, text: UnsafeRawBufferPointer(start: p + start, count: stop - start), line: pos.line, column: pos.column)
            offset = stop + 1
            return
        }
        try parseStringSlow(from: start, stop: stop, position: pos, into: &b)
    }

    /// Strings with escapes or non-ASCII text: decode into `scratch`, validating UTF-8 as it goes.
    private mutating func parseStringSlow(
        from start: Int, stop: Int, position pos: SourcePosition, into b: inout TreeBuilder
    ) throws(LoadProblem) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: p + start, count: stop - start))
        var i = stop
        var hasEscapes = false
        while true {
            guard i < end else {
                throw problem("unterminated string (started at \(pos))", at: i)
            }
            let c = p[i]
            if c == 0x22 {
                i += 1
                break
            }
            if c == 0x5C {
                hasEscapes = true
                i = try decodeEscape(at: i)
                continue
            }
            if c < 0x20 {
                let what = c == 0x0A ? "a line break" : c == 0x09 ? "a tab" : "control character \(Self.describe(c))"
                throw problem("\(what) inside a string must be escaped (string started at \(pos))", at: i)
            }
            if c < 0x80 {
                scratch.append(c)
                i += 1
                continue
            }
            let length = try validateUTF8(at: i)
            scratch.append(contentsOf: UnsafeBufferPointer(start: p + i, count: length))
            lineContinuations += length - 1
            i += length
        }
        if hasEscapes {
            scratch.withUnsafeBytes { text in
                b.plainScalar(.string, text: text, line: pos.line, column: pos.column)
            }
        } else {
            b.plainScalar(.string, text: UnsafeRawBufferPointer(start: p + start, count: i - 1 - start), line: pos.line, column: pos.column)
        }
        offset = i
    }

    /// Length of the valid UTF-8 sequence at `i` (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
    private func validateUTF8(at i: Int) throws(LoadProblem) -> Int {
        let c = p[i]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default:
            throw problem("invalid UTF-8: byte 0x\(String(c, radix: 16, uppercase: true)) cannot start a character (is this a binary file?)", at: i)
        }
        for k in 1..<length {
            guard i + k < end else {
                throw problem("invalid UTF-8: character cut off by the end of input", at: i)
            }
            let d = p[i + k]
            let (lo, hi) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            guard d >= lo && d <= hi else {
                throw problem("invalid UTF-8: byte 0x\(String(d, radix: 16, uppercase: true)) after 0x\(String(c, radix: 16, uppercase: true)) (is this a binary file?)", at: i)
            }
        }
        return length
    }

    /// Decodes the escape at `i` (a backslash) into `scratch`; returns the index after it.
    private mutating func decodeEscape(at i: Int) throws(LoadProblem) -> Int {
        guard i + 1 < end else { throw problem("unterminated escape sequence", at: i) }
        let e = p[i + 1]
        let decoded: UInt8
        switch e {
        case UInt8(ascii: "\""): decoded = 0x22
        case UInt8(ascii: "\\"): decoded = 0x5C
        case UInt8(ascii: "/"): decoded = 0x2F
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"):
            var scalar = try hex4(at: i + 2)
            var next = i + 6
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                // A high surrogate needs a low one right after it; otherwise it stands alone.
                if next + 1 < end, p[next] == 0x5C, p[next + 1] == UInt8(ascii: "u"),
                    let low = try? hex4(at: next + 2), low >= 0xDC00 && low <= 0xDFFF
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    next += 6
                } else {
                    scalar = 0xFFFD
                }
            } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                scalar = 0xFFFD
            }
            appendUTF8(scalar)
            return next
        default:
            throw problem("invalid escape '\\\(Self.describe(e).trimmingQuotes)' in a string", at: i)
        }
        scratch.append(decoded)
        return i + 2
    }

    private func hex4(at i: Int) throws(LoadProblem) -> UInt32 {
        guard i + 4 <= end else { throw problem("\\u escape needs four hex digits", at: i - 2) }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = p[i + k]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - 0x30
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - 0x61 + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - 0x41 + 10
            default: throw problem("\\u escape needs four hex digits, found \(Self.describe(c))", at: i + k)
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    private mutating func appendUTF8(_ v: UInt32) {
        switch v {
        case 0..<0x80:
            scratch.append(UInt8(v))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (v >> 6)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (v >> 12)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (v >> 18)))
            scratch.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    // MARK: Streaming lists

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
                let isItems = b.withText(of: key) { Self.equals($0, "items") }
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
                    if b.withText(of: key, { Self.equals($0, "kind") }) {
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
        while i > start, Self.isSpace(p[i]) { i -= 1 }
        guard i > start, p[i] == UInt8(ascii: "}") else { return .unknown }
        let budgetEnd = max(start, end - Self.tailReadBytes)
        i -= 1
        while true {
            // A member's value ends at `i`.
            while i > start, Self.isSpace(p[i]) { i -= 1 }
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
            while i > start, Self.isSpace(p[i]) { i -= 1 }
            guard i > start, p[i] == UInt8(ascii: ":") else { return .unknown }
            i -= 1
            while i > start, Self.isSpace(p[i]) { i -= 1 }
            guard i > start, p[i] == UInt8(ascii: "\""),
                let keyStart = stringStartBackward(closingQuoteAt: i, start: start)
            else { return .unknown }
            let key = UnsafeRawBufferPointer(start: p + keyStart + 1, count: i - keyStart - 1)
            if key.contains(0x5C) { return .unknown }
            if lastKind == nil, Self.equals(key, "kind") {
                // The last `kind` in the object is the first one met walking back.
                guard let value = stringValue, !value.contains(0x5C) else { return .unknown }
                lastKind = Self.hasListSuffix(value)
            }
            // `,` before the member; anything else (the object's `{`) means `items` was not among them.
            i = keyStart - 1
            while i > start, Self.isSpace(p[i]) { i -= 1 }
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

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

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
            if Self.equals(key, "kind") {
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

    private func skipSpace(from start: Int) -> Int {
        var i = start
        while i < end, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i += 1 }
        return i
    }

    /// Index after the string starting at `"` `start`, without decoding; `nil` if unterminated.
    private func skipString(from start: Int) -> Int? {
        var i = start + 1
        while true {
            i = scanPlainString(from: i)
            guard i < end else { return nil }
            let c = p[i]
            if c == 0x22 { return i + 1 }
            if c == 0x5C {
                i += 2
            } else {
                i += 1  // control or non-ASCII bytes: the real parse judges them
            }
        }
    }

    /// Index of the first byte at or after `start` that is `"`, `{`, `}`, `[` or `]`: the only bytes the skim
    /// of a container looks at. Eight bytes at a time; pretty-printed exports are mostly indentation.
    @inline(__always)
    private func scanStructural(from start: Int) -> Int {
        WordBytes.firstStop(
            in: p, from: start, to: end,
            flags: { x in
                // `[` and `]` are `{` and `}` without the 0x20 bit: fold them together.
                let folded = x | (WordBytes.ones &* 0x20)
                return WordBytes.matching(x, 0x22) | WordBytes.matching(folded, 0x7B) | WordBytes.matching(folded, 0x7D)
            },
            stops: { c in c == 0x22 || c == 0x7B || c == 0x7D || c == 0x5B || c == 0x5D })
    }

    /// Index after the value starting at `start` (a container is skipped by bracket counting); `nil` if the
    /// input ends first.
    func skipValue(from start: Int) -> Int? {
        if case .ended(let next) = skim(from: start, to: end) { return next }
        return nil
    }

    /// Where the skim of the value at `start` stops before `limit` (see ``SkimStop``).
    private func skim(from start: Int, to limit: Int) -> SkimStop {
        var i = start
        var depth = 0
        var released = start
        while i < limit {
            // Inside a container only strings and brackets matter (a comma only ends a scalar at depth 0).
            if depth > 0 {
                i = scanStructural(from: i)
                if i >= limit { return .open(depth: depth) }
            }
            switch p[i] {
            case UInt8(ascii: "\""):
                guard let next = skipString(from: i) else { return .unterminated }
                if next > limit { return .insideString }
                i = next
                if depth == 0 { return .ended(i) }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                releaseSkimmed(from: &released, to: i)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return .ended(i) }
                depth -= 1
                if depth == 0 { return .ended(i + 1) }
            case UInt8(ascii: ","):
                if depth == 0 { return .ended(i) }
            default:
                break
            }
            i += 1
        }
        return .open(depth: depth)
    }

    /// Gives back the pages behind the skim, which reads ahead of the parse: on a huge list it would otherwise
    /// make the whole file resident before the first item is parsed.
    @inline(__always)
    private func releaseSkimmed(from released: inout Int, to i: Int) {
        if let releaser, i - released >= PageReleaser.step {
            releaser.release(from: released, to: i)
            released = i
        }
    }

    /// Arrays smaller than this are skimmed on one thread: a thread costs more than it saves.
    static let splitSkimBytes = 16 << 20

    /// ``skipValue(from:)`` for the array at `start`, its second half skimmed on another thread.
    ///
    /// The halves meet just after a newline: in valid JSON a newline is never inside a string, so the second
    /// half can be skimmed without knowing what came before. It records where its closing brackets first
    /// close containers opened before it (the first time its depth falls to -1, -2...). The first half,
    /// skimmed here, gives the depth at the meeting point, which picks the one that closes the array. When
    /// the first half ends inside a string (a raw newline in a string: invalid JSON, which the parse will
    /// reject), the array is skimmed again on one thread, so the answer is always the one-thread answer.
    func skipArrayOnTwoThreads(from start: Int, minimumBytes: Int = splitSkimBytes) -> Int? {
        guard p[start] == UInt8(ascii: "["), end - start >= max(minimumBytes, 2) else { return skipValue(from: start) }
        var split = start + (end - start) / 2
        while split < end, p[split] != 0x0A { split += 1 }
        guard split + 1 < end else { return skipValue(from: start) }
        split += 1
        let tail = SkimTail(base: p, count: end, limits: limits, releaser: releaser, from: split)
        let head = skim(from: start, to: split)
        let closings = tail.wait()
        switch head {
        case .ended(let next):
            return next
        case .open(let depth):
            // The array closes where the second half's depth first reaches -depth; nil: the input ends first.
            return depth <= closings.count ? closings[depth - 1] + 1 : nil
        case .insideString, .unterminated:
            return skipValue(from: start)
        }
    }

    /// Where a skim stopped.
    enum SkimStop {
        /// The value ended here (before the limit).
        case ended(Int)
        /// At the limit, outside strings, `depth` containers deep.
        case open(depth: Int)
        /// A string runs over the limit.
        case insideString
        /// The input ended in a string.
        case unterminated
    }

    /// The second half of ``skipArrayOnTwoThreads(from:)``, from just after a newline to the end of the input:
    /// where its depth first falls to -1, -2... (closing brackets of containers opened before it). Stops at an
    /// unterminated string.
    func skimTail(from start: Int) -> [Int] {
        var closings: [Int] = []
        var depth = 0
        var i = start
        var released = start
        while true {
            i = scanStructural(from: i)
            guard i < end else { return closings }
            switch p[i] {
            case UInt8(ascii: "\""):
                guard let next = skipString(from: i) else { return closings }
                i = next
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                releaseSkimmed(from: &released, to: i)
            default:
                depth -= 1
                if -depth > closings.count { closings.append(i) }
            }
            i += 1
        }
    }

    static func equals(_ text: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        guard text.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<text.count where text[k] != w[k] { return false }
        return true
    }

    static func hasListSuffix(_ text: UnsafeRawBufferPointer) -> Bool {
        let n = text.count
        return n >= 4 && text[n - 4] == UInt8(ascii: "L") && text[n - 3] == UInt8(ascii: "i")
            && text[n - 2] == UInt8(ascii: "s") && text[n - 1] == UInt8(ascii: "t")
    }
}

extension String {
    fileprivate var trimmingQuotes: String {
        hasPrefix("'") && hasSuffix("'") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}

/// ``JSONScanner/skimTail(from:)`` on a thread of its own (the second half of a two-thread skim).
final class SkimTail: @unchecked Sendable {
    // @unchecked: `closings` is written by the skimming thread before it ends and read after it is joined; the
    // input bytes are only read.
    private var thread = pthread_t()
    private var started = false
    private var closings: [Int] = []
    private let base: UnsafePointer<UInt8>
    private let count: Int
    private let limits: LoadLimits
    private let releaser: PageReleaser?
    private let start: Int

    /// Starts skimming from `start`; when no thread can be started, ``wait()`` skims on the caller's.
    init(base: UnsafePointer<UInt8>, count: Int, limits: LoadLimits, releaser: PageReleaser?, from start: Int) {
        self.base = base
        self.count = count
        self.limits = limits
        self.releaser = releaser
        self.start = start
        let box = Unmanaged.passRetained(self).toOpaque()
        started = pthread_create(&thread, nil, { raw in
            Unmanaged<SkimTail>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, box) == 0
        if !started { Unmanaged<SkimTail>.fromOpaque(box).release() }
    }

    private func run() {
        var scanner = JSONScanner(base: base, count: count, limits: limits)
        scanner.releaser = releaser
        closings = scanner.skimTail(from: start)
    }

    /// Where the tail's depth first fell to -1, -2... (see ``JSONScanner/skimTail(from:)``).
    func wait() -> [Int] {
        if started { pthread_join(thread, nil) } else { run() }
        return closings
    }
}

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
}

/// The byte-level machinery behind ``JSONLoader``.
struct JSONScanner: ~Copyable {
    let p: UnsafePointer<UInt8>
    let end: Int
    let limits: LoadLimits
    var offset = 0
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
    /// Where the pages released behind the parse end (``releaseBehind()``).
    var releasedUpTo = 0

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

    func unexpected(expecting what: String) -> LoadProblem {
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

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as text.
    private mutating func parseNumber(into b: inout TreeBuilder) throws(LoadProblem) {
        let start = offset
        var i = offset
        if p[i] == UInt8(ascii: "-") {
            i += 1
        }
        guard i < end, ByteText.isDigit(p[i]) else {
            throw problem("invalid number: expected a digit after '-'", at: i)
        }
        if p[i] == UInt8(ascii: "0") {
            i += 1
            if i < end, ByteText.isDigit(p[i]) {
                throw problem("invalid number: leading zeros are not allowed in JSON", at: start)
            }
        } else {
            while i < end, ByteText.isDigit(p[i]) { i += 1 }
        }
        if i < end, p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end, ByteText.isDigit(p[i]) else {
                throw problem("invalid number: expected a digit after the decimal point", at: i)
            }
            while i < end, ByteText.isDigit(p[i]) { i += 1 }
        }
        if i < end, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < end, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end, ByteText.isDigit(p[i]) else {
                throw problem("invalid number: expected a digit in the exponent", at: i)
            }
            while i < end, ByteText.isDigit(p[i]) { i += 1 }
        }
        let pos = position
        b.plainScalar(.number, text: UnsafeRawBufferPointer(start: p + start, count: i - start), line: pos.line, column: pos.column)
        offset = i
    }

    // MARK: Strings

    /// Index of the first byte at or after `i` that is `"`, `\`, a control character or non-ASCII: what ends
    /// the fast path of a string. Eight bytes at a time.
    @inline(__always)
    func scanPlainString(from start: Int) -> Int {
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
            ByteText.appendUTF8(scalar, to: &scratch)
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
            guard let d = ByteText.hexDigit(c) else {
                throw problem("\\u escape needs four hex digits, found \(Self.describe(c))", at: i + k)
            }
            v = v << 4 | d
        }
        return v
    }
}

extension String {
    fileprivate var trimmingQuotes: String {
        hasPrefix("'") && hasSuffix("'") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}

extension JSONLoader {
    /// Parses the JSON file at `path`, mapped rather than copied (exports can be tens of megabytes). A file that
    /// cannot be read is a problem at an unknown position saying why (`cannot open: No such file or directory`).
    public static func parse(contentsOf path: String, limits: LoadLimits = .default) -> Result<Tree, LoadProblem> {
        var parsed: Result<Tree, LoadProblem> = .failure(LoadProblem(position: .unknown, message: "not read"))
        let read = FileBytes.withContents(of: path) { bytes, _ in parsed = parse(bytes, limits: limits) }
        if case .failure(let failure) = read { return .failure(LoadProblem(position: .unknown, message: failure.message)) }
        return parsed
    }
}

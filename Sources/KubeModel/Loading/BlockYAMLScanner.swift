/// A byte-level reader for the block YAML that Kubernetes manifests are written in, run before libyaml.
///
/// It feeds ``TreeBuilder`` exactly the calls the libyaml event loop in ``YAMLLoader`` would make (same kinds,
/// flags, scalar bytes, lines and columns), straight from the input bytes, with no token objects and no
/// allocation per scalar. It knows a deliberately small subset: block mappings and sequences by indentation,
/// one-line plain and quoted scalars, block scalars without an indentation indicator, flow collections that
/// close on their line, comments, `---` and `...`. Whatever else it meets (anchors, aliases, tags, complex
/// keys, directives, tabs in structure, multi-line plain or quoted scalars, odd bytes, every error) makes it
/// stop: the document it was reading is forgotten and libyaml reads on from a document start, handing the
/// stream back at the next `---` line (see ``YAMLLoader``), so libyaml stays the one judge of anything unusual
/// and the one source of error messages.
struct BlockYAMLScanner: ~Copyable {
    /// A place to read from, by libyaml when the scanner stops or by the scanner when libyaml hands back: a
    /// byte offset at a document start that libyaml sees as it would from the beginning of the stream (offset
    /// 0, or a `---` line), the 1-based line there, the index of the document that starts there, and the first
    /// document index not yet delivered.
    struct Resume {
        var offset: Int
        var line: Int
        var index: Int
        var deliverFrom: Int
    }

    /// Thrown to give the rest of the stream to libyaml.
    struct Bail: Error {}

    private let base: UnsafePointer<UInt8>
    private let end: Int
    private let limits: LoadLimits
    private var builder = TreeBuilder()
    /// Text of escaped quoted scalars and block scalars, reused from one scalar to the next.
    private var scratch = GrowableBuffer<UInt8>(capacity: 256)

    // The current line: where it starts and ends (before its line break), where the next one starts, its
    // 1-based number, and whether it is all ASCII (then a column is a byte offset).
    private var lineStart = 0
    private var lineEnd = 0
    private var nextLine = 0
    private var lineNumber = 1
    private var lineIsASCII = true
    /// Spaces before the content of the current significant line (its 0-based column).
    private var indent = 0
    /// No significant line is left.
    private var atEnd = false
    /// The last character column counted on a non-ASCII line: the line's start, a byte, its column.
    private var columnMark = (line: -1, position: 0, column: 1)

    /// Documents delivered by this scanner.
    private(set) var deliveredDocuments = 0

    /// A scanner of `input` from `start`: the stream's start, or a `---` line where libyaml handed it back.
    init(_ input: UnsafeRawBufferPointer, limits: LoadLimits, from start: Resume) {
        base = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        end = input.count
        self.limits = limits
        self.start = start
    }

    private let start: Resume

    // MARK: Documents

    /// Reads documents until the end of the input (returns `nil`) or until something is left to libyaml.
    mutating func run(onDocument: (Tree, Int, Int) -> Void) -> Resume? {
        var index = start.index
        var safe = (offset: start.offset, line: start.line, index: start.index)
        var first = start.offset == 0
        var afterExplicitEnd = false
        lineStart = start.offset
        lineNumber = start.line
        do throws(Bail) {
            try seekSignificantLine()
            while !atEnd {
                var explicit = false
                if isDocumentMarker(UInt8(ascii: "-")) {
                    safe = (lineStart, lineNumber, index)
                    explicit = true
                    try finishLine(from: lineStart + 3)
                    try advanceLine()
                } else if !first || afterExplicitEnd || isDocumentMarker(UInt8(ascii: ".")) {
                    // libyaml wants `---` here (or skips extra `...`): its call.
                    throw Bail()
                }
                first = false
                afterExplicitEnd = false
                if atEnd || isDocumentMarker(UInt8(ascii: "-")) || isDocumentMarker(UInt8(ascii: ".")) {
                    guard explicit else { throw Bail() }
                    // An empty document: libyaml's empty scalar sits at the next token (the stream end counts
                    // as the start of the line after the last one).
                    builder.null(line: lineNumber, column: 1)
                } else {
                    try parseNodeAtLineStart()
                    guard atEnd || isDocumentMarker(UInt8(ascii: "-")) || isDocumentMarker(UInt8(ascii: ".")) else {
                        throw Bail()
                    }
                }
                var consumed = atEnd ? end : lineStart
                if !atEnd && isDocumentMarker(UInt8(ascii: ".")) {
                    try finishLine(from: lineStart + 3)
                    // The next document may not start at a place libyaml can resume from, and then libyaml
                    // re-reads this one: keep its pages.
                    consumed = safe.offset
                    afterExplicitEnd = true
                    try advanceLine()
                }
                guard let tree = builder.finish() else { throw Bail() }
                onDocument(tree, index, consumed)
                index += 1
                deliveredDocuments += 1
            }
            return nil
        } catch {
            builder.reset()
            return Resume(offset: safe.offset, line: safe.line, index: safe.index, deliverFrom: index)
        }
    }

    /// `---` or `...` (by `mark`) at column 0, followed by a space or the end of the line.
    @inline(__always)
    private func isDocumentMarker(_ mark: UInt8) -> Bool {
        indent == 0 && lineEnd - lineStart >= 3 && base[lineStart] == mark && base[lineStart + 1] == mark
            && base[lineStart + 2] == mark && (lineEnd == lineStart + 3 || base[lineStart + 3] == UInt8(ascii: " "))
    }

    // MARK: Lines

    /// Finds the current line's end. Line breaks other than `\n` and `\r\n`, and the byte order mark, are
    /// libyaml's.
    @inline(__always)
    private mutating func readLine() throws(Bail) {
        var i = lineStart
        var ascii = true
        while i < end {
            // Eight bytes at a time while none is a line break, a carriage return or non-ASCII.
            if i + 8 <= end {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if WordBytes.matching(w, 0x0A) | WordBytes.matching(w, 0x0D) | (w & WordBytes.highs) == 0 {
                    i += 8
                    continue
                }
            }
            let c = base[i]
            if c > 0x0D && c < 0x80 {
                i += 1
                continue
            }
            if c == 0x0A {
                lineEnd = i
                nextLine = i + 1
                lineIsASCII = ascii
                return
            }
            if c == 0x0D {
                guard i + 1 < end, base[i + 1] == 0x0A else { throw Bail() }
                lineEnd = i
                nextLine = i + 2
                lineIsASCII = ascii
                return
            }
            if c >= 0x80 {
                ascii = false
                try checkMultiByte(at: i)
            }
            i += 1
        }
        lineEnd = end
        nextLine = end
        lineIsASCII = ascii
    }

    /// NEL, LS and PS are line breaks to libyaml, and a BOM is skipped at a line start: all left to it. The
    /// input is known to be valid UTF-8 (``readerAccepts(_:)``), so the sequence is complete.
    @inline(__always)
    private func checkMultiByte(at i: Int) throws(Bail) {
        switch base[i] {
        case 0xC2:
            if base[i + 1] == 0x85 { throw Bail() }
        case 0xE2:
            if base[i + 1] == 0x80 && (base[i + 2] == 0xA8 || base[i + 2] == 0xA9) { throw Bail() }
        case 0xEF:
            if base[i + 1] == 0xBB && base[i + 2] == 0xBF { throw Bail() }
        default:
            break
        }
    }

    /// From the line at `lineStart`, moves to the first line with more than spaces or a comment.
    private mutating func seekSignificantLine() throws(Bail) {
        while lineStart < end {
            try readLine()
            var i = lineStart
            // Deep indentation: eight spaces at a time.
            while i + 8 <= lineEnd && UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) == 0x2020_2020_2020_2020 {
                i += 8
            }
            while i < lineEnd && base[i] == UInt8(ascii: " ") { i += 1 }
            if i < lineEnd && base[i] != UInt8(ascii: "#") {
                indent = i - lineStart
                atEnd = false
                return
            }
            lineStart = nextLine
            lineNumber += 1
        }
        atEnd = true
        indent = 0
        lineEnd = end
        lineIsASCII = true
    }

    /// Moves past the current line to the next significant one.
    @inline(__always)
    private mutating func advanceLine() throws(Bail) {
        lineStart = nextLine
        lineNumber += 1
        try seekSignificantLine()
    }

    /// The rest of the line from `p` may hold only spaces and a comment.
    @inline(__always)
    private func finishLine(from p: Int) throws(Bail) {
        var i = p
        while i < lineEnd && base[i] == UInt8(ascii: " ") { i += 1 }
        if i == lineEnd { return }
        if base[i] == UInt8(ascii: "#") && i > p { return }
        throw Bail()
    }

    /// libyaml's 1-based column of byte `p` on the current line: characters, not bytes.
    @inline(__always)
    private mutating func column(_ p: Int) -> Int {
        if lineIsASCII { return p - lineStart + 1 }
        return characterColumn(p)
    }

    /// Counts characters from the last column asked for on this line, so a long non-ASCII line with many
    /// scalars costs its length once, not once per scalar.
    private mutating func characterColumn(_ p: Int) -> Int {
        if columnMark.line != lineStart || columnMark.position > p {
            columnMark = (lineStart, lineStart, 1)
        }
        var n = columnMark.column
        var i = columnMark.position
        while i < p {
            if base[i] & 0xC0 != 0x80 { n += 1 }
            i += 1
        }
        columnMark = (lineStart, p, n)
        return n
    }

    @inline(__always)
    private func isBlankOrEnd(_ i: Int) -> Bool {
        i >= lineEnd || base[i] == UInt8(ascii: " ")
    }

    @inline(__always)
    private func startsSequenceEntry(_ i: Int) -> Bool {
        base[i] == UInt8(ascii: "-") && isBlankOrEnd(i + 1)
    }

    // MARK: Block structure

    /// A node that begins a line (the root, or a value below its key or dash).
    private mutating func parseNodeAtLineStart() throws(Bail) {
        let p = lineStart + indent
        let c = base[p]
        if startsSequenceEntry(p) {
            try parseSequence(at: p, indentless: false)
            return
        }
        if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
            try parseFlowNode(at: p)
            return
        }
        let token = try scanScalar(at: p)
        if token.colon >= 0 {
            try parseMapping(column: indent, firstKey: token)
            return
        }
        try emit(token)
        try finishLine(from: token.after)
        try advanceLine()
    }

    /// A block mapping whose first key has been scanned; keys sit at 0-based column `c`.
    private mutating func parseMapping(column c: Int, firstKey: ScalarToken) throws(Bail) {
        try open(.mapping, at: firstKey.start)
        var key = firstKey
        while true {
            try emit(key)
            var p = key.after
            while p < lineEnd && base[p] == UInt8(ascii: " ") { p += 1 }
            if p == lineEnd || base[p] == UInt8(ascii: "#") {
                // libyaml's empty value sits just after the `:`.
                try valueOnFollowingLines(
                    owner: c, emptyLine: lineNumber, emptyColumn: column(key.after), allowIndentless: true)
            } else {
                try inlineValue(at: p, blockIndent: c)
            }
            if atEnd || indent < c { break }
            if indent > c { throw Bail() }
            let q = lineStart + indent
            if isDocumentMarker(UInt8(ascii: "-")) || isDocumentMarker(UInt8(ascii: ".")) { break }
            if startsSequenceEntry(q) || base[q] == UInt8(ascii: "[") || base[q] == UInt8(ascii: "{") { throw Bail() }
            key = try scanScalar(at: q)
            guard key.colon >= 0 else { throw Bail() }
        }
        try close()
    }

    /// A block sequence whose first `-` is at byte `first`.
    private mutating func parseSequence(at first: Int, indentless: Bool) throws(Bail) {
        let d = first - lineStart
        try open(.sequence, at: first)
        var p = first
        while true {
            var q = p + 1
            while q < lineEnd && base[q] == UInt8(ascii: " ") { q += 1 }
            if q == lineEnd || base[q] == UInt8(ascii: "#") {
                try valueOnFollowingLines(owner: d, emptyLine: lineNumber, emptyColumn: column(p) + 1, allowIndentless: false)
            } else {
                try itemAfterDash(at: q, sequenceColumn: d)
            }
            if atEnd || indent < d { break }
            if indent > d { throw Bail() }
            if isDocumentMarker(UInt8(ascii: "-")) || isDocumentMarker(UInt8(ascii: ".")) { break }
            let r = lineStart + indent
            if startsSequenceEntry(r) {
                p = r
                continue
            }
            // An indentless sequence ends where its mapping's next key begins.
            if indentless { break }
            throw Bail()
        }
        try close()
    }

    /// The value of a key or dash that ends its line: a node on the lines below, an indentless sequence, or
    /// null at libyaml's empty-scalar mark.
    private mutating func valueOnFollowingLines(
        owner c: Int, emptyLine: Int, emptyColumn: Int, allowIndentless: Bool
    ) throws(Bail) {
        try advanceLine()
        if !atEnd {
            if indent > c {
                try parseNodeAtLineStart()
                return
            }
            if allowIndentless && indent == c && startsSequenceEntry(lineStart + c) {
                try parseSequence(at: lineStart + c, indentless: true)
                return
            }
        }
        builder.null(line: emptyLine, column: emptyColumn)
        try checkExpansion()
    }

    /// The value after `key: ` on the same line. `blockIndent` is libyaml's indentation there (the mapping's
    /// column), which a block scalar's content must exceed.
    private mutating func inlineValue(at p: Int, blockIndent: Int) throws(Bail) {
        let c = base[p]
        if c == UInt8(ascii: "|") || c == UInt8(ascii: ">") {
            try parseBlockScalar(at: p, blockIndent: blockIndent)
            return
        }
        if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
            try parseFlowNode(at: p)
            return
        }
        if startsSequenceEntry(p) { throw Bail() }
        let token = try scanScalar(at: p)
        if token.colon >= 0 { throw Bail() }
        try emit(token)
        try finishLine(from: token.after)
        try advanceLine()
    }

    /// The node after `- ` on the same line: a nested sequence, a compact mapping, or a scalar.
    private mutating func itemAfterDash(at q: Int, sequenceColumn d: Int) throws(Bail) {
        let c = base[q]
        if startsSequenceEntry(q) {
            try parseSequence(at: q, indentless: false)
            return
        }
        if c == UInt8(ascii: "|") || c == UInt8(ascii: ">") {
            try parseBlockScalar(at: q, blockIndent: d)
            return
        }
        if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
            try parseFlowNode(at: q)
            return
        }
        let token = try scanScalar(at: q)
        if token.colon >= 0 {
            try parseMapping(column: q - lineStart, firstKey: token)
            return
        }
        try emit(token)
        try finishLine(from: token.after)
        try advanceLine()
    }

    @inline(__always)
    private mutating func open(_ kind: ValueKind, at p: Int) throws(Bail) {
        // libyaml's path reports the depth error; leave it to it.
        if builder.depth >= limits.maxDepth { throw Bail() }
        builder.open(kind, line: lineNumber, column: column(p))
        try checkExpansion()
    }

    @inline(__always)
    private mutating func close() throws(Bail) {
        builder.close()
        try checkExpansion()
    }

    /// The alias-bomb guard of the libyaml path, checked after every node as there. Without aliases it cannot
    /// trip; if it ever does, libyaml reports it.
    @inline(__always)
    private func checkExpansion() throws(Bail) {
        if builder.expandedNodes > limits.maxExpandedNodes
            && builder.expandedNodes > limits.maxExpansionRatio * max(builder.storedNodes, 1)
        {
            throw Bail()
        }
    }

    // MARK: Scalars

    /// A scalar found on the current line: where it starts (its quote, for a quoted one), its text (in the
    /// input, or in `scratch` when escapes were decoded), and the `:` that makes it a key, if any.
    struct ScalarToken {
        var start: Int
        var textStart: Int
        var textCount: Int
        var quoted: Bool
        var inScratch: Bool
        /// The `:` after the scalar (followed by a space or the line end), or -1.
        var colon: Int
        /// Where the line goes on: after the `:` for a key, after the scalar otherwise.
        var after: Int
    }

    /// libyaml's simple keys may not span more than 1024 characters.
    private static let maxKeyLength = 1000

    /// A plain or one-line quoted scalar in block context at `p`, and whether a `:` makes it a key.
    private mutating func scanScalar(at p: Int) throws(Bail) -> ScalarToken {
        let c = base[p]
        if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
            var token = try scanQuoted(at: p)
            var j = token.after
            while j < lineEnd && base[j] == UInt8(ascii: " ") { j += 1 }
            if j < lineEnd && base[j] == UInt8(ascii: ":") && isBlankOrEnd(j + 1) {
                if j - p > Self.maxKeyLength { throw Bail() }
                token.colon = j
                token.after = j + 1
            }
            return token
        }
        // `-`, `?` and `:` start a plain scalar when a non-blank follows (`-1`, `:path`).
        guard
            Self.canStartPlain(c)
                || ((c == UInt8(ascii: "-") || c == UInt8(ascii: "?") || c == UInt8(ascii: ":")) && p + 1 < lineEnd
                    && base[p + 1] != UInt8(ascii: " ") && base[p + 1] != 0x09)
        else { throw Bail() }
        var i = p
        var textEnd = p
        while i < lineEnd {
            let b = base[i]
            if b == UInt8(ascii: " ") {
                if i + 1 < lineEnd && base[i + 1] == UInt8(ascii: "#") { break }
                i += 1
                continue
            }
            if b == UInt8(ascii: ":") && isBlankOrEnd(i + 1) {
                if i - p > Self.maxKeyLength { throw Bail() }
                return ScalarToken(
                    start: p, textStart: p, textCount: textEnd - p, quoted: false, inScratch: false, colon: i, after: i + 1)
            }
            if b == 0x09 { throw Bail() }
            i += 1
            textEnd = i
        }
        return ScalarToken(
            start: p, textStart: p, textCount: textEnd - p, quoted: false, inScratch: false, colon: -1, after: lineEnd)
    }

    /// Whether `c` may start a plain scalar without looking further (no indicator, no control byte).
    @inline(__always)
    private static func canStartPlain(_ c: UInt8) -> Bool {
        if c >= 0x80 { return true }
        if c <= 0x20 || c == 0x7F { return false }
        switch c {
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"),
            UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
            UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
            return false
        default:
            return true
        }
    }

    /// A quoted scalar that closes on its own line; `after` is just past the closing quote.
    private mutating func scanQuoted(at p: Int) throws(Bail) -> ScalarToken {
        let quote = base[p]
        var i = p + 1
        var escaped = false
        if quote == UInt8(ascii: "'") {
            while true {
                guard i < lineEnd else { throw Bail() }
                let b = base[i]
                if b == UInt8(ascii: "'") {
                    if i + 1 < lineEnd && base[i + 1] == UInt8(ascii: "'") {
                        escaped = true
                        i += 2
                        continue
                    }
                    break
                }
                if b == 0x09 { throw Bail() }
                i += 1
            }
        } else {
            while true {
                guard i < lineEnd else { throw Bail() }
                let b = base[i]
                if b == UInt8(ascii: "\"") { break }
                if b == UInt8(ascii: "\\") {
                    escaped = true
                    i += 2
                    continue
                }
                if b == 0x09 { throw Bail() }
                i += 1
            }
        }
        let close = i
        if !escaped {
            return ScalarToken(
                start: p, textStart: p + 1, textCount: close - p - 1, quoted: true, inScratch: false, colon: -1,
                after: close + 1)
        }
        scratch.truncate(to: 0)
        if quote == UInt8(ascii: "'") {
            var j = p + 1
            while j < close {
                scratch.append(base[j])
                j += base[j] == UInt8(ascii: "'") ? 2 : 1
            }
        } else {
            try decodeDoubleQuoted(from: p + 1, to: close)
        }
        return ScalarToken(
            start: p, textStart: 0, textCount: scratch.count, quoted: true, inScratch: true, colon: -1, after: close + 1)
    }

    /// libyaml's double-quoted escapes; an unknown one or a bad code point is an error libyaml reports.
    private mutating func decodeDoubleQuoted(from start: Int, to close: Int) throws(Bail) {
        var j = start
        while j < close {
            let b = base[j]
            if b != UInt8(ascii: "\\") {
                scratch.append(b)
                j += 1
                continue
            }
            let e = base[j + 1]
            j += 2
            var hexDigits = 0
            switch e {
            case UInt8(ascii: "0"): scratch.append(0)
            case UInt8(ascii: "a"): scratch.append(0x07)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "v"): scratch.append(0x0B)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "e"): scratch.append(0x1B)
            case UInt8(ascii: " "), UInt8(ascii: "\""), UInt8(ascii: "/"), UInt8(ascii: "\\"): scratch.append(e)
            case UInt8(ascii: "N"): ByteText.appendUTF8(0x85, to: &scratch)
            case UInt8(ascii: "_"): ByteText.appendUTF8(0xA0, to: &scratch)
            case UInt8(ascii: "L"): ByteText.appendUTF8(0x2028, to: &scratch)
            case UInt8(ascii: "P"): ByteText.appendUTF8(0x2029, to: &scratch)
            case UInt8(ascii: "x"): hexDigits = 2
            case UInt8(ascii: "u"): hexDigits = 4
            case UInt8(ascii: "U"): hexDigits = 8
            default: throw Bail()
            }
            if hexDigits > 0 {
                guard j + hexDigits <= close else { throw Bail() }
                var value: UInt32 = 0
                for k in 0..<hexDigits {
                    guard let digit = ByteText.hexDigit(base[j + k]) else { throw Bail() }
                    value = value << 4 | digit
                }
                if (value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF { throw Bail() }
                ByteText.appendUTF8(value, to: &scratch)
                j += hexDigits
            }
        }
    }

    /// Adds a scanned scalar, resolved as the libyaml path resolves it, at its start on the current line.
    private mutating func emit(_ token: ScalarToken) throws(Bail) {
        let text =
            token.inScratch
            ? UnsafeRawBufferPointer(start: scratch.base, count: scratch.count)
            : UnsafeRawBufferPointer(start: base + token.textStart, count: token.textCount)
        try add(text, plain: !token.quoted, line: lineNumber, column: column(token.start))
    }

    @inline(__always)
    private mutating func add(_ text: UnsafeRawBufferPointer, plain: Bool, line: Int, column: Int) throws(Bail) {
        let (kind, flag) = YAMLLoader.resolve(text, plain: plain, tag: nil)
        if kind == .null {
            builder.null(line: line, column: column)
        } else {
            let mergeKey = plain && text.count == 2 && text[0] == UInt8(ascii: "<") && text[1] == UInt8(ascii: "<")
            builder.scalar(kind, flag: flag, text: text, line: line, column: column, mergeKey: mergeKey)
        }
        try checkExpansion()
    }

    // MARK: Block scalars

    /// `|` or `>` with an optional chomping indicator, as libyaml's `yaml_parser_scan_block_scalar` reads it.
    /// `blockIndent` is libyaml's current indentation (the enclosing collection's column).
    private mutating func parseBlockScalar(at p: Int, blockIndent: Int) throws(Bail) {
        let line = lineNumber
        let startColumn = column(p)
        let folded = base[p] == UInt8(ascii: ">")
        var i = p + 1
        var chomping = 0
        if i < lineEnd && (base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-")) {
            chomping = base[i] == UInt8(ascii: "+") ? 1 : -1
            i += 1
        }
        // An explicit indentation indicator: libyaml's.
        if i < lineEnd && base[i] >= UInt8(ascii: "0") && base[i] <= UInt8(ascii: "9") { throw Bail() }
        while i < lineEnd && base[i] == UInt8(ascii: " ") { i += 1 }
        if i < lineEnd && base[i] != UInt8(ascii: "#") { throw Bail() }

        scratch.truncate(to: 0)
        var state = BlockScalarState(position: nextLine, lineStart: nextLine, line: line + 1)
        var indentation = 0
        var maxIndent = 0
        var trailingBreaks = 0
        var leadingBreak = false
        var leadingBlank = false
        var col = try blockBreaks(&state, indent: &indentation, breaks: &trailingBreaks, maxIndent: &maxIndent)
        if indentation == 0 {
            indentation = max(maxIndent, blockIndent + 1, 1)
        }
        while col == indentation && state.position < end {
            let c = base[state.position]
            let trailingBlank = c == UInt8(ascii: " ") || c == 0x09
            if folded && leadingBreak && !leadingBlank && !trailingBlank {
                if trailingBreaks == 0 { scratch.append(UInt8(ascii: " ")) }
            } else if leadingBreak {
                scratch.append(0x0A)
            }
            leadingBreak = false
            while trailingBreaks > 0 {
                scratch.append(0x0A)
                trailingBreaks -= 1
            }
            leadingBlank = trailingBlank
            // The line's text, up to its break.
            let s = state.position
            var k = s
            while k < end {
                let b = base[k]
                if b == 0x0A || b == 0x0D { break }
                if b >= 0x80 { try checkMultiByte(at: k) }
                k += 1
            }
            if k > s {
                scratch.reserveAppending(k - s)
                scratch.append(contentsOf: base + s, count: k - s)
            }
            state.position = k
            if k < end {
                if base[k] == 0x0D {
                    guard k + 1 < end, base[k + 1] == 0x0A else { throw Bail() }
                    state.position = k + 2
                } else {
                    state.position = k + 1
                }
                state.line += 1
                state.lineStart = state.position
                leadingBreak = true
            }
            col = try blockBreaks(&state, indent: &indentation, breaks: &trailingBreaks, maxIndent: &maxIndent)
        }
        if chomping != -1 && leadingBreak { scratch.append(0x0A) }
        if chomping == 1 {
            while trailingBreaks > 0 {
                scratch.append(0x0A)
                trailingBreaks -= 1
            }
        }
        try add(
            UnsafeRawBufferPointer(start: scratch.base, count: scratch.count), plain: false, line: line,
            column: startColumn)
        // Go on from the line that ended the scalar.
        lineStart = state.position >= end ? end : state.lineStart
        lineNumber = state.line
        try seekSignificantLine()
    }

    private struct BlockScalarState {
        var position: Int
        var lineStart: Int
        var line: Int
    }

    /// libyaml's `yaml_parser_scan_block_scalar_breaks`: eats indentation and empty lines, counting the breaks,
    /// and returns the column reached on the first line with content.
    private func blockBreaks(
        _ state: inout BlockScalarState, indent: inout Int, breaks: inout Int, maxIndent: inout Int
    ) throws(Bail) -> Int {
        while true {
            var col = 0
            while (indent == 0 || col < indent) && state.position < end && base[state.position] == UInt8(ascii: " ") {
                state.position += 1
                col += 1
            }
            if col > maxIndent { maxIndent = col }
            if (indent == 0 || col < indent) && state.position < end && base[state.position] == 0x09 { throw Bail() }
            guard state.position < end else { return col }
            let b = base[state.position]
            if b == 0x0A {
                state.position += 1
            } else if b == 0x0D {
                guard state.position + 1 < end, base[state.position + 1] == 0x0A else { throw Bail() }
                state.position += 2
            } else {
                return col
            }
            state.line += 1
            state.lineStart = state.position
            breaks += 1
        }
    }

    // MARK: Flow collections

    /// A flow collection that closes on its own line, followed by nothing but a comment.
    private mutating func parseFlowNode(at p: Int) throws(Bail) {
        var i = p
        try parseFlow(&i)
        try finishLine(from: i)
        try advanceLine()
    }

    private mutating func parseFlow(_ i: inout Int) throws(Bail) {
        let mapping = base[i] == UInt8(ascii: "{")
        let closer = mapping ? UInt8(ascii: "}") : UInt8(ascii: "]")
        try open(mapping ? .mapping : .sequence, at: i)
        i += 1
        skipSpaces(&i)
        if i < lineEnd && base[i] == closer {
            i += 1
            try close()
            return
        }
        while true {
            if mapping {
                let key = try flowScalar(&i)
                try emit(key)
                guard i + 1 < lineEnd, base[i] == UInt8(ascii: ":"), base[i + 1] == UInt8(ascii: " ") else { throw Bail() }
                i += 1
                skipSpaces(&i)
            }
            if i < lineEnd && (base[i] == UInt8(ascii: "[") || base[i] == UInt8(ascii: "{")) {
                try parseFlow(&i)
            } else {
                let item = try flowScalar(&i)
                try emit(item)
            }
            skipSpaces(&i)
            guard i < lineEnd else { throw Bail() }
            if base[i] == UInt8(ascii: ",") {
                i += 1
                skipSpaces(&i)
                // A trailing comma (`[a, b,]`) ends the collection as libyaml reads it.
                if i < lineEnd && base[i] == closer {
                    i += 1
                    break
                }
                continue
            }
            if base[i] == closer {
                i += 1
                break
            }
            throw Bail()
        }
        try close()
    }

    @inline(__always)
    private func skipSpaces(_ i: inout Int) {
        while i < lineEnd && base[i] == UInt8(ascii: " ") { i += 1 }
    }

    /// A scalar inside a flow collection; `i` ends after it and any spaces that follow.
    private mutating func flowScalar(_ i: inout Int) throws(Bail) -> ScalarToken {
        guard i < lineEnd else { throw Bail() }
        let p = i
        let c = base[p]
        if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
            let token = try scanQuoted(at: p)
            i = token.after
            skipSpaces(&i)
            return token
        }
        guard Self.canStartPlain(c) || (c == UInt8(ascii: "-") && p + 1 < lineEnd && !Self.endsFlowPlain(base[p + 1]))
        else { throw Bail() }
        var j = p
        var textEnd = p
        while j < lineEnd {
            let b = base[j]
            if b == UInt8(ascii: ",") || b == UInt8(ascii: "]") || b == UInt8(ascii: "}") { break }
            if b == UInt8(ascii: ":") {
                if j + 1 < lineEnd && base[j + 1] == UInt8(ascii: " ") { break }
                throw Bail()
            }
            if b == UInt8(ascii: " ") {
                j += 1
                continue
            }
            if b == 0x09 || b == UInt8(ascii: "#") || b == UInt8(ascii: "[") || b == UInt8(ascii: "{")
                || b == UInt8(ascii: "?")
            {
                throw Bail()
            }
            j += 1
            textEnd = j
        }
        guard j < lineEnd else { throw Bail() }
        i = j
        return ScalarToken(
            start: p, textStart: p, textCount: textEnd - p, quoted: false, inScratch: false, colon: -1, after: j)
    }

    @inline(__always)
    private static func endsFlowPlain(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == 0x09 || c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}")
    }

    // MARK: Input check

    /// Whether libyaml's reader accepts every byte of `input` as UTF-8 it may read. Its reader errors depend on
    /// how far ahead it has decoded, so only a stream it reads without one may start on this scanner.
    static func readerAccepts(_ input: UnsafeRawBufferPointer) -> Bool {
        guard let start = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return true }
        let n = input.count
        // Byte order marks (UTF-16 or UTF-8): libyaml's.
        if n >= 2 && ((start[0] == 0xFE && start[1] == 0xFF) || (start[0] == 0xFF && start[1] == 0xFE)) { return false }
        if n >= 3 && start[0] == 0xEF && start[1] == 0xBB && start[2] == 0xBF { return false }
        var i = 0
        while i < n {
            // Eight bytes at a time while all are printable ASCII or line breaks: a line break is first turned
            // into a space, then no byte may be below 0x20 or above 0x7E.
            if i + 8 <= n {
                var w = UnsafeRawPointer(start + i).loadUnaligned(as: UInt64.self)
                let x = w ^ 0x0A0A_0A0A_0A0A_0A0A
                // Exact per byte (no borrow crosses bytes): 0x80 where the byte was `\n`.
                let newline = ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
                w |= newline >> 2  // 0x0A | 0x20 = 0x2A, printable
                let high = w | (w &+ 0x0101_0101_0101_0101)
                let low = w &- 0x2020_2020_2020_2020
                if (high | low) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
            }
            let c = start[i]
            if c < 0x80 {
                guard (c >= 0x20 && c != 0x7F) || c == 0x0A || c == 0x0D || c == 0x09 else { return false }
                i += 1
                continue
            }
            let width: Int
            var value: UInt32
            if c & 0xE0 == 0xC0 {
                width = 2
                value = UInt32(c & 0x1F)
            } else if c & 0xF0 == 0xE0 {
                width = 3
                value = UInt32(c & 0x0F)
            } else if c & 0xF8 == 0xF0 {
                width = 4
                value = UInt32(c & 0x07)
            } else {
                return false
            }
            guard i + width <= n else { return false }
            for k in 1..<width {
                let b = start[i + k]
                guard b & 0xC0 == 0x80 else { return false }
                value = value << 6 | UInt32(b & 0x3F)
            }
            // Overlong forms, surrogates, beyond Unicode, and the characters libyaml calls control characters.
            if (width == 2 && value < 0x80) || (width == 3 && value < 0x800) || (width == 4 && value < 0x10000) {
                return false
            }
            if (value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF { return false }
            guard value == 0x85 || (value >= 0xA0 && value <= 0xD7FF) || (value >= 0xE000 && value <= 0xFFFD)
                || value >= 0x10000
            else { return false }
            i += width
        }
        return true
    }
}

/// The one JSON writer of the project: reports (JSON, SARIF, PolicyReport), AdmissionReview responses, log
/// lines and the RBAC commands' `-o json` all write through it, so they escape and lay out alike.
///
/// It appends bytes to one array (Foundation's encoders allocate per value and would dominate the cost of an
/// admission review) and writes exactly what it is told, in that order: keys appear as written, the caller
/// keeps the nesting well formed (`beginObject`/`endObject`, a key before each member's value), and commas
/// are inserted automatically. Strings are escaped per RFC 8259 by ``appendLiteral(_:to:)``.
///
/// Layout: a ``Style`` sets the separators; a container begun `multiline` puts each item on its own line,
/// indented two spaces a level, and its closing bracket on a line of its own when it has items;
/// ``lineBreak(indent:)`` starts one item of an inline container on a new line. A document that ends in a
/// newline calls ``newline()`` last.
///
/// The one exception is the JSON report's `findings` array, written by `JSONFindingsRenderer` in
/// GatehouseReports: for speed it copies fixed parts rendered once and string literals escaped once per
/// distinct string, by this type's ``appendLiteral(_:to:)`` and ``appendDecimal(_:to:)``, into the same
/// layout; ``itemsAppendedDirectly(hasItems:)`` resumes after it.
public struct JSONEmitter: Sendable {
    /// The separators between items and between a key and its value.
    public struct Style: Sendable {
        /// Whether inline items are separated by `, ` rather than `,`.
        let spaceAfterComma: Bool
        let colon: StaticString
        /// Whether an empty multiline container still spans lines (`[`, empty line, `]`), as Foundation's
        /// pretty printer writes it.
        let emptyContainerSpansLines: Bool

        /// `{"a":1,"b":[true,null]}`: admission responses and log lines.
        public static let compact = Style(spaceAfterComma: false, colon: ":", emptyContainerSpansLines: false)
        /// `{"a": 1, "b": [true, null]}`: the report formats.
        public static let spaced = Style(spaceAfterComma: true, colon: ": ", emptyContainerSpansLines: false)
        /// `"a" : 1` with every container multiline and empty ones spanning lines: the layout of Foundation's
        /// pretty-printing `JSONEncoder`, kept by the RBAC commands' `-o json` so its bytes stay as they were.
        public static let foundationPretty = Style(
            spaceAfterComma: false, colon: " : ", emptyContainerSpansLines: true)
    }

    /// Everything written and not yet handed on by ``drain(_:)``.
    public private(set) var bytes: [UInt8] = []
    private let style: Style
    /// Whether the current container (or the document) already has an item: the next one needs a comma.
    private var needsComma = false
    /// Whether a key was just written: the next value is its member's, with no separator.
    private var afterKey = false
    /// Containers open around the next item.
    private var depth = 0
    /// Bit `d` is set when the container at depth `d` is multiline (containers deeper than 63 are always inline).
    private var multiline: UInt64 = 0
    /// Indent of a line break requested before the next item, or -1.
    private var pendingBreak = -1

    public init(style: Style, capacity: Int = 512) {
        self.style = style
        bytes.reserveCapacity(capacity)
    }

    /// Hands the bytes written so far to `consume` and empties the buffer, keeping its capacity and the
    /// layout state: a long document is written out a piece at a time.
    public mutating func drain(_ consume: (UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer(consume)
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: Containers

    /// Opens an object; `multiline` puts each member on a line of its own (see the type's layout notes).
    public mutating func beginObject(multiline: Bool = false) {
        begin(UInt8(ascii: "{"), multiline: multiline)
    }

    public mutating func endObject() {
        end(UInt8(ascii: "}"))
    }

    /// Opens an array; `multiline` puts each item on a line of its own (see the type's layout notes).
    public mutating func beginArray(multiline: Bool = false) {
        begin(UInt8(ascii: "["), multiline: multiline)
    }

    public mutating func endArray() {
        end(UInt8(ascii: "]"))
    }

    /// Starts the next item of the current container on a new line, `indent` spaces in.
    public mutating func lineBreak(indent: Int) {
        pendingBreak = indent
    }

    /// Records that the current container's items were appended to the output by other means (the JSON
    /// report's findings renderer, which writes its own separators): later items and the closing bracket are
    /// laid out as after any item. Does nothing for `hasItems` false.
    public mutating func itemsAppendedDirectly(hasItems: Bool) {
        if hasItems { needsComma = true }
    }

    /// Ends the document's last line.
    public mutating func newline() {
        bytes.append(UInt8(ascii: "\n"))
    }

    // MARK: Members and values

    /// Writes `"key":`; the next call writes its value.
    public mutating func key(_ key: String) {
        itemPrefix()
        Self.appendLiteral(key, to: &bytes)
        appendASCII(style.colon)
        afterKey = true
    }

    public mutating func string(_ value: String) {
        itemPrefix()
        Self.appendLiteral(value, to: &bytes)
        needsComma = true
    }

    /// A string, or `null` for nil.
    public mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    public mutating func bool(_ value: Bool) {
        itemPrefix()
        appendASCII(value ? "true" : "false")
        needsComma = true
    }

    public mutating func int(_ value: Int) {
        itemPrefix()
        Self.appendDecimal(value, to: &bytes)
        needsComma = true
    }

    /// An integer, or `null` for nil.
    public mutating func int(_ value: Int?) {
        if let value { int(value) } else { null() }
    }

    /// A finite number as Swift prints it; NaN and infinities (not representable in JSON) are written as `null`.
    public mutating func double(_ value: Double) {
        guard value.isFinite else { return null() }
        itemPrefix()
        var text = String(value)
        text.withUTF8 { bytes.append(contentsOf: $0) }
        needsComma = true
    }

    public mutating func null() {
        itemPrefix()
        appendASCII("null")
        needsComma = true
    }

    /// A parsed value written back as JSON, inline: mappings as objects, sequences as arrays, numbers with the
    /// digits they were written with (a YAML number that is not valid JSON, such as `0x1F` or `.inf`, is
    /// written as a string), booleans and null as such. Used to embed one document in another.
    public mutating func value(_ value: Value) {
        switch value.kind {
        case .null: null()
        case .bool: bool(value.isTrue)
        case .string: string(value.string ?? "")
        case .number:
            let text = value.string ?? "0"
            guard JSONEmitter.isJSONNumber(text) else { return string(text) }
            itemPrefix()
            bytes.append(contentsOf: text.utf8)
            needsComma = true
        case .sequence:
            beginArray()
            for item in value.items { self.value(item) }
            endArray()
        case .mapping:
            beginObject()
            for (k, v) in value.pairs {
                key(k.string ?? "")
                self.value(v)
            }
            endObject()
        }
    }

    /// Whether `text` is a number as RFC 8259 writes one.
    static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let isDigit = { (b: UInt8) in b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        let integer = bytes.prefix(while: isDigit)
        guard !integer.isEmpty, integer.count == 1 || integer.first != UInt8(ascii: "0") else { return false }
        bytes = bytes.dropFirst(integer.count)
        if bytes.first == UInt8(ascii: ".") {
            let fraction = bytes.dropFirst().prefix(while: isDigit)
            guard !fraction.isEmpty else { return false }
            bytes = bytes.dropFirst(1 + fraction.count)
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            let exponent = bytes.prefix(while: isDigit)
            guard !exponent.isEmpty else { return false }
            bytes = bytes.dropFirst(exponent.count)
        }
        return bytes.isEmpty
    }

    public mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    /// `"name": value`, or `"name": null` for nil.
    public mutating func field(_ name: String, _ value: String?) {
        key(name)
        string(value)
    }

    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        int(value)
    }

    /// `"name": value`, or `"name": null` for nil.
    public mutating func field(_ name: String, _ value: Int?) {
        key(name)
        int(value)
    }

    public mutating func field(_ name: String, _ value: Double) {
        key(name)
        double(value)
    }

    /// `"name": ["a", "b"]`, inline.
    public mutating func field(_ name: String, _ values: [String]) {
        key(name)
        beginArray()
        for v in values { string(v) }
        endArray()
    }

    // MARK: Layout

    private func isMultiline(_ depth: Int) -> Bool {
        depth < 64 && multiline & (1 << UInt64(depth)) != 0
    }

    /// What goes before an item: nothing after a key; else a comma after an earlier item, then a requested
    /// or multiline line break, or the style's space.
    private mutating func itemPrefix() {
        if afterKey {
            afterKey = false
            return
        }
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        if pendingBreak >= 0 {
            appendLineBreak(indent: pendingBreak)
            pendingBreak = -1
        } else if isMultiline(depth) {
            appendLineBreak(indent: 2 * depth)
        } else if needsComma && style.spaceAfterComma {
            bytes.append(UInt8(ascii: " "))
        }
    }

    private mutating func begin(_ bracket: UInt8, multiline isMultiline: Bool) {
        itemPrefix()
        bytes.append(bracket)
        depth += 1
        if depth < 64 {
            let bit: UInt64 = 1 << UInt64(depth)
            multiline = isMultiline ? multiline | bit : multiline & ~bit
        }
        needsComma = false
    }

    private mutating func end(_ bracket: UInt8) {
        if isMultiline(depth) {
            if needsComma {
                appendLineBreak(indent: 2 * (depth - 1))
            } else if style.emptyContainerSpansLines {
                bytes.append(UInt8(ascii: "\n"))
                appendLineBreak(indent: 2 * (depth - 1))
            }
        }
        depth -= 1
        bytes.append(bracket)
        needsComma = true
    }

    private mutating func appendLineBreak(indent: Int) {
        bytes.append(UInt8(ascii: "\n"))
        for _ in 0..<indent { bytes.append(UInt8(ascii: " ")) }
    }

    private mutating func appendASCII(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}

import KubeModel

/// A minimal JSON writer into a byte buffer, for AdmissionReview responses and log lines.
///
/// Hand-written because Foundation's encoders allocate per value and dominate the cost of a review; this one
/// appends bytes to one array. It writes exactly what it is told: the caller is responsible for well-formed
/// nesting (`beginObject`/`endObject`, keys before values), and commas are inserted automatically.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the next value in the current container needs a comma before it.
    private var needsComma = false

    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        separator()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        separator()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"key":`; the next call writes its value.
    public mutating func key(_ key: String) {
        separator()
        appendString(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String) {
        separator()
        appendString(value)
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separator()
        append(value ? "true" : "false")
        needsComma = true
    }

    public mutating func int(_ value: Int) {
        separator()
        append(String(value))
        needsComma = true
    }

    /// A finite number; NaN and infinities (not representable in JSON) are written as `null`.
    public mutating func double(_ value: Double) {
        separator()
        append(value.isFinite ? String(value) : "null")
        needsComma = true
    }

    public mutating func null() {
        separator()
        append("null")
        needsComma = true
    }

    public mutating func field(_ name: String, _ value: String) {
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

    public mutating func field(_ name: String, _ value: Double) {
        key(name)
        double(value)
    }

    /// Writes `"name":["a","b"]`.
    public mutating func field(_ name: String, _ values: [String]) {
        key(name)
        beginArray()
        for v in values { string(v) }
        endArray()
    }

    private mutating func separator() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// RFC 8259 string escaping, as every Gatehouse JSON writer does it.
    private mutating func appendString(_ value: String) {
        JSONText.appendLiteral(value, to: &bytes)
    }
}

/// A read-only view of one node in a ``Tree``: what rules read manifests through.
///
/// Accessors never throw: a field of the wrong type reads as absent (`nil`), the way a rule should treat it.
/// Use ``kind`` when the difference between "absent" and "wrong type" matters.
public struct Value: Sendable {
    public let tree: Tree
    @usableFromInline let index: Int32

    @inlinable
    init(tree: Tree, index: Int32) {
        self.tree = tree
        self.index = index
    }

    @inlinable
    var node: Node { tree.nodes[Int(index)] }

    public var kind: ValueKind { node.kind }

    /// Where this value starts in its source.
    public var position: SourcePosition {
        let n = node
        return SourcePosition(line: Int(n.line), column: Int(n.column))
    }

    public var isNull: Bool { node.kind == .null }
    public var isMapping: Bool { node.kind == .mapping }
    public var isSequence: Bool { node.kind == .sequence }

    /// The scalar's text, for strings, numbers and booleans; `nil` for null and containers.
    public var string: String? {
        let n = node
        switch n.kind {
        case .string, .number, .bool:
            return withExtendedLifetime(tree) {
                String(decoding: UnsafeBufferPointer(start: tree.bytes + Int(n.start), count: Int(n.count)), as: UTF8.self)
            }
        default:
            return nil
        }
    }

    /// A string value only (not a number or boolean written without quotes).
    public var stringOnly: String? { node.kind == .string ? string : nil }

    /// `true`/`false` for a boolean; `nil` for anything else (the string "true" is not a boolean).
    public var bool: Bool? {
        let n = node
        return n.kind == .bool ? n.flag : nil
    }

    /// Whether this is the boolean `true`. Rules use it for "field set to true".
    public var isTrue: Bool { let n = node; return n.kind == .bool && n.flag }

    /// An integer number (decimal, or YAML's hex/octal forms); `nil` for non-integers and overflows.
    public var int: Int? {
        let n = node
        guard n.kind == .number else { return nil }
        let quick = withExtendedLifetime(tree) {
            NumberSyntax.plainInteger(UnsafeBufferPointer(start: tree.bytes + Int(n.start), count: Int(n.count)))
        }
        if let quick { return quick }
        guard let text = string else { return nil }
        return NumberSyntax.integer(text)
    }

    /// Any number as a Double.
    public var double: Double? {
        guard node.kind == .number, let text = string else { return nil }
        return NumberSyntax.double(text)
    }

    /// Number of items of a sequence, or pairs of a mapping; 0 for scalars.
    public var count: Int {
        let n = node
        return n.kind == .sequence || n.kind == .mapping ? Int(n.count) : 0
    }

    /// The items of a sequence; empty for anything else.
    public var items: ValueItems {
        let n = node
        guard n.kind == .sequence else { return ValueItems(tree: tree, start: 0, count: 0, stride: 1) }
        return ValueItems(tree: tree, start: Int32(n.start), count: Int32(n.count), stride: 1)
    }

    /// The key/value pairs of a mapping in document order; empty for anything else.
    public var pairs: ValuePairs {
        let n = node
        guard n.kind == .mapping else { return ValuePairs(tree: tree, start: 0, count: 0) }
        return ValuePairs(tree: tree, start: Int32(n.start), count: Int32(n.count))
    }

    /// The value under `key` in a mapping; `nil` when absent or when this is not a mapping.
    /// With duplicate keys the last one wins, as in Kubernetes' JSON decoding.
    @inlinable
    public subscript(key: String) -> Value? {
        let n = node
        guard n.kind == .mapping, n.count > 0 else { return nil }
        // Keys are nearly always literals, whose UTF-8 is read in place; `withUTF8` needs a copy of the string.
        if let found = key.utf8.withContiguousStorageIfAvailable({ lookUp($0, in: n) }) { return found }
        var key = key
        return key.withUTF8 { lookUp($0, in: n) }
    }

    /// The value under the key `wanted` in the mapping `n` (this value's node), the last if several.
    @inlinable
    func lookUp(_ wanted: UnsafeBufferPointer<UInt8>, in n: Node) -> Value? {
        withExtendedLifetime(tree) {
            let nodes = tree.nodes
            let bytes = tree.bytes
            let wantedCount = wanted.count
            var found: Int32 = -1
            var i = Int(n.start)
            let end = i + 2 * Int(n.count)
            while i < end {
                let k = nodes[i]
                if Int(k.count) == wantedCount, k.kind == .string || k.kind == .number || k.kind == .bool {
                    if wantedCount == 0 || memcmpBytes(bytes + Int(k.start), wanted.baseAddress!, wantedCount) {
                        found = Int32(i + 1)
                    }
                }
                i += 2
            }
            return found >= 0 ? Value(tree: tree, index: found) : nil
        }
    }

    /// The item at `index` of a sequence; `nil` when out of range or not a sequence.
    public subscript(index: Int) -> Value? {
        let n = node
        guard n.kind == .sequence, index >= 0, index < Int(n.count) else { return nil }
        return Value(tree: tree, index: Int32(Int(n.start) + index))
    }

    /// Follows a chain of mapping keys: `value.at("spec", "template", "spec")`. The call allocates an array
    /// for the keys: code run for every object chains subscripts instead (`spec["os"]?["name"]`).
    public func at(_ keys: String...) -> Value? {
        var current: Value? = self
        for key in keys {
            current = current?[key]
        }
        return current
    }

    /// The bytes of a scalar, without making a String.
    public func withScalarBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let n = node
        guard n.kind == .string || n.kind == .number || n.kind == .bool else { return nil }
        return withExtendedLifetime(tree) {
            body(UnsafeBufferPointer(start: tree.bytes + Int(n.start), count: Int(n.count)))
        }
    }
}

@usableFromInline
func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}

/// The items of a sequence value.
public struct ValueItems: RandomAccessCollection, Sendable {
    let tree: Tree
    let start: Int32
    public let count: Int
    let stride: Int32

    init(tree: Tree, start: Int32, count: Int32, stride: Int32) {
        self.tree = tree
        self.start = start
        self.count = Int(count)
        self.stride = stride
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(position: Int) -> Value {
        Value(tree: tree, index: start + Int32(position) * stride)
    }
}

/// The key/value pairs of a mapping value.
public struct ValuePairs: RandomAccessCollection, Sendable {
    let tree: Tree
    let start: Int32
    public let count: Int

    init(tree: Tree, start: Int32, count: Int32) {
        self.tree = tree
        self.start = start
        self.count = Int(count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(position: Int) -> (key: Value, value: Value) {
        let k = start + Int32(position) * 2
        return (Value(tree: tree, index: k), Value(tree: tree, index: k + 1))
    }
}

/// YAML 1.1 / JSON number syntax, as Kubernetes' YAML decoder resolves plain scalars.
enum NumberSyntax {
    /// The common integers (`80`, `-1`, `1_000`, `0x1F`, `0755`) read straight from the bytes; `nil` for
    /// anything else (floats, overflow, `09`), which ``integer(_:)`` then decides. Shape checks and rules read
    /// many ports and ids, and the String route cost more than the rest of the check.
    static func plainInteger(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = text.count
        var i = 0
        var negative = false
        if n > 0, text[0] == UInt8(ascii: "-") || text[0] == UInt8(ascii: "+") {
            negative = text[0] == UInt8(ascii: "-")
            i = 1
        }
        guard i < n else { return nil }
        var radix = 10
        if n - i > 2, text[i] == UInt8(ascii: "0") {
            switch text[i + 1] {
            case UInt8(ascii: "x"), UInt8(ascii: "X"): radix = 16; i += 2
            case UInt8(ascii: "o"): radix = 8; i += 2
            case UInt8(ascii: "b"): radix = 2; i += 2
            default: radix = 8; i += 1  // YAML 1.1 octal; a digit 8 or 9 falls back below
            }
        } else if n - i == 2, text[i] == UInt8(ascii: "0") {
            radix = 8
            i += 1
        }
        var value = 0
        var digits = 0
        while i < n {
            let c = text[i]
            i += 1
            if c == UInt8(ascii: "_") { continue }
            let digit: Int
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(c &- 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(c &- 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(c &- 55)
            default: return nil
            }
            guard digit < radix else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: radix)
            let (sum, o2) = shifted.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = sum
            digits += 1
        }
        guard digits > 0 else { return nil }
        return negative ? -value : value
    }

    static func integer(_ text: String) -> Int? {
        var t = Substring(text)
        var negative = false
        if t.first == "-" || t.first == "+" {
            negative = t.first == "-"
            t = t.dropFirst()
        }
        let digits = t.replacing("_", with: "")
        var value: Int?
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            value = Int(digits.dropFirst(2), radix: 16)
        } else if digits.hasPrefix("0o") {
            value = Int(digits.dropFirst(2), radix: 8)
        } else if digits.hasPrefix("0b") {
            value = Int(digits.dropFirst(2), radix: 2)
        } else if digits.count > 1, digits.hasPrefix("0"), digits.allSatisfy({ $0 >= "0" && $0 <= "7" }) {
            value = Int(digits.dropFirst(), radix: 8)
        } else {
            value = Int(digits)
        }
        guard let v = value else {
            // "1e3" and "2.0" are integers when they have no fractional part.
            if let d = double(text), d.rounded() == d, abs(d) < 9.0e18 { return Int(d) }
            return nil
        }
        return negative ? -v : v
    }

    static func double(_ text: String) -> Double? {
        if let i = Int(text) { return Double(i) }
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: return Double(text.replacing("_", with: ""))
        }
    }
}

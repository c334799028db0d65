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
            return tree.bytes.withUnsafeBufferPointer { buffer in
                String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(n.start)..<Int(n.start + n.count)]), as: UTF8.self)
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
        guard node.kind == .number, let text = string else { return nil }
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
        var key = key
        return key.withUTF8 { wanted in
            tree.bytes.withUnsafeBufferPointer { bytes in
                tree.nodes.withUnsafeBufferPointer { nodes in
                    var found: Int32 = -1
                    var i = Int(n.start)
                    let end = i + 2 * Int(n.count)
                    while i < end {
                        let k = nodes[i]
                        if k.count == wanted.count, k.kind == .string || k.kind == .number || k.kind == .bool {
                            if wanted.count == 0
                                || memcmpBytes(bytes.baseAddress! + Int(k.start), wanted.baseAddress!, wanted.count)
                            {
                                found = Int32(i + 1)
                            }
                        }
                        i += 2
                    }
                    return found >= 0 ? Value(tree: tree, index: found) : nil
                }
            }
        }
    }

    /// The item at `index` of a sequence; `nil` when out of range or not a sequence.
    public subscript(index: Int) -> Value? {
        let n = node
        guard n.kind == .sequence, index >= 0, index < Int(n.count) else { return nil }
        return Value(tree: tree, index: Int32(Int(n.start) + index))
    }

    /// Follows a chain of mapping keys: `value.at("spec", "template", "spec")`.
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
        return tree.bytes.withUnsafeBufferPointer { buffer in
            body(UnsafeBufferPointer(rebasing: buffer[Int(n.start)..<Int(n.start + n.count)]))
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

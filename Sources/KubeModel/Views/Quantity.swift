/// A Kubernetes resource quantity (`500m`, `2Gi`, `1e3`, `128974848`), held exactly.
///
/// Grammar, as `k8s.io/apimachinery/pkg/api/resource` documents it:
///
///     <quantity>        ::= <signedNumber><suffix>
///     <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
///     <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
///     <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
///     <decimalExponent> ::= "e" <signedInteger> | "E" <signedInteger>
///     <signedNumber>    ::= <sign><number>
///     <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
///     <sign>            ::= "+" | "-" | ""
///
/// `1E` is one exa (a decimal suffix); `1E3` is one thousand (an exponent). Suffixes are case-sensitive
/// (`2gi` is invalid), no whitespace is allowed anywhere (`1 Gi`), and there must be at least one digit
/// (`Gi`, `.`). The exponent is an integer, as the upstream parser accepts (the documented grammar's
/// `<signedNumber>` exponent is not what the parser implements). `n` and `u` are accepted as upstream does.
///
/// The value is kept as an exact decimal: `significand × 10^exponent` with an arbitrary-precision
/// significand, binary suffixes multiplied in. Comparison is exact, so `1Gi` > `1073741823` and
/// `0.1` == `100m`, which a `Double` cannot promise for large or fractional values.
///
/// Values with more than ``maximumDigits`` digits or a decimal exponent beyond ±``maximumExponent`` are
/// rejected as out of range rather than held: no real resource quantity comes near them, and the bound
/// keeps a hostile `1e999999999` from costing memory.
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The quantity as written.
    public let text: String
    let negative: Bool
    /// Magnitude significand, without trailing decimal zeros (normalised so equal values are equal).
    let significand: BigUInt
    let exponent: Int

    public static let maximumDigits = 256
    public static let maximumExponent = 512

    /// Why a quantity was rejected.
    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case empty
        case invalid(String)
        case outOfRange(String)

        public var description: String {
            switch self {
            case .empty: "an empty quantity"
            case .invalid(let text):
                "\"\(text)\" is not a valid quantity (expected a number with an optional suffix such as 500m, 1.5, 2Gi or 1e3)"
            case .outOfRange(let text): "\"\(text)\" is out of range"
            }
        }
    }

    /// Parses a quantity; `nil` when it is not valid.
    public init?(_ text: String) {
        guard let q = try? Quantity(parsing: text) else { return nil }
        self = q
    }

    /// Parses a quantity, saying why it is not valid.
    public init(parsing text: String) throws(ParseError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .empty }
        var i = 0
        var negative = false
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var sawDigit = false
        while i < bytes.count, Self.isDigit(bytes[i]) {
            digits.append(bytes[i] - 48)
            sawDigit = true
            i += 1
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < bytes.count, Self.isDigit(bytes[i]) {
                digits.append(bytes[i] - 48)
                fractionDigits += 1
                sawDigit = true
                i += 1
            }
        }
        guard sawDigit else { throw .invalid(text) }
        var exponent = -fractionDigits
        var binaryPower = 0  // multiplier 1024^binaryPower
        let suffix = bytes[i...]
        switch String(decoding: suffix, as: UTF8.self) {
        case "": break
        case "n": exponent -= 9
        case "u": exponent -= 6
        case "m": exponent -= 3
        case "k": exponent += 3
        case "M": exponent += 6
        case "G": exponent += 9
        case "T": exponent += 12
        case "P": exponent += 15
        case "E": exponent += 18
        case "Ki": binaryPower = 1
        case "Mi": binaryPower = 2
        case "Gi": binaryPower = 3
        case "Ti": binaryPower = 4
        case "Pi": binaryPower = 5
        case "Ei": binaryPower = 6
        default:
            // A decimal exponent: e|E, optional sign, at least one digit, nothing else.
            guard suffix.first == UInt8(ascii: "e") || suffix.first == UInt8(ascii: "E") else {
                throw .invalid(text)
            }
            var j = suffix.startIndex + 1
            var expNegative = false
            if j < bytes.count, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") {
                expNegative = bytes[j] == UInt8(ascii: "-")
                j += 1
            }
            guard j < bytes.count else { throw .invalid(text) }
            var value = 0
            while j < bytes.count {
                guard Self.isDigit(bytes[j]) else { throw .invalid(text) }
                value = value * 10 + Int(bytes[j] - 48)
                guard value <= Self.maximumExponent * 2 else { throw .outOfRange(text) }
                j += 1
            }
            exponent += expNegative ? -value : value
        }
        // Drop leading zeros, then move trailing zeros into the exponent so equal values compare equal.
        var start = 0
        while start < digits.count, digits[start] == 0 { start += 1 }
        var end = digits.count
        while end > start, digits[end - 1] == 0 {
            end -= 1
            exponent += 1
        }
        let significant = digits[start..<end]
        guard significant.count <= Self.maximumDigits else { throw .outOfRange(text) }
        var significand = BigUInt(decimalDigits: significant)
        if significand.isZero {
            negative = false
            exponent = 0
        } else {
            for _ in 0..<binaryPower { significand.multiply(by: 1024) }
            // 1024^k has no factor of 10, so nothing more to normalise.
            guard abs(exponent) <= Self.maximumExponent else { throw .outOfRange(text) }
        }
        self.text = text
        self.negative = negative
        self.significand = significand
        self.exponent = exponent
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    public var description: String { text }

    public var isZero: Bool { significand.isZero }
    public var isNegative: Bool { negative }

    /// The value in thousandths, rounded up as `Quantity.MilliValue` does; `nil` when it does not fit in an Int64.
    public var milliValue: Int64? { scaled(by: 3) }

    /// The value rounded up to an integer, as `Quantity.Value` does; `nil` when it does not fit in an Int64.
    public var value: Int64? { scaled(by: 0) }

    private func scaled(by power: Int) -> Int64? {
        var s = significand
        let e = exponent + power
        var inexact = false
        if e >= 0 {
            guard e <= 19 else { return isZero ? 0 : nil }
            for _ in 0..<e { s.multiply(by: 10) }
        } else {
            for _ in 0..<(-e) {
                if s.divide(by: 10) != 0 { inexact = true }
            }
        }
        guard var magnitude = s.uint64, magnitude <= UInt64(Int64.max) else { return nil }
        if inexact && !negative { magnitude += 1 }  // round away from zero, as upstream rounds up
        return negative ? -Int64(magnitude) : Int64(magnitude)
    }

    public static func == (a: Quantity, b: Quantity) -> Bool {
        a.negative == b.negative && a.exponent == b.exponent && a.significand == b.significand
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(negative)
        hasher.combine(exponent)
        hasher.combine(significand)
    }

    public static func < (a: Quantity, b: Quantity) -> Bool {
        if a.negative != b.negative { return a.negative }
        let magnitudeLess = compareMagnitude(a, b) < 0
        let magnitudeGreater = compareMagnitude(a, b) > 0
        return a.negative ? magnitudeGreater : magnitudeLess
    }

    /// -1, 0 or 1 comparing |a| and |b| exactly, by bringing both to the smaller exponent.
    private static func compareMagnitude(_ a: Quantity, _ b: Quantity) -> Int {
        if a.isZero || b.isZero { return a.isZero ? (b.isZero ? 0 : -1) : 1 }
        var x = a.significand
        var y = b.significand
        if a.exponent > b.exponent {
            for _ in 0..<(a.exponent - b.exponent) { x.multiply(by: 10) }
        } else {
            for _ in 0..<(b.exponent - a.exponent) { y.multiply(by: 10) }
        }
        return BigUInt.compare(x, y)
    }
}

/// A minimal unsigned big integer: little-endian 32-bit limbs, enough for exact quantity comparison.
struct BigUInt: Sendable, Hashable {
    private(set) var limbs: [UInt32]  // no trailing zero limbs; zero is []

    init(decimalDigits: some Sequence<UInt8>) {
        limbs = []
        for d in decimalDigits { multiply(by: 10, adding: UInt32(d)) }
    }

    var isZero: Bool { limbs.isEmpty }

    var uint64: UInt64? {
        switch limbs.count {
        case 0: 0
        case 1: UInt64(limbs[0])
        case 2: UInt64(limbs[0]) | UInt64(limbs[1]) << 32
        default: nil
        }
    }

    mutating func multiply(by factor: UInt32, adding addend: UInt32 = 0) {
        var carry = UInt64(addend)
        for i in limbs.indices {
            let product = UInt64(limbs[i]) * UInt64(factor) + carry
            limbs[i] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry != 0 { limbs.append(UInt32(carry)) }
        while let last = limbs.last, last == 0 { limbs.removeLast() }
    }

    /// Divides in place and returns the remainder.
    mutating func divide(by divisor: UInt32) -> UInt32 {
        var remainder: UInt64 = 0
        for i in limbs.indices.reversed() {
            let current = remainder << 32 | UInt64(limbs[i])
            limbs[i] = UInt32(current / UInt64(divisor))
            remainder = current % UInt64(divisor)
        }
        while let last = limbs.last, last == 0 { limbs.removeLast() }
        return UInt32(remainder)
    }

    static func compare(_ a: BigUInt, _ b: BigUInt) -> Int {
        if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count ? -1 : 1 }
        for i in a.limbs.indices.reversed() where a.limbs[i] != b.limbs[i] {
            return a.limbs[i] < b.limbs[i] ? -1 : 1
        }
        return 0
    }
}

import CYAML

extension YAMLLoader {
    /// Resolves a scalar's type the way Kubernetes' YAML decoder (go-yaml, YAML 1.1 rules) does.
    static func resolve(_ text: UnsafeRawBufferPointer, plain: Bool, tag: UnsafeMutablePointer<UInt8>?) -> (ValueKind, Bool) {
        if let tag {
            switch explicitTag(tag) {
            case .string: return (.string, false)
            case .null: return (.null, false)
            case .bool: return boolValue(text).map { (.bool, $0) } ?? (.string, false)
            case .number: return (.number, false)
            case .none: break
            }
        }
        guard plain else { return (.string, false) }
        if text.isEmpty { return (.null, false) }
        let first = text[0]
        switch first {
        case UInt8(ascii: "~"):
            if text.count == 1 { return (.null, false) }
        case UInt8(ascii: "n"), UInt8(ascii: "N"):
            if ByteText.equals(text, "null") || ByteText.equals(text, "Null") || ByteText.equals(text, "NULL") { return (.null, false) }
        default:
            break
        }
        if let b = boolValue(text) { return (.bool, b) }
        if looksNumeric(text) { return (.number, false) }
        return (.string, false)
    }

    private enum Tag { case string, null, bool, number }

    private static func explicitTag(_ tag: UnsafeMutablePointer<UInt8>) -> Tag? {
        let t = String(cString: tag)
        switch t {
        case "tag:yaml.org,2002:str", "!": return .string
        case "tag:yaml.org,2002:null": return .null
        case "tag:yaml.org,2002:bool": return .bool
        case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float": return .number
        default: return nil
        }
    }

    /// YAML 1.1 booleans as go-yaml reads them: y, yes, true, on and n, no, false, off, in lower, Title or
    /// UPPER case. Most scalars are rejected by their length or first byte before any comparison.
    static func boolValue(_ text: UnsafeRawBufferPointer) -> Bool? {
        let n = text.count
        guard n >= 1, n <= 5 else { return nil }
        switch text[0] {
        case UInt8(ascii: "y"), UInt8(ascii: "Y"):
            if n == 1 { return true }
            return oneOf(text, "yes", "Yes", "YES") ? true : nil
        case UInt8(ascii: "n"), UInt8(ascii: "N"):
            if n == 1 { return false }
            return oneOf(text, "no", "No", "NO") ? false : nil
        case UInt8(ascii: "t"), UInt8(ascii: "T"):
            return oneOf(text, "true", "True", "TRUE") ? true : nil
        case UInt8(ascii: "f"), UInt8(ascii: "F"):
            return oneOf(text, "false", "False", "FALSE") ? false : nil
        case UInt8(ascii: "o"), UInt8(ascii: "O"):
            if oneOf(text, "on", "On", "ON") { return true }
            if oneOf(text, "off", "Off", "OFF") { return false }
            return nil
        default:
            return nil
        }
    }

    @inline(__always)
    private static func oneOf(_ text: UnsafeRawBufferPointer, _ a: StaticString, _ b: StaticString, _ c: StaticString) -> Bool {
        ByteText.equals(text, a) || ByteText.equals(text, b) || ByteText.equals(text, c)
    }

    /// Integers (decimal, 0x, 0o, 0b, leading-zero octal, `_` separators) and floats (`1.5`, `1e3`, `.5`,
    /// `.inf`, `.nan`), as go-yaml resolves plain scalars.
    static func looksNumeric(_ text: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = text.count
        if text[0] == UInt8(ascii: "-") || text[0] == UInt8(ascii: "+") { i = 1 }
        guard i < n else { return false }
        // Special floats.
        if text[i] == UInt8(ascii: "."), n - i == 4 {
            let rest = String(decoding: UnsafeRawBufferPointer(rebasing: text[(i + 1)...]), as: UTF8.self)
            if ["inf", "Inf", "INF", "nan", "NaN", "NAN"].contains(rest) { return true }
        }
        // Prefixed integers.
        if n - i > 2, text[i] == UInt8(ascii: "0") {
            let p = text[i + 1]
            let body = UnsafeRawBufferPointer(rebasing: text[(i + 2)...])
            switch p {
            case UInt8(ascii: "x"), UInt8(ascii: "X"):
                return body.allSatisfy { ByteText.isDigit($0) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) || $0 == 95 }
            case UInt8(ascii: "o"):
                return body.allSatisfy { ($0 >= 48 && $0 <= 55) || $0 == 95 }
            case UInt8(ascii: "b"):
                return body.allSatisfy { $0 == 48 || $0 == 49 || $0 == 95 }
            default: break
            }
        }
        // Decimal mantissa with optional fraction and exponent.
        var digits = 0
        while i < n, ByteText.isDigit(text[i]) || (text[i] == 95 && digits > 0) {
            if text[i] != 95 { digits += 1 }
            i += 1
        }
        if i < n, text[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, ByteText.isDigit(text[i]) {
                digits += 1
                i += 1
            }
        }
        guard digits > 0 else { return false }
        if i < n, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") { i += 1 }
            var expDigits = 0
            while i < n, ByteText.isDigit(text[i]) {
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return false }
        }
        return i == n
    }
}

/// Text tests and encodings on raw UTF-8 bytes, shared by the JSON and YAML scanners, which read text as bytes
/// and make a `String` only for what they keep.
enum ByteText {
    /// Whether `text` holds exactly the bytes of `word`.
    static func equals(_ text: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        guard text.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<text.count where text[k] != w[k] { return false }
        return true
    }

    /// Whether `c` is an ASCII decimal digit.
    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// Whether `c` is JSON whitespace (RFC 8259: space, tab, line feed, carriage return).
    @inline(__always)
    static func isJSONWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    /// The value of the hexadecimal digit `c` (either case), or `nil` when `c` is not one.
    @inline(__always)
    static func hexDigit(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - 0x30)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(c - 0x61 + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(c - 0x41 + 10)
        default: return nil
        }
    }

    /// Appends the UTF-8 encoding of the code point `v` (at most U+10FFFF; the caller has dealt with
    /// surrogates, which each scanner treats as its format says).
    static func appendUTF8<Sink: ByteSink & ~Copyable>(_ v: UInt32, to sink: inout Sink) {
        switch v {
        case 0..<0x80:
            sink.append(UInt8(v))
        case 0x80..<0x800:
            sink.append(UInt8(0xC0 | (v >> 6)))
            sink.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            sink.append(UInt8(0xE0 | (v >> 12)))
            sink.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            sink.append(UInt8(0x80 | (v & 0x3F)))
        default:
            sink.append(UInt8(0xF0 | (v >> 18)))
            sink.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            sink.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            sink.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}

/// Where ``ByteText/appendUTF8(_:to:)`` writes: the scanners' scratch buffers for decoded strings.
protocol ByteSink: ~Copyable {
    mutating func append(_ byte: UInt8)
}

extension Array: ByteSink where Element == UInt8 {}
extension GrowableBuffer: ByteSink where Element == UInt8 {}

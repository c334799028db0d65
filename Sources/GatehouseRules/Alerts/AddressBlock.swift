#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address or CIDR block (`203.0.113.0/24`, `2001:db8::/32`, `198.51.100.7`).
///
/// Both families are held as 128-bit IPv6 values, IPv4 in its mapped form (`::ffff:203.0.113.7`), so an
/// address written one way matches a block written the other: the API server may record a client as
/// `::ffff:203.0.113.7` when it listens on a dual-stack socket.
struct AddressBlock: Sendable, Hashable {
    let base: [UInt8]
    let prefix: Int

    /// Parses `address[/prefix]`; `nil` when it is neither family or the prefix is out of range.
    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let (bytes, isIPv4) = Self.parse(String(parts[0])) else { return nil }
        var prefix = isIPv4 ? 32 : 128
        if parts.count == 2 {
            guard let written = Int(parts[1]), written >= 0, written <= prefix else { return nil }
            prefix = written
        }
        self.prefix = isIPv4 ? prefix + 96 : prefix
        self.base = Self.masked(bytes, self.prefix)
    }

    /// Whether `address` (as an audit event's `sourceIPs` writes it) lies in the block.
    func contains(_ address: String) -> Bool {
        guard let (bytes, _) = Self.parse(address) else { return false }
        return Self.masked(bytes, prefix) == base
    }

    /// The address as 16 bytes, and whether it was written as IPv4. Brackets and an IPv6 zone (`%eth0`)
    /// are ignored.
    static func parse(_ written: String) -> (bytes: [UInt8], isIPv4: Bool)? {
        var text = Substring(written)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(text), &v4) == 1 {
            let value = UInt32(bigEndian: v4.s_addr)
            return ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }, true)
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, String(text), &v6) == 1 else { return nil }
        return (withUnsafeBytes(of: &v6) { Array($0) }, false)
    }

    static func masked(_ bytes: [UInt8], _ prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = min(max(prefix - index * 8, 0), 8)
            return bits == 8 ? byte : byte & ~(UInt8(0xFF) >> bits)
        }
    }
}

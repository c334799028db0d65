/// Byte tests on eight bytes at once (one 64-bit word), for the loaders' scanning loops: most of a manifest is
/// indentation and plain text that no loop needs to look at byte by byte.
enum WordBytes {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `word` that equals `byte`, and perhaps of bytes above a match (borrows run
    /// upwards): non-zero exactly when some byte matches, and the lowest flagged byte is always a match.
    @inline(__always)
    static func matching(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highs
    }

    /// Index of the first byte of `p[start..<end]` that `stops` (or `end`). Whole words go through `flags`,
    /// which must flag as ``matching(_:_:)`` does: non-zero when some byte stops, its lowest flagged byte one
    /// that does. The last bytes are tested one by one.
    @inline(__always)
    static func firstStop(
        in p: UnsafePointer<UInt8>, from start: Int, to end: Int, flags: (UInt64) -> UInt64, stops: (UInt8) -> Bool
    ) -> Int {
        var i = start
        #if _endian(little)
        let raw = UnsafeRawPointer(p)
        while i + 8 <= end {
            let found = flags(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        #endif
        while i < end, !stops(p[i]) { i += 1 }
        return i
    }
}

/// A shell-style glob: `*` matches any run of characters (including none), `?` exactly one byte.
/// Every other character matches itself; there are no character classes or escapes.
///
/// The pattern's bytes are kept from construction, so matching allocates nothing: policies compile their
/// globs once and the engine matches them against every object.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let bytes: [UInt8]
    private let shape: Shape
    /// Whether ASCII letters match either case (the pattern's bytes are kept in lower case, the text's are
    /// folded as they are compared).
    private let foldsCase: Bool

    private enum Shape: Hashable {
        /// `*`, `**`: everything. `exact`: no wildcard. `prefix`: `literal*`. `infix`: `*literal*`, a substring
        /// search without backtracking (user-agent lists are made of these). `general`: anything else.
        case any, exact, prefix, infix, general
    }

    public init(_ pattern: String) {
        self.init(pattern, ignoringCase: false)
    }

    /// `ignoringCase`: ASCII letters match in either case (`*kube-hunter*` matches `Kube-Hunter/1.0`); other
    /// characters match themselves only.
    public init(_ pattern: String, ignoringCase: Bool) {
        self.pattern = pattern
        self.foldsCase = ignoringCase
        self.bytes = Array(pattern.utf8).map { ignoringCase ? Self.fold($0) : $0 }
        let stars = bytes.filter { $0 == UInt8(ascii: "*") }.count
        let questions = bytes.contains(UInt8(ascii: "?"))
        if !bytes.isEmpty, bytes.allSatisfy({ $0 == UInt8(ascii: "*") }) {
            shape = .any
        } else if stars == 0 && !questions {
            shape = .exact
        } else if stars == 1 && !questions && bytes.last == UInt8(ascii: "*") {
            shape = .prefix
        } else if stars == 2 && !questions && bytes.count > 2 && bytes.first == UInt8(ascii: "*")
            && bytes.last == UInt8(ascii: "*")
        {
            shape = .infix
        } else {
            shape = .general
        }
    }

    /// Whether the pattern holds `*` or `?`.
    public var hasWildcards: Bool { shape != .exact }

    public var description: String { pattern }

    /// Whether the whole of `text` matches (not a substring of it).
    public func matches(_ text: String) -> Bool {
        if foldsCase { return matchesFolding(text) }
        switch shape {
        case .any: return true
        case .exact: return text == pattern
        case .prefix: return text.utf8.starts(with: bytes.dropLast())
        case .infix:
            var text = text
            return text.withUTF8 { t in
                bytes.withUnsafeBufferPointer { p in Self.contains(t, UnsafeBufferPointer(rebasing: p.dropFirst().dropLast())) }
            }
        case .general:
            var text = text
            return text.withUTF8 { t in
                bytes.withUnsafeBufferPointer { p in Self.match(p, t) }
            }
        }
    }

    /// ``matches(_:)`` for a case-folding glob: the shapes that need no backtracking compare folded bytes in
    /// place; the general shape matches a folded copy.
    private func matchesFolding(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { t in
            bytes.withUnsafeBufferPointer { p in
                switch shape {
                case .any: return true
                case .exact: return t.count == p.count && Self.startsFolded(t, at: 0, with: p[...])
                case .prefix: return t.count >= p.count - 1 && Self.startsFolded(t, at: 0, with: p.dropLast())
                case .infix:
                    let needle = p.dropFirst().dropLast()
                    guard t.count >= needle.count else { return false }
                    for i in 0...(t.count - needle.count) where Self.startsFolded(t, at: i, with: needle) { return true }
                    return false
                case .general:
                    let folded = t.map(Self.fold)
                    return folded.withUnsafeBufferPointer { Self.match(p, $0) }
                }
            }
        }
    }

    /// Whether `text` from `start` begins with `folded` (already in lower case), folding `text` as it goes.
    private static func startsFolded(
        _ text: UnsafeBufferPointer<UInt8>, at start: Int, with folded: Slice<UnsafeBufferPointer<UInt8>>
    ) -> Bool {
        var i = start
        for byte in folded {
            guard i < text.count, fold(text[i]) == byte else { return false }
            i += 1
        }
        return true
    }

    /// An ASCII upper-case letter in lower case; every other byte as it is.
    private static func fold(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Whether `needle` (not empty) occurs in `haystack`: a scan for its first byte, then a compare.
    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return needle.isEmpty }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    /// Iterative matching with one backtrack point (the last `*`): linear in practice, never exponential.
    private static func match(_ p: UnsafeBufferPointer<UInt8>, _ t: UnsafeBufferPointer<UInt8>) -> Bool {
        var pi = 0
        var ti = 0
        var starP = -1
        var starT = 0
        while ti < t.count {
            if pi < p.count, p[pi] == UInt8(ascii: "?") || p[pi] == t[ti] && p[pi] != UInt8(ascii: "*") {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
                starP = pi
                pi += 1
                starT = ti
            } else if starP >= 0 {
                pi = starP + 1
                starT += 1
                ti = starT
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}

extension Array where Element == Glob {
    /// Whether any glob in the list matches `text`.
    public func anyMatches(_ text: String) -> Bool {
        for glob in self where glob.matches(text) { return true }
        return false
    }
}

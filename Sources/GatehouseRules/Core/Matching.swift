import KubeModel

/// Small matching helpers shared by rules: path segments for map keys, the request's namespace. Every
/// pattern a policy writes (user and group names here too) is a ``Glob``.
enum Matching {
    /// Whether `text` contains `needle` (already lowercased), ignoring case. ASCII text is compared byte by
    /// byte; other text is lowercased with Unicode rules first. The standard library's generic substring
    /// search walks grapheme clusters and cost more than the rest of a Service's checks together.
    static func containsIgnoringCase(_ text: String, lowercased needle: String) -> Bool {
        var text = text
        var needle = needle
        let ascii: Bool? = text.withUTF8 { t in
            needle.withUTF8 { n in
                guard t.allSatisfy({ $0 < 0x80 }), n.allSatisfy({ $0 < 0x80 }) else { return nil }
                if n.isEmpty { return true }
                guard n.count <= t.count else { return false }
                outer: for start in 0...(t.count - n.count) {
                    for k in 0..<n.count {
                        let b = t[start + k]
                        if (b >= 65 && b <= 90 ? b | 0x20 : b) != n[k] { continue outer }
                    }
                    return true
                }
                return false
            }
        }
        return ascii ?? text.lowercased().contains(needle)
    }

    /// A map key as a field-path segment: `.name` for plain keys, `["a.b/c"]` for keys with dots or slashes,
    /// so `metadata.labels["kubernetes.azure.com/mode"]` stays unambiguous.
    static func keySegment(_ key: String) -> String {
        let plain = !key.isEmpty && key.utf8.allSatisfy { b in
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 || b == 45
        }
        return plain ? ".\(key)" : "[\"\(key)\"]"
    }

    /// The object's namespace, falling back to the admission request's (a created object may omit it).
    static func namespace(of object: KubeObject, _ request: AdmissionInfo?) -> String? {
        if let ns = object.namespace, !ns.isEmpty { return ns }
        return request?.namespace
    }
}

/// The `allowedUsers` and `allowedGroups` parameters (globs) of the rules about who made a request: the
/// requesters whose changes a rule leaves alone.
struct AllowedRequesters: Sendable {
    let users: [Glob]
    let groups: [Glob]

    init(_ parameters: RuleParameters, users defaultUsers: [String], groups defaultGroups: [String] = []) {
        users = parameters.strings("allowedUsers", default: defaultUsers).map(Glob.init)
        groups = parameters.strings("allowedGroups", default: defaultGroups).map(Glob.init)
    }

    /// Whether `request`'s user, or one of its groups, is allowed; `false` without a request.
    func contain(_ request: AdmissionInfo?) -> Bool {
        guard let request else { return false }
        return users.anyMatches(request.user) || request.groups.contains { groups.anyMatches($0) }
    }
}

/// A compiled regular expression a rule keeps between checks.
///
/// `Regex` is not declared `Sendable`, but a compiled regex is immutable after construction and the
/// standard library lowers its program behind an atomic once-initialisation, so sharing one across
/// concurrent checks is safe; this wrapper states that in one place instead of in every rule.
public struct RulePattern: @unchecked Sendable {
    public let source: String
    let regex: Regex<AnyRegexOutput>
    /// The same pattern without the regex engine, when it is a case-insensitive list of words (the credential
    /// name patterns): the regex costs more than everything else an alert rule does with an audit event.
    let words: WordAlternation?

    public init(_ source: String) throws {
        self.source = source
        self.regex = try Regex(source)
        self.words = WordAlternation(source)
    }

    /// The whole of `text` matches (the pattern is anchored at both ends).
    public func wholeMatches(_ text: String) -> Bool { (try? regex.wholeMatch(in: text)) != nil }

    /// Some part of `text` matches (an unanchored search).
    public func found(in text: String) -> Bool {
        if let words, let found = words.found(in: text) { return found }
        return (try? regex.firstMatch(in: text)) != nil
    }
}

/// A regex of the form `(?i)(word|word|stem[_.-]?word|...)` (lower-case ASCII letters), searched without the
/// regex engine: the same answer for ASCII text; other text is left to the regex.
struct WordAlternation: Sendable {
    /// Each alternative: its letters before the optional separator, and after it (empty when it has none).
    let alternatives: [(head: [UInt8], tail: [UInt8])]

    init?(_ source: String) {
        guard source.hasPrefix("(?i)("), source.hasSuffix(")") else { return nil }
        let body = source.dropFirst(5).dropLast()
        var alternatives: [(head: [UInt8], tail: [UInt8])] = []
        for alternative in body.split(separator: "|", omittingEmptySubsequences: false) {
            let parts = alternative.components(separatedBy: "[_.-]?")
            guard (1...2).contains(parts.count),
                parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } })
            else { return nil }
            alternatives.append((Array(parts[0].utf8), parts.count == 2 ? Array(parts[1].utf8) : []))
        }
        guard !alternatives.isEmpty else { return nil }
        self.alternatives = alternatives
    }

    /// Whether an alternative occurs in `text`, ignoring ASCII case; `nil` when `text` is not ASCII.
    func found(in text: String) -> Bool? {
        var bytes = Array(text.utf8)
        for i in bytes.indices {
            guard bytes[i] < 0x80 else { return nil }
            if bytes[i] >= UInt8(ascii: "A") && bytes[i] <= UInt8(ascii: "Z") { bytes[i] |= 0x20 }
        }
        let separators: [UInt8] = [UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-")]
        for (head, tail) in alternatives {
            var start = 0
            while let at = Self.index(of: head, in: bytes, from: start) {
                let next = at + head.count
                if tail.isEmpty || bytes[next...].starts(with: tail) { return true }
                if next < bytes.count, separators.contains(bytes[next]), bytes[(next + 1)...].starts(with: tail) {
                    return true
                }
                start = at + 1
            }
        }
        return false
    }

    private static func index(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count - start >= needle.count else { return nil }
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

extension Substring {
    /// The parts between occurrences of `separator` (the whole when there is none).
    fileprivate func components(separatedBy separator: String) -> [Substring] {
        var parts: [Substring] = []
        var rest = self
        while let range = rest.firstRange(of: separator) {
            parts.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        parts.append(rest)
        return parts
    }
}

extension RuleParameters {
    /// Compiles a regex parameter into a ``RulePattern``; `nil` when absent or empty (and no fallback).
    /// A bad pattern is an error naming the parameter and its position.
    public func pattern(_ name: String, default fallback: String?) throws -> RulePattern? {
        let written = value(name)?.string
        guard let source = written ?? fallback, !source.isEmpty else { return nil }
        do {
            return try RulePattern(source)
        } catch {
            throw ParameterError(
                parameter: name, position: value(name)?.position ?? .unknown,
                message: "invalid regular expression \"\(source)\": \(error)")
        }
    }
}

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

    public init(_ source: String) throws {
        self.source = source
        self.regex = try Regex(source)
    }

    /// The whole of `text` matches (the pattern is anchored at both ends).
    public func wholeMatches(_ text: String) -> Bool { (try? regex.wholeMatch(in: text)) != nil }

    /// Some part of `text` matches (an unanchored search).
    public func found(in text: String) -> Bool { (try? regex.firstMatch(in: text)) != nil }
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

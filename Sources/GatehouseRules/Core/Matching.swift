import KubeModel

/// Small matching helpers shared by rules: user globs, path segments for map keys.
enum Matching {
    /// Whether `text` matches a shell-style glob where `*` is any run of characters
    /// (e.g. `system:serviceaccount:kube-system:*`).
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8)
        let t = Array(text.utf8)
        var pi = 0
        var ti = 0
        var star: (Int, Int)?
        while ti < t.count {
            if pi < p.count, p[pi] != UInt8(ascii: "*"), p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = (pi + 1, ti)
                pi += 1
            } else if let (sp, st) = star {
                pi = sp
                ti = st + 1
                star = (sp, st + 1)
            } else {
                return false
            }
        }
        return p[pi...].allSatisfy { $0 == UInt8(ascii: "*") }
    }

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

    /// Whether any glob in `patterns` matches `text`.
    static func anyGlob(_ patterns: [String], _ text: String) -> Bool {
        patterns.contains { glob($0, text) }
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

    /// Whether the request's user or one of its groups is allowed; `false` when there is no request.
    static func requesterAllowed(_ request: AdmissionInfo?, users: [String], groups: [String]) -> Bool {
        guard let request else { return false }
        return anyGlob(users, request.user) || request.groups.contains { anyGlob(groups, $0) }
    }
}

/// The `allowedUsers` and `allowedGroups` parameters (globs) of the rules about who made a request: the
/// requesters whose changes a rule leaves alone.
struct AllowedRequesters: Sendable {
    let users: [String]
    let groups: [String]

    init(_ parameters: RuleParameters, users defaultUsers: [String], groups defaultGroups: [String] = []) {
        users = parameters.strings("allowedUsers", default: defaultUsers)
        groups = parameters.strings("allowedGroups", default: defaultGroups)
    }

    /// Whether `request`'s user, or one of its groups, is allowed; `false` without a request.
    func contain(_ request: AdmissionInfo?) -> Bool {
        Matching.requesterAllowed(request, users: users, groups: groups)
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

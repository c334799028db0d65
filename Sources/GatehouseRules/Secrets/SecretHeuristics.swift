import KubeModel

/// What "looks like a secret" means for the secret rules, in one place so both rules agree.
enum SecretHeuristics {
    /// Names of keys and variables that usually hold credentials.
    static let defaultNamePattern =
        "(?i)(password|passwd|secret|token|api[_.-]?key|private[_.-]?key|access[_.-]?key|credential)"

    /// Name endings that point at a secret or describe it rather than hold it
    /// (`DB_PASSWORD_FILE=/run/secrets/db`, `token-secret-namespace`, `TOKEN_TTL`).
    static let referenceSuffixes = [
        "file", "path", "dir", "name", "namespace", "ref", "ttl", "timeout", "length", "expiry", "expiration",
        "duration", "type", "mode", "enabled", "id", "version",
    ]

    /// Whether `value` is a literal worth reporting: not empty, not a number or boolean, not a path, and
    /// not a placeholder or reference (`$(VAR)`, `${VAR}`, `{{ .Values.x }}`, `<changeme>`).
    static func isLiteral(_ value: String) -> Bool {
        let v = value.trimmingCharacters(in: " \t\n")
        guard !v.isEmpty, !v.hasPrefix("/") else { return false }
        if v.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) { return false }
        if ["true", "false", "yes", "no", "null", "none", "changeme", "redacted"].contains(v.lowercased()) { return false }
        if (v.hasPrefix("$(") || v.hasPrefix("${")) && (v.hasSuffix(")") || v.hasSuffix("}")) { return false }
        if v.hasPrefix("{{") && v.hasSuffix("}}") { return false }
        if v.hasPrefix("<") && v.hasSuffix(">") { return false }
        return true
    }

    /// Whether a key or variable name names a credential: matches `pattern` and does not end like a reference.
    static func isSecretName(_ name: String, _ pattern: RulePattern) -> Bool {
        let lower = name.lowercased()
        guard !referenceSuffixes.contains(where: { lower.hasSuffix($0) }) else { return false }
        return pattern.found(in: name)
    }

    /// A well-known credential format: a cheap literal that must appear, then the precise pattern.
    struct Detector: Sendable {
        let name: String
        let literal: String
        let pattern: RulePattern
    }

    // The patterns are constants and known to compile.
    static let detectors: [Detector] = [
        ("a private key", "PRIVATE KEY-----", #"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----"#),
        ("an AWS access key", "AKIA", #"\bAKIA[0-9A-Z]{16}\b"#),
        ("a GitHub token", "gh", #"\bgh[pousr]_[A-Za-z0-9]{36,}\b"#),
        ("a Slack token", "xox", #"\bxox[abprs]-[A-Za-z0-9-]{10,}"#),
        ("an Azure storage key", "AccountKey=", #"AccountKey=[A-Za-z0-9+/]{40,}={0,2}"#),
        ("a password in a URL", "@", #"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:[^/\s:@$]+@"#),
    ].map { Detector(name: $0.0, literal: $0.1, pattern: try! RulePattern($0.2)) }

    /// The first well-known credential format found in `text`, by name.
    static func detect(_ text: String) -> String? {
        for d in detectors where contains(text, d.literal) && d.pattern.found(in: text) { return d.name }
        return nil
    }
}

/// Whether `literal` occurs in `text`, byte by byte: `String.contains` goes through the regex engine's string
/// search, many times slower, and the detectors ask it of every value.
private func contains(_ text: String, _ literal: String) -> Bool {
    let needle = Array(literal.utf8)
    guard let first = needle.first else { return true }
    var text = text
    return text.withUTF8 { hay in
        guard hay.count >= needle.count else { return false }
        var i = 0
        while i <= hay.count - needle.count {
            if hay[i] == first {
                var j = 1
                while j < needle.count, hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return s
    }
}

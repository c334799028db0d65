import KubeModel

/// A policy file that cannot be used, with every problem found in it (not just the first).
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// In file order.
    public var problems: [PolicyProblem]

    public init(file: String, problems: [PolicyProblem]) {
        self.file = file
        self.problems = problems
    }

    /// One line per problem: `policy.yaml:12:5: unknown rule "pod-privilegd"; did you mean "pod-privileged"?`
    public var description: String {
        problems.map { $0.formatted(file: file) }.joined(separator: "\n")
    }
}

/// One mistake in a policy file, at the line and column of the offending key or value.
public struct PolicyProblem: Sendable, Hashable {
    public var position: SourcePosition
    public var message: String

    public init(position: SourcePosition, message: String) {
        self.position = position
        self.message = message
    }

    /// `file:line:col: message`, or `file: message` for a problem with the file as a whole.
    public func formatted(file: String) -> String {
        position == .unknown ? "\(file): \(message)" : "\(file):\(position.line):\(position.column): \(message)"
    }
}

/// "Did you mean" suggestions: the closest candidate by edit distance, when it is close enough to be a typo.
enum Suggestion {
    static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let lower = word.lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = candidate.lowercased() == lower ? 0 : editDistance(lower, candidate.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best, best.distance <= max(2, best.candidate.count / 3) else { return nil }
        return best.candidate
    }

    /// `unknown rule "x"; did you mean "y"?`, or the list of valid values when none is close and the list is short.
    static func unknown(_ what: String, _ word: String, in candidates: [String], context: String? = nil) -> String {
        var message = "unknown \(what) \"\(word)\""
        if let context { message += " \(context)" }
        if let near = closest(to: word, in: candidates) {
            message += "; did you mean \"\(near)\"?"
        } else if candidates.count <= 12 {
            message += "; expected one of: \(candidates.joined(separator: ", "))"
        }
        return message
    }

    /// Levenshtein distance over Unicode scalars.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

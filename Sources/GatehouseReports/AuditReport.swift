import GatehouseEngine
import GatehouseRules
import KubeModel

/// The product's name and version, as reports and `gatehouse version` print them.
public enum GatehouseInfo {
    public static let name = "gatehouse"
    public static let version = "0.1.0"
    public static let informationURI = "https://github.com/gatehouse-dev/gatehouse"
}

/// Everything one audit found, in a canonical order, ready for any writer.
///
/// Findings are sorted by rule id, namespace, object (kind, name, source) and position, so a report is the same
/// byte for byte whatever the number of worker threads. Errors and notes keep input order.
public struct AuditReport: Sendable {
    /// The profile the engine ran.
    public var profile: Profile
    /// The rules the engine ran, sorted by id.
    public var activeRules: [String]
    /// Files (and `-` for stdin) read, in input order.
    public var files: [String]
    /// Kubernetes objects evaluated.
    public var objectCount: Int
    public private(set) var findings: [Finding]
    /// Inputs that could not be read or parsed, with where.
    public var errors: [LoadError]
    /// Documents skipped because they are not Kubernetes objects, and similar remarks.
    public var notes: [LoadNote]

    public init(
        profile: Profile, activeRules: [String], files: [String], objectCount: Int, findings: consuming [Finding],
        errors: [LoadError], notes: [LoadNote]
    ) {
        self.profile = profile
        self.activeRules = activeRules.sorted()
        self.files = files
        self.objectCount = objectCount
        AuditReport.sortCanonically(&findings)
        self.findings = findings
        self.errors = errors
        self.notes = notes
    }

    /// The report order: rule, namespace, object, then where in the object.
    public static func canonicalOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
        if a.object != b.object { return a.object < b.object }
        if a.position != b.position { return a.position < b.position }
        if a.path != b.path { return a.path < b.path }
        return a.message < b.message
    }

    /// `findings` in ``canonicalOrder``, computed without moving whole findings around: each finding gets
    /// integer keys (rule rank, object rank from sorting the distinct objects once, line, column) and only
    /// ties on all of them compare strings. Audits produce millions of findings over far fewer objects.
    /// Sorts in place (no second array of findings: a big audit holds millions).
    static func sortCanonically(_ findings: inout [Finding]) {
        guard findings.count > 1 else { return }
        var ruleRanks: [String: Int32] = [:]
        for id in Set(findings.map(\.ruleID)).sorted() { ruleRanks[id] = Int32(ruleRanks.count) }

        var objectIndex: [ObjectRef: Int32] = [:]
        var objects: [ObjectRef] = []
        var objectOfFinding = [Int32](repeating: 0, count: findings.count)
        for (i, f) in findings.enumerated() {
            // findings of one object arrive together: skip the hash when the object repeats
            if i > 0, f.object == findings[i - 1].object {
                objectOfFinding[i] = objectOfFinding[i - 1]
                continue
            }
            if let known = objectIndex[f.object] {
                objectOfFinding[i] = known
            } else {
                let n = Int32(objects.count)
                objectIndex[f.object] = n
                objects.append(f.object)
                objectOfFinding[i] = n
            }
        }
        let objectOrder = objects.indices.sorted { a, b in
            if objects[a] < objects[b] { return true }
            if objects[b] < objects[a] { return false }
            return a < b  // same identity in different API versions: keep first-seen order
        }
        var objectRank = [Int32](repeating: 0, count: objects.count)
        for (rank, index) in objectOrder.enumerated() { objectRank[index] = Int32(rank) }

        struct Key {
            var rule: Int32
            var object: Int32
            var line: Int32
            var column: Int32
            var index: Int32
        }
        var keys = findings.indices.map { i in
            Key(
                rule: ruleRanks[findings[i].ruleID]!, object: objectRank[Int(objectOfFinding[i])],
                line: Int32(clamping: findings[i].position.line), column: Int32(clamping: findings[i].position.column),
                index: Int32(i))
        }
        findings.withUnsafeBufferPointer { f in
            keys.sort { a, b in
                if a.rule != b.rule { return a.rule < b.rule }
                if a.object != b.object { return a.object < b.object }
                if a.line != b.line { return a.line < b.line }
                if a.column != b.column { return a.column < b.column }
                let x = f[Int(a.index)]
                let y = f[Int(b.index)]
                if x.path != y.path { return x.path < y.path }
                if x.message != y.message { return x.message < y.message }
                return a.index < b.index
            }
        }
        // Apply the permutation cycle by cycle: position k receives the finding from source[k].
        var source = keys.map { Int($0.index) }
        keys = []
        for start in source.indices where source[start] != start {
            let first = findings[start]
            var k = start
            while source[k] != start {
                let from = source[k]
                findings[k] = findings[from]
                source[k] = k
                k = from
            }
            findings[k] = first
            source[k] = k
        }
    }

    /// Finding counts per severity, every severity present (zero when none).
    public var countsBySeverity: [(Severity, Int)] {
        var counts = [Severity: Int]()
        for f in findings { counts[f.severity, default: 0] += 1 }
        return Severity.allCases.reversed().map { ($0, counts[$0] ?? 0) }
    }

    /// Finding counts per action (deny, warn, audit).
    public var countsByAction: [(Action, Int)] {
        var counts = [Action: Int]()
        for f in findings { counts[f.action, default: 0] += 1 }
        return [Action.deny, .warn, .audit].map { ($0, counts[$0] ?? 0) }
    }

    /// The highest severity among the findings, `nil` when there are none.
    public var highestSeverity: Severity? { findings.map(\.severity).max() }
}

/// When `gatehouse audit` fails a build.
public enum FailThreshold: Sendable, Hashable {
    case severity(Severity)
    case never

    /// Parses `critical|high|medium|low|info|never`.
    public init?(_ text: String) {
        if text == "never" {
            self = .never
        } else if let s = Severity(rawValue: text) {
            self = .severity(s)
        } else {
            return nil
        }
    }

    public func isMet(by severity: Severity) -> Bool {
        switch self {
        case .never: false
        case .severity(let threshold): severity >= threshold
        }
    }
}

/// The process exit status of an audit.
///
/// - 0: every input was read and no finding is at or above the threshold;
/// - 1: some finding is at or above the threshold (and every input was read);
/// - 2: an input could not be read or parsed (the audit is incomplete, so it neither passes nor fails on
///   findings alone), or the command line was wrong.
public enum AuditExitStatus: Int32, Sendable {
    case passed = 0
    case findings = 1
    case inputError = 2

    public init(report: AuditReport, failOn: FailThreshold) {
        if !report.errors.isEmpty {
            self = .inputError
        } else if report.findings.contains(where: { failOn.isMet(by: $0.severity) }) {
            self = .findings
        } else {
            self = .passed
        }
    }
}

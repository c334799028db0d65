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
    /// The findings in ``canonicalOrder(_:_:)``, stored compactly (see ``FindingList``).
    public private(set) var findings: FindingList
    /// Inputs that could not be read or parsed, with where.
    public var errors: [LoadError]
    /// Documents skipped because they are not Kubernetes objects, and similar remarks.
    public var notes: [LoadNote]
    /// Findings an exemption suppressed, in canonical order: never enforced nor counted as findings (nor by
    /// `--fail-on`), but every report counts them and, with ``listsExempted``, lists them with the exemption.
    /// ``hidingFindings(below:)`` keeps them all: nothing exempted is ever hidden.
    public private(set) var exempted: [ExemptedFinding]
    /// Exemption annotations that were ignored, one per object and problem, in input order.
    public var exemptionNotes: [ExemptionNote]
    /// Whether writers list ``exempted`` (`--show-exempted`); they count them either way.
    public var listsExempted = false
    /// Set when findings below a severity were left out (``hidingFindings(below:)``); `nil` when every
    /// finding is listed.
    public private(set) var severityFilter: SeverityFilter?

    public init(
        profile: Profile, activeRules: [String], files: [String], objectCount: Int, findings: consuming [Finding],
        errors: [LoadError], notes: [LoadNote], exempted: [ExemptedFinding] = [], exemptionNotes: [ExemptionNote] = []
    ) {
        self.profile = profile
        self.activeRules = activeRules.sorted()
        self.files = files
        self.objectCount = objectCount
        var list = FindingList(findings)
        list.sortCanonically()
        self.findings = list
        self.errors = errors
        self.notes = notes
        self.exempted = Self.ordered(exempted)
        self.exemptionNotes = exemptionNotes
    }

    /// A report over findings already gathered in a ``FindingList`` (the auditor's way: millions of findings
    /// never exist as separate `Finding` values).
    public init(
        profile: Profile, activeRules: [String], files: [String], objectCount: Int, findings: consuming FindingList,
        errors: [LoadError], notes: [LoadNote], exempted: [ExemptedFinding] = [], exemptionNotes: [ExemptionNote] = []
    ) {
        findings.sortCanonically()
        self.init(
            profile: profile, activeRules: activeRules, files: files, objectCount: objectCount,
            orderedFindings: findings, errors: errors, notes: notes, exempted: exempted, exemptionNotes: exemptionNotes)
    }

    /// A report over findings already in canonical order (``FindingList/sortCanonically()``,
    /// ``FindingList/merging(_:_:)``).
    public init(
        profile: Profile, activeRules: [String], files: [String], objectCount: Int,
        orderedFindings findings: consuming FindingList, errors: [LoadError], notes: [LoadNote],
        exempted: [ExemptedFinding] = [], exemptionNotes: [ExemptionNote] = []
    ) {
        self.profile = profile
        self.activeRules = activeRules.sorted()
        self.files = files
        self.objectCount = objectCount
        self.findings = findings
        self.errors = errors
        self.notes = notes
        self.exempted = Self.ordered(exempted)
        self.exemptionNotes = exemptionNotes
    }

    /// This report without the findings below `minimum`, counting how many were left out
    /// (``severityFilter``). Counts and the highest severity then describe the findings kept.
    public func hidingFindings(below minimum: Severity) -> AuditReport {
        var filtered = self
        filtered.findings = findings.keeping(atLeast: minimum)
        let hiddenBefore = severityFilter?.hiddenCount ?? 0
        filtered.severityFilter = SeverityFilter(
            minimum: max(minimum, severityFilter?.minimum ?? minimum),
            hiddenCount: hiddenBefore + findings.count - filtered.findings.count)
        return filtered
    }

    /// The report order: rule, namespace, object, then where in the object.
    public static func canonicalOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
        if a.object != b.object { return a.object < b.object }
        if a.position != b.position { return a.position < b.position }
        if a.path != b.path { return a.path < b.path }
        return a.message < b.message
    }

    /// Finding counts per severity, every severity present (zero when none).
    public var countsBySeverity: [(Severity, Int)] {
        // Counted by case position rather than in a dictionary: a report may hold millions of findings.
        let cases = Severity.allCases
        var counts = [Int](repeating: 0, count: cases.count)
        for i in findings.indices { counts[cases.firstIndex(of: findings.severity(at: i))!] += 1 }
        return cases.indices.reversed().map { (cases[$0], counts[$0]) }
    }

    /// Finding counts per action (deny, warn, audit).
    public var countsByAction: [(Action, Int)] {
        let cases = Action.allCases
        var counts = [Int](repeating: 0, count: cases.count)
        for i in findings.indices { counts[cases.firstIndex(of: findings.action(at: i))!] += 1 }
        return [Action.deny, .warn, .audit].map { ($0, counts[cases.firstIndex(of: $0)!]) }
    }

    /// The highest severity among the findings, `nil` when there are none.
    public var highestSeverity: Severity? {
        var highest: Severity?
        for i in findings.indices {
            let severity = findings.severity(at: i)
            if highest.map({ severity > $0 }) ?? true { highest = severity }
        }
        return highest
    }
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
        } else if report.findings.indices.contains(where: { failOn.isMet(by: report.findings.severity(at: $0)) }) {
            self = .findings
        } else {
            self = .passed
        }
    }
}

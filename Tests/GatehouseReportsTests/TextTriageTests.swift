import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel
import Testing

/// The text report's triage arrangement: severity first, each rule's remediation once, a field several rules
/// report listed once, and `--min-severity` (``AuditReport/hidingFindings(below:)``) counted in the summary.
struct TextTriageTests {
    static let agent = ReportFixture.object("DaemonSet", "monitoring", "node-agent", file: "agent.yaml")
    static let addPath = "spec.template.spec.containers[0].securityContext.capabilities.add[0]"

    static func finding(_ rule: String, _ severity: Severity, path: String, line: Int, _ message: String) -> Finding {
        Finding(
            ruleID: rule, severity: severity, action: severity >= .high ? .deny : .warn, message: message, path: path,
            position: SourcePosition(line: line, column: 19), container: "agent", image: nil, object: agent)
    }

    /// SYS_ADMIN reported by three rules, NET_ADMIN by two, a low finding on its own, two object-level findings.
    static var report: AuditReport {
        let findings = [
            finding("cap-drop-all", .medium, path: addPath, line: 23, "container \"agent\" must drop ALL"),
            finding("cap-baseline", .high, path: addPath, line: 23, "container \"agent\" must not add \"SYS_ADMIN\""),
            finding("cap-sys-admin", .critical, path: addPath, line: 23, "container \"agent\" adds SYS_ADMIN"),
            finding("cap-baseline", .high, path: "add[1]", line: 24, "container \"agent\" must not add \"NET_ADMIN\""),
            finding("cap-drop-all", .medium, path: "add[1]", line: 24, "container \"agent\" must drop NET_ADMIN"),
            finding("a-low-rule", .low, path: "spec.template.spec.hostIPC", line: 9, "a low finding"),
            finding("whole-object-a", .medium, path: "", line: 1, "first object-level finding"),
            finding("whole-object-b", .medium, path: "", line: 1, "second object-level finding"),
        ]
        return AuditReport(
            profile: .aks, activeRules: [], files: ["agent.yaml"], objectCount: 1, findings: findings, errors: [],
            notes: [])
    }

    @Sendable static func describe(_ id: String) -> RuleDescription? {
        RuleDescription(
            id: id, title: "Title of \(id)", category: .podSecurity, severity: .high, action: .deny, scope: .podSpec,
            profiles: [.aks], spec: "spec", rationale: "rationale", remediation: "Fix \(id) like this.",
            references: [], passing: [Example("{}")], failing: [Example("{}")])
    }

    static func text(_ report: AuditReport) -> String {
        let output = ReportOutput()
        TextReportWriter(describe: describe).write(report, to: output)
        return output.text
    }

    /// The rule headers, in report order.
    static func ruleHeaders(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            line.first?.isLowercase == true ? String(line.prefix { $0 != " " }) : nil
        }
    }

    @Test func severityComesFirstThenRule() {
        let text = Self.text(Self.report)
        #expect(Self.ruleHeaders(text) == [
            "cap-sys-admin", "cap-baseline", "cap-drop-all", "whole-object-a", "whole-object-b", "a-low-rule",
        ])
        let sections = text.split(separator: "\n").filter { $0.first?.isUppercase == true && !$0.hasPrefix("Summary") }
        #expect(sections == [
            "CRITICAL  1 finding, 1 rule", "HIGH  2 findings, 1 rule", "MEDIUM  4 findings, 3 rules",
            "LOW  1 finding, 1 rule",
        ])
    }

    @Test func aFieldSeveralRulesReportIsListedOnceUnderTheFirst() {
        let text = Self.text(Self.report)
        #expect(text.components(separatedBy: Self.addPath).count == 2, "the SYS_ADMIN field is listed once")
        #expect(text.contains("""
                23:19  \(Self.addPath)
                  container "agent" adds SYS_ADMIN
                  also cap-baseline (high), cap-drop-all (medium)
            """))
        #expect(text.contains("""
                24:19  add[1]
                  container "agent" must not add "NET_ADMIN"
                  also cap-drop-all (medium)
            """))
        #expect(text.contains("cap-baseline  Title of cap-baseline  [deny]  2 findings, 1 listed above under cap-sys-admin\n"))
        #expect(text.contains("cap-drop-all  Title of cap-drop-all  [warn]  2 findings, all listed above under other rules\n"))
        #expect(text.contains("Summary: 8 findings\n  listed as:   5 entries (a field several rules report is listed once)\n"))
    }

    @Test func findingsWithoutAFieldPathAreNotFolded() {
        let text = Self.text(Self.report)
        #expect(text.contains("first object-level finding"))
        #expect(text.contains("second object-level finding"))
    }

    @Test func eachRuleGroupShowsItsRemediationOnce() {
        let text = Self.text(Self.report)
        for rule in ["cap-sys-admin", "cap-baseline", "cap-drop-all", "a-low-rule", "whole-object-a"] {
            #expect(text.components(separatedBy: "fix: Fix \(rule) like this.\n").count == 2, "\(rule)")
        }
    }

    @Test func longRuleListsWrapWithinOneHundredColumns() {
        let rules = (0..<12).map { "rbac-some-long-rule-name-\($0)" }
        let findings = rules.map { Self.finding($0, .high, path: "rules", line: 3, "grants \($0)") }
        let report = AuditReport(
            profile: .aks, activeRules: [], files: [], objectCount: 1, findings: findings, errors: [], notes: [])
        let text = Self.text(report)
        let alsoLines = text.split(separator: "\n").drop { !$0.contains("also ") }.prefix { $0.hasPrefix("           ") || $0.contains("also ") }
        #expect(alsoLines.count > 1)
        #expect(alsoLines.allSatisfy { $0.count <= 100 }, "\(alsoLines)")
        #expect(rules.dropFirst().allSatisfy { rule in alsoLines.contains { $0.contains(rule + " (high)") } })
    }

    @Test func colourCodesDoNotCountTowardsTheWidth() {
        let rules = (0..<12).map { "rbac-some-long-rule-name-\($0)" }
        let findings = rules.map { Self.finding($0, .high, path: "rules", line: 3, "grants \($0)") }
        let report = AuditReport(
            profile: .aks, activeRules: [], files: [], objectCount: 1, findings: findings, errors: [], notes: [])
        let plain = ReportOutput()
        TextReportWriter(color: false, describe: Self.describe).write(report, to: plain)
        let coloured = ReportOutput()
        TextReportWriter(color: true, describe: Self.describe).write(report, to: coloured)
        let lineCount = { (text: String) in text.split(separator: "\n").count }
        #expect(lineCount(coloured.text) == lineCount(plain.text))
    }

    @Test func minimumSeverityHidesFindingsAndTheSummaryCountsThem() {
        let filtered = Self.report.hidingFindings(below: .high)
        #expect(filtered.findings.count == 3)
        #expect(filtered.severityFilter == SeverityFilter(minimum: .high, hiddenCount: 5))
        let text = Self.text(filtered)
        #expect(Self.ruleHeaders(text) == ["cap-sys-admin", "cap-baseline"])
        #expect(text.contains("Summary: 3 findings at high or above\n  hidden:      5 findings below high (--min-severity)\n"))
        #expect(text.contains("  by severity: critical 1, high 2\n"))
        #expect(!text.contains("cap-drop-all"), "hidden findings are not named in another rule's entry either")
    }

    @Test func minimumSeverityFiltersEveryFormat() throws {
        let filtered = Self.report.hidingFindings(below: .critical)
        for format in ReportFormat.allCases where format != .text {
            let output = ReportOutput()
            format.writer(color: false).write(filtered, to: output)
            #expect(output.text.contains("cap-sys-admin"), "\(format)")
            #expect(!output.text.contains("a low finding"), "\(format)")
            #expect(!output.text.contains("NET_ADMIN"), "\(format)")
        }
    }

    @Test func filteringKeepsWidePositionsWithTheirFindings() {
        let far = SourcePosition(line: 5_000_000_000, column: 3)
        var findings = [Self.finding("low", .low, path: "a", line: 1, "low")]
        var wide = Self.finding("high", .high, path: "b", line: 1, "high")
        wide.position = far
        findings.append(wide)
        let list = FindingList(findings).keeping(atLeast: .high)
        #expect(list.count == 1)
        #expect(list[0].position == far)
    }
}

import Foundation
import FoundationXML
import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel
import Testing

/// What the writers do with exempted findings beyond the golden files: counts without listing, and text
/// written by a manifest's author that must not forge report lines.
struct ExemptionReportTests {
    static func report(reason: String, listed: Bool) -> AuditReport {
        let object = ObjectRef(apiVersion: "v1", kind: "Pod", namespace: "apps", name: "web", source: SourceRef(file: "in.yaml"))
        let finding = Finding(
            ruleID: "pod-privileged", severity: .high, action: .deny, message: "m", path: "spec.containers[0]",
            position: SourcePosition(line: 3, column: 1), container: nil, image: nil, object: object)
        var report = AuditReport(
            profile: .aks, activeRules: ["pod-privileged"], files: ["in.yaml"], objectCount: 1, findings: [], errors: [],
            notes: [], exempted: [ExemptedFinding(finding: finding, exemption: .annotation(value: "*", reason: reason, onTemplate: false))],
            exemptionNotes: [ExemptionNote(object: object, position: .unknown, message: "annotation names unknown rule \"x\u{1B}[2J\"")])
        report.listsExempted = listed
        return report
    }

    @Test func controlCharactersInAReasonDoNotReachTheTextReport() {
        let output = ReportOutput()
        TextReportWriter().write(Self.report(reason: "ok\n\nSummary: 0 findings\u{1B}[2J", listed: true), to: output)
        #expect(!output.text.contains("\u{1B}"))
        #expect(output.text.components(separatedBy: "\nSummary:").count == 2, "\(output.text)")
    }

    @Test(arguments: ReportFormat.allCases)
    func countedButNotListedByDefault(_ format: ReportFormat) {
        let output = ReportOutput()
        format.writer(color: false).write(Self.report(reason: "vendor chart", listed: false), to: output)
        #expect(!output.text.contains("vendor chart"), "\(format): listed without --show-exempted")
        switch format {
        case .text: #expect(output.text.contains("exempted:    1 finding (0 by policy exemptions, 1 by annotations; --show-exempted lists them)"))
        case .json: #expect(output.text.contains(#""exempted": 1, "exemptionNotes": 1"#))
        case .sarif: #expect(output.text.contains(#""exempted": 1, "exemptedByPolicy": 0, "exemptedByAnnotation": 1"#))
        case .junit: #expect(output.text.contains(#"exempted="1">"#) && !output.text.contains("<skipped"))
        case .policyreport: #expect(output.text.contains(#""skip": 1"#) && !output.text.contains(#""result": "skip""#))
        case .html: #expect(output.text.contains("; 1 exempted</p>"))
        }
    }

    @Test func exemptedFindingsDoNotFailTheAudit() {
        let report = Self.report(reason: "r", listed: true)
        #expect(AuditExitStatus(report: report, failOn: .severity(.info)) == .passed)
        #expect(report.hidingFindings(below: .critical).exempted.count == 1)
    }
}

extension ExemptionReportTests {
    @Test func junitWithSkippedCasesIsWellFormedXML() throws {
        let output = ReportOutput()
        JUnitReportWriter().write(ReportFixture.exemptedReport, to: output)
        let document = try XMLDocument(xmlString: output.text)
        #expect(try document.nodes(forXPath: "//testcase/skipped").count == 3)
        #expect(try document.nodes(forXPath: "//testsuite[@name='gatehouse.exemptions']/testcase").count == 1)
    }
}

extension ExemptionReportTests {
    @Test func htmlListsExemptedFindingsOnlyWhenAsked() {
        let listed = ReportOutput()
        HTMLReportWriter().write(Self.report(reason: "vendor <chart>", listed: true), to: listed)
        #expect(listed.text.contains("Exempted findings"))
        #expect(listed.text.contains("vendor &lt;chart&gt;"))
        let counted = ReportOutput()
        HTMLReportWriter().write(Self.report(reason: "vendor <chart>", listed: false), to: counted)
        #expect(!counted.text.contains("Exempted findings") && counted.text.contains("; 1 exempted"))
    }
}

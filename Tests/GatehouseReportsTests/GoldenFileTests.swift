import Foundation
import GatehouseReports
import TestSupport
import Testing

/// Each writer's output for ``ReportFixture`` must equal its golden file under `Tests/Fixtures/reports/`.
/// To accept an intended change, run the tests with `GATEHOUSE_UPDATE_GOLDEN=1` and review the diff.
struct GoldenFileTests {
    static let fixtures = Repository.fixture("reports")

    static let cases: [(ReportFormat, Bool, String)] = [
        (.text, false, "report.txt"),
        (.text, true, "report-color.txt"),
        (.json, false, "report.json"),
        (.sarif, false, "report.sarif"),
        (.junit, false, "report.xml"),
        (.policyreport, false, "policyreport.json"),
    ]

    /// The same report with exempted findings listed (`--show-exempted`) and exemption annotations that
    /// were not applied.
    static let exemptionCases: [(ReportFormat, Bool, String)] = [
        (.text, false, "exempted.txt"),
        (.json, false, "exempted.json"),
        (.sarif, false, "exempted.sarif"),
        (.junit, false, "exempted.xml"),
        (.policyreport, false, "exempted-policyreport.json"),
    ]

    @Test(arguments: cases)
    func golden(_ format: ReportFormat, _ color: Bool, _ name: String) throws {
        try compare(format, color, name, report: ReportFixture.report)
    }

    @Test(arguments: exemptionCases)
    func goldenWithExemptions(_ format: ReportFormat, _ color: Bool, _ name: String) throws {
        try compare(format, color, name, report: ReportFixture.exemptedReport)
    }

    func compare(_ format: ReportFormat, _ color: Bool, _ name: String, report: AuditReport) throws {
        let output = ReportOutput()
        // SARIF and text embed rule documentation: use a fixed description so rule text edits do not break the
        // golden.
        let writer: any ReportWriter =
            switch format {
            case .sarif: SARIFReportWriter(describe: ReportFixture.describe)
            case .text: TextReportWriter(color: color, describe: ReportFixture.describe)
            default: format.writer(color: color)
            }
        writer.write(report, to: output)
        let url = Self.fixtures.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["GATEHOUSE_UPDATE_GOLDEN"] == "1" {
            try Data(output.bytes).write(to: url)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(output.text == expected, "\(name) differs from the writer's output; see the test's doc comment")
    }

    @Test(arguments: ReportFormat.allCases)
    func emptyReportIsWellFormed(_ format: ReportFormat) throws {
        let report = AuditReport(profile: .aks, activeRules: [], files: [], objectCount: 0, findings: [], errors: [], notes: [])
        let output = ReportOutput()
        format.writer(color: false).write(report, to: output)
        if format == .text || format == .junit {
            #expect(output.text.contains(format == .text ? "0 findings" : "tests=\"0\""))
        } else if format == .html {
            #expect(output.text.contains("<p class=\"lead\">0 findings in 0 objects from 0 inputs") && output.text.hasSuffix("</html>\n"))
        } else {
            let parsed = try JSONSerialization.jsonObject(with: Data(output.bytes))
            #expect(parsed is [String: Any])
        }
    }
}

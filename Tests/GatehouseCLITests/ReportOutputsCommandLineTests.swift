import Foundation
@testable import GatehouseAudit
import TestSupport
import Testing

/// Several reports from one run (`--output FORMAT=FILE`, `-o FILE`), and the progress line's text.
struct ReportOutputsCommandLineTests {
    @Test func oneRunWritesEveryRequestedFormat() throws {
        let tree = try TempTree()
        let examples = Repository.url("examples").path
        let sarif = tree.path + "/results.sarif", json = tree.path + "/report.json", junit = tree.path + "/report.xml"
        let run = try CLI.run([
            "audit", examples, "--format", "junit", "-o", junit, "--output", "sarif=\(sarif)", "--output", "json=\(json)",
        ])
        #expect(run.status == 1, "the examples have findings: \(run.stderr)")
        #expect(run.stdout.isEmpty, "-o sends the main report to the file")
        #expect(run.stderr.isEmpty, "no progress line when standard error is not a terminal: \(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let log = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sarif))) as? [String: Any])
        let findings = (report["findings"] as? [Any])?.count ?? 0
        let results = ((log["runs"] as? [[String: Any]])?.first?["results"] as? [Any])?.count ?? -1
        #expect(findings > 0 && findings == results, "the same findings in every format")
        #expect(try String(contentsOfFile: junit, encoding: .utf8).hasPrefix("<?xml"))
        // The same run's standard output, for comparison: the file holds what stdout would have.
        let plain = try CLI.run(["audit", examples, "--format", "json"])
        #expect(plain.stdout == (try String(contentsOfFile: json, encoding: .utf8)))
    }

    @Test func aWrongOutputIsRefusedBeforeAnyWork() throws {
        let examples = Repository.url("examples").path
        let format = try CLI.run(["audit", examples, "--output", "pdf=x.pdf"])
        #expect(format.status == 2)
        #expect(format.stderr.contains("\"pdf\" is not a report format"), "\(format.stderr)")
        let shape = try CLI.run(["audit", examples, "--output", "results.sarif"])
        #expect(shape.status == 2)
        #expect(shape.stderr.contains("--output takes FORMAT=FILE"), "\(shape.stderr)")
        let path = try CLI.run(["audit", examples, "--output", "sarif=/nonexistent-dir/x.sarif"])
        #expect(path.status == 2)
        #expect(path.stderr.contains("cannot write the sarif report to /nonexistent-dir/x.sarif: No such file or directory"))
        #expect(path.stdout.isEmpty, "nothing was audited")
    }

    @Test func theProgressLineSaysObjectsMegabytesRateAndTimeLeft() {
        #expect(AuditProgressLine.line(bytes: 512_000_000, objects: 412_031, total: 1_254_000_000, elapsed: 5.2)
            == "gatehouse: 412,031 objects · 512 of 1,254 MB · 98.4 MB/s · about 8 s left")
        #expect(AuditProgressLine.line(bytes: 10_000_000, objects: 3, total: 0, elapsed: 2)
            == "gatehouse: 3 objects · 10 MB · 5.0 MB/s", "standard input: no total, no time left")
        #expect(AuditProgressLine.line(bytes: 1_000_000, objects: 1, total: 1_000_000_000, elapsed: 1).hasSuffix("about 17 min left"))
    }
}

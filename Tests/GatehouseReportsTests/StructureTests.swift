import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GatehouseReports
import GatehouseRules
import KubeModel
import Testing

/// Structure checks on the machine formats beyond the golden files: the JSON parses, required members are
/// present with the right types (no JSON schemas are available offline, so the schemas' required parts are
/// checked here by hand).
struct StructureTests {
    private func json(_ format: ReportFormat) throws -> [String: Any] {
        let output = ReportOutput()
        format.writer(color: false).write(ReportFixture.report, to: output)
        return try #require(JSONSerialization.jsonObject(with: Data(output.bytes)) as? [String: Any])
    }

    @Test func jsonReportSchema() throws {
        let report = try json(.json)
        #expect(report["schemaVersion"] as? Int == 1)
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["findings"] as? Int == 5)
        #expect(summary["errors"] as? Int == 1)
        #expect((summary["bySeverity"] as? [String: Int])?["high"] == 3)
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.map { $0["rule"] as? String } == [
            "example-cluster-wide", "example-cluster-wide", "pod-privileged", "pod-privileged", "pod-privileged",
        ])
        // canonical order: cluster-scoped (no namespace) first, then namespaces, then position within object
        let first = try #require(findings.first)
        #expect((first["object"] as? [String: Any])?["namespace"] is NSNull)
        let location = try #require(first["location"] as? [String: Any])
        #expect(location["line"] as? Int == 40)
        #expect(location["item"] as? Int == 3)
        let shop = findings.filter { (($0["object"] as? [String: Any])?["namespace"] as? String) == "shop" && $0["rule"] as? String == "pod-privileged" }
        #expect(shop.compactMap { ($0["location"] as? [String: Any])?["line"] as? Int } == [18, 30])
    }

    @Test func sarifHasRequiredMembers() throws {
        let sarif = try json(.sarif)
        #expect(sarif["version"] as? String == "2.1.0")
        let runs = try #require(sarif["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "gatehouse")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.count == 5)
        for result in results {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == result["ruleId"] as? String)
            #expect(["error", "warning", "note"].contains(result["level"] as? String ?? ""))
            #expect((result["message"] as? [String: Any])?["text"] is String)
            let locations = try #require(result["locations"] as? [[String: Any]])
            let physical = try #require(locations.first?["physicalLocation"] as? [String: Any])
            #expect((physical["artifactLocation"] as? [String: Any])?["uri"] is String)
        }
        let invocation = try #require((runs[0]["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == false)
    }

    @Test func policyReportShape() throws {
        let list = try json(.policyreport)
        #expect(list["kind"] as? String == "List")
        let items = try #require(list["items"] as? [[String: Any]])
        #expect(items.map { $0["kind"] as? String } == ["PolicyReport", "PolicyReport", "ClusterPolicyReport"])
        for item in items {
            #expect(item["apiVersion"] as? String == "wgpolicyk8s.io/v1alpha2")
            let results = try #require(item["results"] as? [[String: Any]])
            for r in results {
                #expect(["pass", "fail", "warn", "error", "skip"].contains(r["result"] as? String ?? ""))
                if r["result"] as? String != "error" {
                    #expect(["critical", "high", "medium", "low", "info"].contains(r["severity"] as? String ?? ""))
                }
                #expect(r["policy"] is String)
                // v1alpha2 properties are a map of strings
                #expect((r["properties"] as? [String: Any])?.values.allSatisfy { $0 is String } == true)
            }
        }
        let summary = try #require(items[0]["summary"] as? [String: Int])
        #expect(summary["fail"] == 1)
    }

    @Test("input errors are error results of the ClusterPolicyReport, counted in its summary")
    func policyReportInputErrors() throws {
        let list = try json(.policyreport)
        let cluster = try #require((list["items"] as? [[String: Any]])?.last)
        #expect((cluster["summary"] as? [String: Int])?["error"] == 1)
        let errors = (cluster["results"] as? [[String: Any]] ?? []).filter { $0["result"] as? String == "error" }
        #expect(errors.count == 1)
        #expect(errors.first?["policy"] as? String == PolicyReportWriter.inputPolicy)
        #expect(errors.first?["message"] as? String == "mapping values are not allowed in this context")
        #expect(errors.first?["properties"] as? [String: String] == ["file": "broken.yaml", "line": "3", "column": "7"])

        // Errors alone still make a ClusterPolicyReport.
        let report = AuditReport(
            profile: .aks, activeRules: [], files: ["broken.yaml"], objectCount: 0, findings: [],
            errors: [LoadError(file: "broken.yaml", position: .unknown, message: "not YAML")], notes: [])
        let output = ReportOutput()
        PolicyReportWriter().write(report, to: output)
        let parsed = try JSONSerialization.jsonObject(with: Data(output.bytes)) as? [String: Any]
        let items = try #require(parsed?["items"] as? [[String: Any]])
        #expect(items.map { $0["kind"] as? String } == ["ClusterPolicyReport"])
        #expect((items[0]["summary"] as? [String: Int])?["error"] == 1)
    }

    @Test func junitCountsFailuresPerObject() throws {
        let output = ReportOutput()
        JUnitReportWriter(failOn: .severity(.info)).write(ReportFixture.report, to: output)
        let xml = output.text
        // pod-privileged: node-agent and web (two findings in one failure); example rule: binding and web
        #expect(xml.contains("<testsuites name=\"gatehouse\" tests=\"5\" failures=\"4\" errors=\"1\" exempted=\"0\">"))
        #expect(xml.contains("ci &lt;admin&gt; &amp; &quot;friends&quot;"))
        let document = try XMLDocument(xmlString: xml)
        #expect(try document.nodes(forXPath: "//testcase").count == 5)
    }

    @Test("JUnit failures follow --fail-on: below the threshold a case passes and lists its findings")
    func junitFollowsTheThreshold() throws {
        func xml(_ failOn: FailThreshold) -> String {
            let output = ReportOutput()
            JUnitReportWriter(failOn: failOn).write(ReportFixture.report, to: output)
            return output.text
        }
        let never = xml(.never)
        #expect(never.contains("<testsuites name=\"gatehouse\" tests=\"5\" failures=\"0\" errors=\"1\" exempted=\"0\">"))
        #expect(!never.contains("<failure"))
        #expect(never.components(separatedBy: "<system-out>").count - 1 == 4)
        #expect(xml(.severity(.info)).contains("tests=\"5\" failures=\"4\" errors=\"1\" exempted=\"0\">"))
        #expect(xml(.severity(.critical)).contains("tests=\"5\" failures=\"1\" errors=\"1\" exempted=\"0\">"))
        #expect(try XMLDocument(xmlString: never).nodes(forXPath: "//testcase/system-out").count == 4)
    }

    @Test func jsonEscapesControlCharacters() throws {
        var json = JSONEmitter(style: .spaced)
        json.string("a\"b\\c\nd\te\u{01}é")
        #expect(String(decoding: json.bytes, as: UTF8.self) == "\"a\\\"b\\\\c\\nd\\te\\u0001é\"")
    }
}

struct ColorChoiceTests {
    @Test func colourOnlyOnATerminalWithoutOptOut() {
        #expect(ColorChoice.useColor(noColorFlag: false, noColorEnvironment: nil, outputIsTerminal: true))
        #expect(!ColorChoice.useColor(noColorFlag: false, noColorEnvironment: nil, outputIsTerminal: false))
        #expect(!ColorChoice.useColor(noColorFlag: true, noColorEnvironment: nil, outputIsTerminal: true))
        #expect(!ColorChoice.useColor(noColorFlag: false, noColorEnvironment: "1", outputIsTerminal: true))
        // NO_COLOR set but empty does not count, per no-color.org
        #expect(ColorChoice.useColor(noColorFlag: false, noColorEnvironment: "", outputIsTerminal: true))
    }
}

struct CanonicalOrderTests {
    /// The fast sort gives the order ``AuditReport/canonicalOrder`` defines, whatever the input order.
    @Test(arguments: [1, 2, 3, 4, 5])
    func fastSortMatchesTheDefinition(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var findings: [Finding] = []
        for i in 0..<400 {
            let object = ObjectRef(
                apiVersion: "v1", kind: ["Pod", "Deployment"][Int.random(in: 0...1, using: &rng)],
                namespace: [nil, "a", "b"][Int.random(in: 0...2, using: &rng)], name: "o\(Int.random(in: 0..<20, using: &rng))",
                source: SourceRef(file: "f\(Int.random(in: 0..<3, using: &rng)).yaml", document: Int.random(in: 0..<3, using: &rng)))
            findings.append(
                Finding(
                    ruleID: "rule-\(Int.random(in: 0..<4, using: &rng))", severity: .low,
                    message: "m\(i % 3)", path: "p\(Int.random(in: 0..<3, using: &rng))",
                    position: SourcePosition(line: Int.random(in: 1..<5, using: &rng), column: 1), container: nil,
                    image: nil, object: object))
        }
        let report = AuditReport(profile: .aks, activeRules: [], files: [], objectCount: 0, findings: findings, errors: [], notes: [])
        let expected = findings.sorted(by: AuditReport.canonicalOrder)
        #expect(report.findings.map(\.ruleID) == expected.map(\.ruleID))
        #expect(report.findings.map(\.object) == expected.map(\.object))
        #expect(report.findings.map(\.position) == expected.map(\.position))
        #expect(report.findings.map(\.path) == expected.map(\.path))
    }
}

struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

@testable import GatehouseReports
import GatehouseRules
import KubeModel
import Testing

/// The JSON report's findings section is formatted from the compact tables, in chunks and on two threads when
/// allowed; the bytes must be those of formatting every finding field by field, and the order that of
/// ``AuditReport/canonicalOrder(_:_:)``, whatever the strings hold.
struct JSONFindingsTests {
    /// Varied findings: several rules and objects, absent namespaces, names sharing long prefixes, non-ASCII and
    /// escaped text, positions past 32 bits, chains. Few (tests share the process's memory), so the writers
    /// below use small chunks to go through many of them.
    static let findings: [Finding] = {
        // Names mix ASCII and not (`wéb`), but not one text in two normal forms: `String`'s `<` is not a strict
        // weak order over such a mix, so no sort could match `canonicalOrder` there.
        let names = ["web", "web-1", "web-10", "web-2", "wéb", "Zeta", "a\"quoted\\name", "tab\tname", "web-1"]
        // No empty namespace: `canonicalOrder` finds it neither before nor after an absent one, while the list
        // orders such objects by first appearance.
        let namespaces: [String?] = [nil, "shop", "monitoring", "ns-ü"]
        var findings: [Finding] = []
        var seed: UInt64 = 42
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        for i in 0..<2_000 {
            let object = ObjectRef(
                apiVersion: "apps/v1", kind: ["Deployment", "Pod", "CronJob"][next(3)],
                namespace: namespaces[next(namespaces.count)], name: names[next(names.count)] + String(next(50)),
                source: SourceRef(file: ["a.yaml", "b/list.json", "c\u{1}.yaml"][next(3)], document: next(3),
                                  item: next(2) == 0 ? nil : next(4)))
            let line = next(20) == 0 ? 5_000_000_000 : next(300)
            var finding = Finding(
                ruleID: "rule-\(next(12))", severity: Severity.allCases[next(5)], action: Action.allCases[next(4)],
                message: "container \"c\(next(9))\" must not <do> this\n(\(i % 7))", path: "spec.containers[\(next(3))]",
                position: SourcePosition(line: line, column: next(60)), container: next(3) == 0 ? nil : "c\(next(9))",
                image: next(4) == 0 ? nil : "registry.example/é/\(next(5)):1", object: object,
                check: next(2) == 0 ? nil : "privileged")
            if next(10) == 0 { finding.chain = [ChainLink(object: object, detail: "because")] }
            findings.append(finding)
        }
        return findings
    }()

    /// `findings` cut into per-object groups of one to five (each group about its first finding's object).
    static func groups(_ findings: [Finding]) -> [[Finding]] {
        var groups: [[Finding]] = []
        var start = 0
        while start < findings.count {
            let end = min(findings.count, start + 1 + start % 5)
            groups.append(findings[start..<end].map { f in
                var f = f
                f.object = findings[start].object
                return f
            })
            start = end
        }
        return groups
    }

    static func report(_ findings: [Finding]) -> AuditReport {
        var builder = FindingList.Builder()
        for group in groups(findings) { builder.append(objectFindings: group) }
        return AuditReport(
            profile: .aks, activeRules: [], files: [], objectCount: 1, findings: builder.finish(), errors: [], notes: [])
    }

    /// The findings section as written one `Finding` at a time, each field through ``JSONEmitter`` in the
    /// report's layout (the array's items at depth 2).
    static func fieldByField(_ findings: some Collection<Finding>) -> String {
        var json = JSONEmitter(style: .spaced)
        json.beginObject(multiline: true)
        json.key("findings")
        json.beginArray(multiline: true)
        json.drain { _ in }
        for f in findings {
            json.beginObject()
            json.field("rule", f.ruleID)
            json.field("severity", f.severity.rawValue)
            json.field("action", f.action.rawValue)
            json.field("message", f.message)
            json.field("path", f.path)
            json.lineBreak(indent: 5)
            json.key("object")
            json.beginObject()
            json.field("apiVersion", f.object.apiVersion)
            json.field("kind", f.object.kind)
            json.field("namespace", f.object.namespace)
            json.field("name", f.object.name)
            json.endObject()
            json.lineBreak(indent: 5)
            json.key("location")
            json.beginObject()
            json.field("file", f.object.source.file)
            json.field("document", f.object.source.document)
            json.field("item", f.object.source.item)
            json.field("line", f.position.line)
            json.field("column", f.position.column)
            json.endObject()
            json.field("container", f.container)
            json.field("image", f.image)
            if !f.chain.isEmpty {
                json.lineBreak(indent: 5)
                json.key("chain")
                json.beginArray()
                for link in f.chain {
                    json.beginObject()
                    json.field("apiVersion", link.object.apiVersion)
                    json.field("kind", link.object.kind)
                    json.field("namespace", link.object.namespace)
                    json.field("name", link.object.name)
                    json.field("file", link.object.source.file)
                    json.field("detail", link.detail)
                    json.endObject()
                }
                json.endArray()
            }
            json.endObject()
        }
        return String(decoding: json.bytes, as: UTF8.self)
    }

    @Test func sortsAsTheCanonicalOrder() {
        let given = Self.groups(Self.findings).flatMap { $0 }
        let got = Array(Self.report(Self.findings).findings)
        let want = given.sorted(by: AuditReport.canonicalOrder)
        #expect(got == want)
    }

    @Test(arguments: [1, 2, 4])
    func formatsLikeFieldByField(jobs: Int) {
        let report = Self.report(Self.findings)
        let output = ReportOutput()
        JSONReportWriter(jobs: jobs, chunkSize: 64).write(report, to: output)
        let text = output.text
        #expect(text.contains("  \"findings\": [" + Self.fieldByField(report.findings) + "\n  ],\n"))
    }

    @Test func twoThreadsWriteTheSameBytesAsOne() {
        let report = Self.report(Self.findings)
        let one = ReportOutput()
        JSONReportWriter(jobs: 1).write(report, to: one)
        for chunkSize in [1, 7, 64, 4096] {
            let two = ReportOutput()
            JSONReportWriter(jobs: 2, chunkSize: chunkSize).write(report, to: two)
            #expect(one.bytes == two.bytes)
        }
        let viaFormat = ReportOutput()
        ReportFormat.json.writer(color: false, jobs: 2).write(report, to: viaFormat)
        #expect(one.bytes == viaFormat.bytes)
    }

    @Test func emptyAndSingleFindingReports() {
        for findings in [[], [Self.findings[0]]] {
            let report = AuditReport(
                profile: .aks, activeRules: [], files: [], objectCount: 0, findings: findings, errors: [], notes: [])
            let output = ReportOutput()
            JSONReportWriter(jobs: 2, chunkSize: 1).write(report, to: output)
            let section = findings.isEmpty ? "],\n" : Self.fieldByField(findings) + "\n  ],\n"
            #expect(output.text.contains("  \"findings\": [" + section))
        }
    }
}

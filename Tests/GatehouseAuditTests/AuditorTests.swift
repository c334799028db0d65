import Foundation
import GatehouseEngine
import GatehouseReports
import GatehouseRules
@testable import GatehouseAudit
import KubeModel
import TestSupport
import Testing

struct AuditorTests {
    /// An engine running only pod-privileged, so these tests do not change as the catalogue grows.
    static func engine() throws -> Engine {
        var policy = Policy()
        for id in RuleCatalogue.ids where id != "pod-privileged" { policy.rules[id] = RuleSettings(action: .off) }
        policy.rules["pod-privileged"] = RuleSettings(action: .deny)
        return try Engine(policy: policy)
    }

    static func json(_ report: AuditReport) -> String {
        let output = ReportOutput()
        JSONReportWriter().write(report, to: output)
        return output.text
    }

    @Test func outputIsIdenticalForOneAndTwoJobs() throws {
        let tree = try TempTree()
        for i in 0..<24 {
            var text = ""
            for d in 0..<(i % 5 + 1) {
                text += privilegedDeployment("app-\(i)-\(d)", namespace: "ns-\(i % 3)", containers: d % 3 + 1) + "---\n"
            }
            try tree.write("dir-\(i % 4)/file-\(i).yaml", text)
        }
        let engine = try Self.engine()
        let one = Auditor(engine: engine, options: AuditOptions(jobs: 1)).audit(paths: [tree.path])
        let two = Auditor(engine: engine, options: AuditOptions(jobs: 2)).audit(paths: [tree.path])
        let eight = Auditor(engine: engine, options: AuditOptions(jobs: 8)).audit(paths: [tree.path])
        let containers = (0..<24).flatMap { i in (0..<(i % 5 + 1)).map { $0 % 3 + 1 } }.reduce(0, +)
        #expect(one.findings.count == containers)
        #expect(one.objectCount == (0..<24).map { $0 % 5 + 1 }.reduce(0, +))
        #expect(Self.json(one) == Self.json(two))
        #expect(Self.json(one) == Self.json(eight))
    }

    @Test func oneBigFileGivesTheSameReportWhenParsingAndEvaluationRunOnTwoThreads() throws {
        let tree = try TempTree()
        var items: [String] = []
        for i in 0..<1_000 {
            let privileged = i % 7 == 0
            items.append(
                """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p\(i)", "namespace": "ns\(i % 5)"},
                 "spec": {"containers": [{"name": "c", "image": "nginx", "securityContext": {"privileged": \(privileged)}}]}}
                """)
        }
        let file = try tree.write("export.json", "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n" + items.joined(separator: ",\n") + "]}\n")
        let engine = try Self.engine()
        let reports = [1, 2, 4].map { Auditor(engine: engine, options: AuditOptions(jobs: $0)).audit(paths: [file]) }
        #expect(reports[0].objectCount == 1_000)
        #expect(reports[0].findings.count == 143)
        #expect(reports.map(Self.json).allSatisfy { $0 == Self.json(reports[0]) })
    }

    @Test func brokenFileIsReportedWithPositionAndOthersAreStillAudited() throws {
        let tree = try TempTree()
        try tree.write("a-good.yaml", privilegedDeployment("first"))
        try tree.write("b-broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: [unclosed\n")
        try tree.write("c-good.yaml", privilegedDeployment("second"))
        try tree.write("d-binary.yaml", "\u{0}\u{1}\u{2}binary")
        let report = Auditor(engine: try Self.engine(), options: AuditOptions(jobs: 2)).audit(paths: [tree.path])
        #expect(report.findings.map(\.object.name) == ["first", "second"])
        #expect(report.errors.count == 2)
        let broken = try #require(report.errors.first)
        #expect(broken.file.hasSuffix("b-broken.yaml"))
        #expect(broken.position.line == 5)
        #expect(broken.description.contains("b-broken.yaml:5:"))
        #expect(report.errors[1].message.contains("binary"))
        #expect(AuditExitStatus(report: report, failOn: .severity(.high)) == .inputError)
    }

    @Test func documentsBeforeASyntaxErrorAreStillAudited() throws {
        let tree = try TempTree()
        let file = try tree.write("stream.yaml", privilegedDeployment("before") + "---\nkey: [broken\n")
        let report = Auditor(engine: try Self.engine(), options: AuditOptions(jobs: 1)).audit(paths: [file])
        #expect(report.findings.map(\.object.name) == ["before"])
        #expect(report.errors.count == 1)
    }

    @Test func readsStandardInput() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let text = privilegedDeployment("from-stdin", containers: 2)
        _ = text.withCString { write(fds[1], $0, strlen($0)) }
        close(fds[1])
        defer { close(fds[0]) }
        let auditor = Auditor(engine: try Self.engine(), options: AuditOptions(jobs: 2, standardInputDescriptor: fds[0]))
        let report = auditor.audit(paths: ["-"])
        #expect(report.files == ["-"])
        #expect(report.findings.count == 2)
        #expect(report.findings.allSatisfy { $0.object.source.file == "-" })
        #expect(report.findings.first?.position.line == 10)
    }

    @Test func jsonListsAndNotesAreHandled() throws {
        let tree = try TempTree()
        let file = try tree.write(
            "export.json",
            """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "x"},
               "spec": {"containers": [{"name": "c", "image": "i", "securityContext": {"privileged": true}}]}},
              {"just": "data"}
            ]}
            """)
        let report = Auditor(engine: try Self.engine(), options: AuditOptions(jobs: 1)).audit(paths: [file])
        #expect(report.objectCount == 1)
        #expect(report.findings.map(\.object.source.item) == [0])
        #expect(report.findings.first?.position == SourcePosition(line: 3, column: 90))
        #expect(report.notes.count == 1)
    }

    @Test func exitStatusFollowsTheThreshold() throws {
        let tree = try TempTree()
        let file = try tree.write("app.yaml", privilegedDeployment("web"))  // one high finding
        let report = Auditor(engine: try Self.engine(), options: AuditOptions(jobs: 1)).audit(paths: [file])
        #expect(AuditExitStatus(report: report, failOn: .severity(.high)) == .findings)
        #expect(AuditExitStatus(report: report, failOn: .severity(.medium)) == .findings)
        #expect(AuditExitStatus(report: report, failOn: .severity(.critical)) == .passed)
        #expect(AuditExitStatus(report: report, failOn: .never) == .passed)
        let clean = try tree.write("clean.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
        let cleanReport = Auditor(engine: try Self.engine()).audit(paths: [clean])
        #expect(AuditExitStatus(report: cleanReport, failOn: .severity(.info)) == .passed)
        let missing = Auditor(engine: try Self.engine()).audit(paths: [clean, tree.path + "/absent.yaml"])
        #expect(AuditExitStatus(report: missing, failOn: .never) == .inputError)
    }

    @Test func auditRequestWritesTheReportAndReturnsTheStatus() throws {
        let tree = try TempTree()
        try tree.write("app.yaml", privilegedDeployment("web"))
        var policy = Policy()
        for id in RuleCatalogue.ids where id != "pod-privileged" { policy.rules[id] = RuleSettings(action: .off) }
        let output = ReportOutput()
        let status = try AuditRequest(paths: [tree.path], format: .text, policy: policy, jobs: 2).run(to: output)
        #expect(status == .findings)
        #expect(output.text.contains("app.yaml\n    10:"), "the object's file, then the finding's line")
        #expect(output.text.contains("Summary: 1 finding"))
    }

    /// `minimumSeverity` leaves the high finding out of the report, and the status still fails on it.
    @Test func auditRequestHidesFindingsBelowTheMinimumButFailsOnThem() throws {
        let tree = try TempTree()
        try tree.write("app.yaml", privilegedDeployment("web"))
        var policy = Policy()
        for id in RuleCatalogue.ids where id != "pod-privileged" { policy.rules[id] = RuleSettings(action: .off) }
        var request = AuditRequest(paths: [tree.path], format: .text, policy: policy, jobs: 2)
        request.minimumSeverity = .critical
        let output = ReportOutput()
        #expect(try request.run(to: output) == .findings)
        #expect(!output.text.contains("pod-privileged"))
        #expect(output.text.contains("Summary: 0 findings at critical or above\n  hidden:      1 finding below critical"))
    }

    @Test func namespacesAreCollectedBeforeEvaluation() throws {
        let tree = try TempTree()
        // the pod's file sorts before the namespace's file: only a first pass can know the label
        try tree.write("a-pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: secure}\nspec: {containers: []}\n")
        try tree.write(
            "b-ns.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: secure\n  labels: {pod-security.kubernetes.io/enforce: restricted}\n")
        let seen = Recorder()
        let auditor = Auditor(
            profile: .pssRestricted, activeRules: [], options: AuditOptions(jobs: 2, collectNamespacesFirst: true)
        ) { object, context in
            if object.kind == "Pod" {
                seen.record(context.namespaces.labels(of: object.namespace ?? "")?["pod-security.kubernetes.io/enforce"])
            }
            return []
        }
        _ = auditor.audit(paths: [tree.path])
        #expect(seen.values == ["restricted"])
    }

    @Test func podSecurityProfilesJudgePodsAtTheirNamespacesEnforcedLevel() throws {
        let tree = try TempTree()
        func pod(_ namespace: String) -> String {
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: \(namespace)}
            spec:
              containers:
              - {name: c, image: nginx, securityContext: {privileged: true}}
            ---

            """
        }
        // pods come first in walk order: the namespaces must be known before evaluation anyway
        try tree.write("a-pods.yaml", pod("open") + pod("strict") + pod("unlisted"))
        try tree.write(
            "b-namespaces.yaml",
            """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: open
              labels: {pod-security.kubernetes.io/enforce: privileged}
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: strict
              labels: {pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/enforce-version: v1.30}
            """)
        var policy = Policy()
        policy.profile = .pssRestricted
        let engine = try Engine(policy: policy)
        for jobs in [1, 2] {
            let report = Auditor(engine: engine, options: AuditOptions(jobs: jobs)).audit(paths: [tree.path])
            let privileged = report.findings.filter { $0.ruleID == "pod-privileged" }
            #expect(privileged.compactMap(\.object.namespace).sorted() == ["strict", "unlisted"])
            // "unlisted" has no Namespace among the inputs: judged at the profile's level (restricted), so
            // restricted-only rules fire there and not in "strict" (baseline)
            let namespaces = Set(report.findings.compactMap(\.object.namespace))
            #expect(!namespaces.contains("open"))
            #expect(report.findings.filter { $0.object.namespace == "unlisted" }.count
                > report.findings.filter { $0.object.namespace == "strict" }.count)
        }
    }

    @Test func clusterIndexAnalysisReportsCrossObjectFindings() throws {
        let tree = try TempTree()
        try tree.write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n")
        try tree.write("app.yaml", privilegedDeployment("web"))
        var policy = Policy()
        for id in RuleCatalogue.ids where id != "netpol-namespace-missing" { policy.rules[id] = RuleSettings(action: .off) }
        policy.rules["netpol-namespace-missing"] = RuleSettings(action: .warn)
        let analysis = try ClusterIndexAnalysis(policy: policy)
        #expect(analysis.isActive)
        let report = Auditor(engine: try Engine(policy: policy), options: AuditOptions(jobs: 2), crossObject: analysis)
            .audit(paths: [tree.path])
        #expect(report.activeRules == ["netpol-namespace-missing"])
        #expect(report.findings.map(\.ruleID) == ["netpol-namespace-missing"])
        #expect(report.findings.first?.object.name == "apps")
    }

    @Test func crossObjectAnalysisSeesEveryObjectAndAddsFindings() throws {
        let tree = try TempTree()
        try tree.write("a.yaml", privilegedDeployment("one") + "---\n" + privilegedDeployment("two"))
        try tree.write("b.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n")
        let analysis = CountingAnalysis()
        let auditor = Auditor(engine: try Self.engine(), options: AuditOptions(jobs: 2), crossObject: analysis)
        let report = auditor.audit(paths: [tree.path])
        #expect(analysis.count == 3)
        #expect(report.findings.map(\.ruleID).filter { $0 == "example-cross" }.count == 1)
    }
}

final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [String?] = []
    func record(_ value: String?) { lock.withLock { values.append(value) } }
}

final class CountingAnalysis: CrossObjectAnalysis, @unchecked Sendable {
    let ruleIDs = ["example-cross"]
    private let lock = NSLock()
    private var seen = 0
    var count: Int { lock.withLock { seen } }

    func observe(_ object: KubeObject) { lock.withLock { seen += 1 } }

    func findings() -> [Finding] {
        [
            Finding(
                ruleID: "example-cross", severity: .medium, message: "\(count) objects seen", path: "",
                position: .unknown, container: nil, image: nil,
                object: ObjectRef(apiVersion: "v1", kind: "Namespace", namespace: nil, name: "apps", source: SourceRef(file: "b.yaml")))
        ]
    }
}

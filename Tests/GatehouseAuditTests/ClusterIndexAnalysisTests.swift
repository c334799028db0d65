import Foundation
import GatehouseAudit
import GatehouseEngine
import GatehouseRules
import KubeModel
import TestSupport
import Testing

/// The cross-object analysis inside the auditor: per-thread indexes and rules run on several threads must
/// give exactly the findings of one index built on one thread.
struct ClusterIndexAnalysisTests {
    static let exportPath = Repository.fixture("cluster-export/export.yaml").path

    /// The export's documents spread over several files (round-robin), so that with two jobs both threads
    /// observe objects, plus a last file repeating the second one, so that an object's two definitions may
    /// land in either thread's index (the earliest must win).
    static func splitExport(into files: Int) throws -> TempTree {
        let text = try String(contentsOfFile: exportPath, encoding: .utf8)
        let documents = text.components(separatedBy: "\n---\n")
        var parts = [String](repeating: "", count: files)
        for (i, document) in documents.enumerated() { parts[i % files] += document + "\n---\n" }
        let tree = try TempTree()
        for (i, part) in (parts + [parts[1]]).enumerated() { try tree.write("part-\(i).yaml", part) }
        return tree
    }

    static func described(_ findings: [Finding]) -> [String] {
        findings.map { f in
            "\(f.ruleID) | \(f.object.displayName) | \(f.object.source.file) | \(f.path) | \(f.message) | \(f.action) | "
                + f.chain.map { "\($0.object.displayName): \($0.detail)" }.joined(separator: "; ")
        }
    }

    @Test func findingsDoNotDependOnJobs() throws {
        let tree = try Self.splitExport(into: 5)
        var index = ClusterIndex()
        for file in (0...5).map({ "\(tree.path)/part-\($0).yaml" }) {
            _ = Manifests.load(contentsOf: file) { index.add($0) }
        }
        let expected = Self.described(try CrossObjectEngine(policy: Policy()).findings(index))
        #expect(expected.count >= 19)
        for jobs in [1, 2, 3] {
            let analysis = try ClusterIndexAnalysis(policy: Policy(), jobs: jobs)
            let report = Auditor(engine: try Engine(policy: Policy()), options: AuditOptions(jobs: jobs), crossObject: analysis)
                .audit(paths: [tree.path])
            let cross = Set(CrossObjectRegistry.ids)
            let got = Self.described(report.findings.filter { cross.contains($0.ruleID) })
            #expect(got == expected, "jobs \(jobs)")
        }
    }

    /// Findings come out sorted by rule, object, path and message, whatever order the rules reported them in.
    @Test func findingsAreSortedByRuleObjectAndPath() throws {
        let tree = try Self.splitExport(into: 3)
        var index = ClusterIndex()
        for file in (0...3).map({ "\(tree.path)/part-\($0).yaml" }) {
            _ = Manifests.load(contentsOf: file) { index.add($0) }
        }
        let findings = try CrossObjectEngine(policy: Policy()).findings(index)
        let resorted = findings.sorted { ($0.ruleID, $0.object, $0.path, $0.message) < ($1.ruleID, $1.object, $1.path, $1.message) }
        #expect(Self.described(findings) == Self.described(resorted))
    }
}

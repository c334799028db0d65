import ArgumentParser
import Foundation
import GatehouseAudit
import GatehouseEngine
import GatehouseRules
import KubeModel

/// `gatehouse-bench cluster INPUTS...`: times an audit's phases on a corpus, to compare the audit with and
/// without cross-object rules. Prints figures; asserts nothing.
struct ClusterBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Time per-object evaluation against cluster index build and cross-object analysis."
    )

    @Argument(help: "Manifest files or directories (walked as the audit walks them).")
    var inputs: [String]

    @Option(help: "Repeat the measurement and keep the fastest run.")
    var runs: Int = 3

    func run() throws {
        let clock = ContinuousClock()
        var objects: [KubeObject] = []
        let loadTime = clock.measure {
            for case .file(let file) in InputWalker().expand(inputs).inputs {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                objects += data.withUnsafeBytes { Manifests.loadYAML($0, file: file) }.objects
            }
        }
        let engine = try Engine(policy: Policy())
        let cross = try CrossObjectEngine(policy: Policy())
        var best = (perObject: Duration.seconds(1000), index: Duration.seconds(1000), analysis: Duration.seconds(1000))
        var counts = (perObject: 0, cross: 0)
        for _ in 0..<max(1, runs) {
            var perObjectFindings = 0
            let perObject = clock.measure {
                for object in objects { perObjectFindings += engine.evaluate(object).count }
            }
            var index = ClusterIndex()
            let indexTime = clock.measure {
                for object in objects { index.add(object) }
            }
            var crossFindings = 0
            let analysis = clock.measure { crossFindings = cross.findings(index).count }
            best = (min(best.perObject, perObject), min(best.index, indexTime), min(best.analysis, analysis))
            counts = (perObjectFindings, crossFindings)
        }
        func ms(_ d: Duration) -> String { String(format: "%.1f ms", Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000) }
        let kinds = Dictionary(grouping: objects, by: \.kind).mapValues(\.count)
        let rbac = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"].reduce(0) { $0 + (kinds[$1] ?? 0) }
        print("objects: \(objects.count) (RBAC \(rbac), NetworkPolicy \(kinds["NetworkPolicy"] ?? 0)), load \(ms(loadTime))")
        print("per-object rules (\(engine.activeRuleIDs.count)): \(ms(best.perObject)), \(counts.perObject) findings")
        print("cluster index build: \(ms(best.index))")
        print("cross-object rules (\(cross.activeRuleIDs.count)): \(ms(best.analysis)), \(counts.cross) findings")
        var index = ClusterIndex()
        for object in objects { index.add(object) }
        var analysis: ClusterAnalysis?
        print("  cluster analysis setup (RBAC graph, grouping): \(ms(clock.measure { analysis = ClusterAnalysis(index) }))")
        for type in CrossObjectRegistry.rules {
            let rule = try type.init(parameters: RuleParameters.none)
            var report = CrossObjectReport(ruleID: type.description.id, severity: type.description.severity)
            let time = clock.measure { rule.check(analysis!, &report) }
            print("  \(type.description.id): \(ms(time)), \(report.findings.count) findings")
        }
        let without = loadTime + best.perObject
        let with = without + best.index + best.analysis
        print("audit without cross-object: \(ms(without)); with: \(ms(with)); ratio \(String(format: "%.2f", seconds(with) / seconds(without)))x")
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}

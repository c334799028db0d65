import GatehouseEngine
import GatehouseRules
import KubeModel
import Testing

/// Every cross-object rule's examples, run as tests: each example is a small cluster (a multi-document
/// stream); passing examples produce no finding of the rule, failing ones exactly the listed
/// `Kind namespace/name: path` entries, in report order, each with a position.
struct CrossObjectExamplesTests {
    static let cases: [CrossExampleCase] = CrossObjectRegistry.rules.flatMap { rule in
        let d = rule.description
        return d.passing.enumerated().map { CrossExampleCase(rule: rule, example: $1, shouldFail: false, number: $0) }
            + d.failing.enumerated().map { CrossExampleCase(rule: rule, example: $1, shouldFail: true, number: $0) }
    }

    @Test(arguments: cases)
    func example(_ c: CrossExampleCase) throws {
        let location = SourceLocation(fileID: c.example.file, filePath: c.example.file, line: c.example.line, column: 1)
        let loaded = Manifests.loadYAML(c.example.yaml, file: "example.yaml")
        #expect(loaded.errors.isEmpty, "example does not parse: \(loaded.errors)", sourceLocation: location)
        let vulnerabilities = c.example.vulnerabilityIndex()
        #expect(vulnerabilities?.errors.isEmpty ?? true, "the example's report: \(vulnerabilities?.errors ?? [])", sourceLocation: location)
        var index = ClusterIndex()
        index.recordsContainers = vulnerabilities != nil
        for object in loaded.objects { index.add(object) }
        let parameters = c.example.parameters.flatMap { ParsedYAML.firstDocument($0) }
        let rule = try c.rule.init(parameters: RuleParameters(parameters))
        var report = CrossObjectReport(ruleID: c.rule.description.id, severity: c.rule.description.severity)
        rule.check(ClusterAnalysis(index, vulnerabilities: vulnerabilities?.index), &report)
        let findings = report.findings.sorted { ($0.object, $0.path) < ($1.object, $1.path) }
        if c.shouldFail {
            #expect(findings.map { "\($0.object.displayName): \($0.path)" } == c.example.paths, sourceLocation: location)
            if let severities = c.example.severities {
                #expect(findings.map(\.severity) == severities, sourceLocation: location)
            }
            for f in findings {
                #expect(f.position != .unknown, "finding without a position", sourceLocation: location)
                #expect(!f.message.isEmpty)
            }
        } else {
            #expect(findings.isEmpty, "passing example failed: \(findings.map(\.message))", sourceLocation: location)
        }
    }

    @Test func registryIsSortedCompleteAndDistinctFromPerObjectRules() {
        let ids = CrossObjectRegistry.ids
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids).isDisjoint(with: Registry.ids), "a cross-object id collides with a per-object rule")
        for rule in CrossObjectRegistry.rules {
            let d = rule.description
            #expect(d.id.wholeMatch(of: /[a-z][a-z0-9]*(-[a-z0-9]+)*/) != nil)
            #expect(!d.passing.isEmpty && !d.failing.isEmpty && !d.references.isEmpty, "\(d.id)")
        }
    }
}

struct CrossExampleCase: CustomTestStringConvertible, Sendable {
    let rule: any CrossObjectRule.Type
    let example: Example
    let shouldFail: Bool
    let number: Int
    var testDescription: String { "\(rule.description.id) \(shouldFail ? "failing" : "passing") #\(number + 1)" }
}

import GatehouseRules
import KubeModel
import Testing

/// Every rule's examples, run as tests: passing examples produce no finding, failing ones report exactly the
/// listed field paths.
struct RuleExamplesTests {
    static let cases: [ExampleCase] = Registry.rules.flatMap { rule in
        let d = rule.description
        return d.passing.enumerated().map { ExampleCase(rule: rule, example: $1, shouldFail: false, number: $0) }
            + d.failing.enumerated().map { ExampleCase(rule: rule, example: $1, shouldFail: true, number: $0) }
    }

    @Test(arguments: cases)
    func example(_ c: ExampleCase) throws {
        let location = SourceLocation(fileID: c.example.file, filePath: c.example.file, line: c.example.line, column: 1)
        let loaded = Manifests.loadYAML(c.example.yaml, file: "example.yaml")
        #expect(loaded.errors.isEmpty, "example does not parse: \(loaded.errors)", sourceLocation: location)
        #expect(loaded.objects.count == 1, "an example is one object", sourceLocation: location)
        guard let object = loaded.objects.first else { return }
        let rule = try c.rule.init(parameters: RuleParameters(parameterRoot(c.example.parameters)))
        let findings = rule.evaluate(object, request: c.example.request)
        if c.shouldFail {
            #expect(!findings.isEmpty, "failing example passed", sourceLocation: location)
            #expect(findings.map(\.path) == c.example.paths, sourceLocation: location)
            if let severities = c.example.severities {
                #expect(findings.map(\.severity) == severities, sourceLocation: location)
            }
            for f in findings {
                #expect(f.ruleID == c.rule.description.id)
                #expect(f.position != .unknown, "finding without a position", sourceLocation: location)
            }
        } else {
            #expect(findings.isEmpty, "passing example failed: \(findings.map(\.message))", sourceLocation: location)
        }
    }

    /// Parameters are a plain mapping, not a Kubernetes object, so read the tree directly.
    private func parameterRoot(_ yaml: String?) -> Value? {
        guard let yaml else { return nil }
        return ParsedYAML.firstDocument(yaml)
    }
}

struct ExampleCase: CustomTestStringConvertible, Sendable {
    let rule: any Rule.Type
    let example: Example
    let shouldFail: Bool
    let number: Int
    var testDescription: String { "\(rule.description.id) \(shouldFail ? "failing" : "passing") #\(number + 1)" }
}

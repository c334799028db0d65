import GatehouseRules
import KubeModel
import Testing

/// Every rule's examples, run as tests: passing examples produce no finding, failing ones report exactly the
/// listed field paths.
struct RuleExamplesTests {
    static let cases: [ExampleCase] = Registry.rules.flatMap { rule in
        let d = rule.description
        let passing = d.passing + (d.docker?.passing ?? [])
        let failing = d.failing + (d.docker?.failing ?? [])
        return passing.enumerated().map { ExampleCase(rule: rule, example: $1, shouldFail: false, number: $0) }
            + failing.enumerated().map { ExampleCase(rule: rule, example: $1, shouldFail: true, number: $0) }
    }

    @Test(arguments: cases)
    func example(_ c: ExampleCase) throws {
        let location = SourceLocation(fileID: c.example.file, filePath: c.example.file, line: c.example.line, column: 1)
        guard let object = Self.object(of: c.example, at: location) else { return }
        let rule = try c.rule.init(parameters: RuleParameters(parameterRoot(c.example.parameters)))
        let findings = Self.evaluate(rule, object, example: c.example, at: location)
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

    /// The example's object: a Kubernetes manifest, a scanned image (the example is its report), or a Docker
    /// subject wrapped as the Docker readers wrap one.
    static func object(of example: Example, at location: SourceLocation) -> KubeObject? {
        if example.subject == .scannedImage {
            guard let image = index(example.yaml, at: location)?.images.first else { return nil }
            return KubeObject(scannedImage: image)
        }
        if example.subject != .kubernetes {
            let root = ParsedYAML.firstDocument(example.yaml)
            #expect(root?.isMapping == true, "a Docker example is one mapping", sourceLocation: location)
            guard let root else { return nil }
            let name = root["Name"]?.string.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 } ?? "example"
            return KubeObject(
                docker: example.subject, root: root, host: "example-host", name: name,
                source: SourceRef(file: "example.yaml"))
        }
        let loaded = Manifests.loadYAML(example.yaml, file: "example.yaml")
        #expect(loaded.errors.isEmpty, "example does not parse: \(loaded.errors)", sourceLocation: location)
        #expect(loaded.objects.count == 1, "an example is one object", sourceLocation: location)
        return loaded.objects.first
    }

    /// The rule's findings for the example's object; a Docker example with a host is judged on that host.
    static func evaluate(_ rule: any Rule, _ object: KubeObject, example: Example, at location: SourceLocation) -> [Finding] {
        if let report = example.subject == .scannedImage ? example.yaml : example.vulnerabilities {
            guard let index = index(report, at: location) else { return [] }
            return rule.evaluate(
                object, vulnerabilities: index, scannedImage: example.subject == .scannedImage ? index.images.first : nil)
        }
        guard let hostYAML = example.host else { return rule.evaluate(object, request: example.request) }
        let root = ParsedYAML.firstDocument(hostYAML)
        #expect(root?.isMapping == true, "an example's host is one mapping", sourceLocation: location)
        guard let root, rule.description.scope.applies(to: object, template: nil) else { return [] }
        let host = KubeObject(
            docker: .dockerHost, root: root, host: "example-host", name: "example-host",
            source: SourceRef(file: "host.yaml"))
        var context = CheckContext(
            object: object, template: nil, ruleID: rule.description.id, severity: rule.description.severity)
        context.dockerHost = DockerHostView(host)
        rule.check(object, &context)
        return context.findings
    }

    /// The index of an example's scanner report, which must read without error.
    static func index(_ report: String, at location: SourceLocation) -> VulnerabilityIndex? {
        let example = Example(report, vulnerabilities: report)
        guard let (index, errors) = example.vulnerabilityIndex() else { return nil }
        #expect(errors.isEmpty, "the example's report: \(errors)", sourceLocation: location)
        #expect(!index.images.isEmpty, "the example's report has no image", sourceLocation: location)
        return index
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

import Foundation
import GatehouseEngine
import GatehouseRules
import KubeModel
import TestSupport
import Testing

/// The exact words each rule says about its failing examples, pinned as Pod Security Admission's tests pin
/// theirs: `Tests/Fixtures/rule-messages/<rule-id>.txt` holds one line per finding, `failing #N: PATH: MESSAGE`.
/// A changed message fails here, so a change of wording is a reviewed change of the fixture. After an
/// intended change, `GATEHOUSE_UPDATE_RULE_MESSAGES=1 swift test --filter RuleMessageTests` rewrites the
/// fixtures; read their diff before committing it.
struct RuleMessageTests {
    @Test(arguments: Registry.rules.map(PerObjectRule.init))
    func perObjectMessages(_ rule: PerObjectRule) throws {
        try Self.compare(rule.messages(), with: rule.id)
    }

    @Test(arguments: CrossObjectRegistry.rules.map(CrossRule.init))
    func crossObjectMessages(_ rule: CrossRule) throws {
        try Self.compare(rule.messages(), with: rule.id)
    }

    static func compare(_ lines: [String], with id: String) throws {
        let url = Repository.fixture("rule-messages/\(id).txt")
        let actual = lines.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["GATEHOUSE_UPDATE_RULE_MESSAGES"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(id)'s messages differ from Tests/Fixtures/rule-messages/\(id).txt")
    }
}

/// A per-object rule and the findings of its failing examples.
struct PerObjectRule: CustomTestStringConvertible, Sendable {
    let type: any Rule.Type
    var id: String { type.description.id }
    var testDescription: String { id }

    func messages() throws -> [String] {
        var lines: [String] = []
        for (number, example) in type.description.failing.enumerated() {
            let rule = try type.init(parameters: RuleParameters(example.parameters.flatMap { ParsedYAML.firstDocument($0) }))
            let findings: [Finding]
            if let index = example.vulnerabilityIndex()?.index {
                let image = example.subject == .scannedImage ? index.images.first : nil
                guard let object = image.map(KubeObject.init(scannedImage:)) ?? Self.object(of: example) else { continue }
                findings = rule.evaluate(object, vulnerabilities: index, scannedImage: image)
            } else {
                guard let object = Self.object(of: example) else { continue }
                findings = rule.evaluate(object, request: example.request)
            }
            for finding in findings {
                lines.append("failing #\(number + 1): \(finding.path): \(finding.message)")
            }
        }
        return lines
    }

    /// The example's object: a manifest, or a Docker subject (the inspect document) wrapped as the Docker
    /// readers wrap one.
    static func object(of example: Example) -> KubeObject? {
        guard example.subject != .kubernetes else {
            return Manifests.loadYAML(example.yaml, file: "example.yaml").objects.first
        }
        guard let root = ParsedYAML.firstDocument(example.yaml) else { return nil }
        return KubeObject(
            docker: example.subject, root: root, host: "example-host", name: root["Name"]?.string ?? "example",
            source: SourceRef(file: "example.yaml"))
    }
}

/// A cross-object rule and the findings of its failing examples, each a small cluster.
struct CrossRule: CustomTestStringConvertible, Sendable {
    let type: any CrossObjectRule.Type
    var id: String { type.description.id }
    var testDescription: String { id }

    func messages() throws -> [String] {
        var lines: [String] = []
        for (number, example) in type.description.failing.enumerated() {
            let vulnerabilities = example.vulnerabilityIndex()?.index
            var index = ClusterIndex()
            index.recordsContainers = vulnerabilities != nil
            for object in Manifests.loadYAML(example.yaml, file: "example.yaml").objects { index.add(object) }
            let rule = try type.init(parameters: RuleParameters(example.parameters.flatMap { ParsedYAML.firstDocument($0) }))
            var report = CrossObjectReport(ruleID: id, severity: type.description.severity)
            rule.check(ClusterAnalysis(index, vulnerabilities: vulnerabilities), &report)
            let findings = report.findings.sorted { ($0.object, $0.path) < ($1.object, $1.path) }
            for finding in findings {
                lines.append("failing #\(number + 1): \(finding.object.displayName): \(finding.path): \(finding.message)")
            }
        }
        return lines
    }
}

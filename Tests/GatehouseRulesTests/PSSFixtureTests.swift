import Foundation
import GatehouseRules
import KubeModel
import TestSupport
import Testing

/// Pod Security Standards verdicts on fixture pods, for every level and every policy version.
///
/// `Tests/Fixtures/pss/cases/*.yaml` are Gatehouse's own fixtures: each carries `# expect <level> <version>: <checks>`
/// lines giving the failing PSA checks (in PSA's order) from that version on. Every case is evaluated at
/// baseline and restricted for v1.0 through the newest version, so each version boundary is exercised.
/// `Tests/Fixtures/pss/upstream/<level>/<version>/<pass|fail>/<check><n>.yaml` are converted from PSA's
/// generated fixtures (the source path is in each file's first comment).
struct PSSFixtureTests {
    static let root = Repository.fixture("pss")

    static func files(under directory: String) -> [String] {
        let base = root.appendingPathComponent(directory)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") }.sorted()
            .map { "\(directory)/\($0)" }
    }

    static let cases = files(under: "cases")
    static let upstream = files(under: "upstream")

    struct Expectation {
        let level: PSSLevel
        let from: PSSVersion
        let checks: [String]
    }

    static func load(_ relative: String) throws -> (object: KubeObject, text: String) {
        let text = try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
        let loaded = Manifests.loadYAML(text, file: relative)
        let object = try #require(loaded.objects.first, "\(relative) holds no object: \(loaded.errors)")
        return (object, text)
    }

    static func expectations(_ text: String) -> [Expectation] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("# expect ") else { return nil }
            let parts = line.dropFirst("# expect ".count).split(separator: ":", maxSplits: 1)
            let head = parts[0].split(separator: " ")
            guard head.count == 2, let level = PSSLevel.parse(String(head[0])), let version = PSSVersion.parse(String(head[1]))
            else { return nil }
            let checks = parts.count > 1 ? parts[1].split(separator: " ").map(String.init).filter { $0 != "-" } : []
            return Expectation(level: level, from: version, checks: checks)
        }
    }

    static func failing(_ object: KubeObject, _ context: PSSContext) throws -> [String] {
        let pod = try #require(PodTemplate(of: object))
        return PodSecurityStandards.evaluate(pod, context: context).map(\.check.rawValue)
    }

    @Test func fixturesArePresent() {
        #expect(Self.cases.count >= 40)
        #expect(Self.upstream.count >= 20)
    }

    @Test(arguments: cases)
    func ownFixture(_ relative: String) throws {
        let (object, text) = try Self.load(relative)
        let expected = Self.expectations(text)
        for level in [PSSLevel.baseline, .restricted] {
            let steps = expected.filter { $0.level == level }.sorted { $0.from < $1.from }
            #expect(steps.first?.from == .v1(0), "\(relative): no expectation for \(level) from v1.0")
            for version in PSSVersion.all {
                guard let step = steps.last(where: { $0.from <= version }) else { continue }
                let context = PSSContext(level: level, version: version)
                #expect(try Self.failing(object, context) == step.checks, "\(relative) at \(context)")
            }
        }
        // A request newer than the newest known version, and `latest`, judge like the newest version.
        for level in [PSSLevel.baseline, .restricted] {
            let newest = try Self.failing(object, PSSContext(level: level, version: .newest))
            #expect(try Self.failing(object, PSSContext(level: level, version: .v1(99))) == newest)
            #expect(try Self.failing(object, .latest(level)) == newest)
            #expect(try Self.failing(object, PSSContext(level: .privileged, version: .newest)).isEmpty)
        }
    }

    @Test(arguments: upstream)
    func upstreamFixture(_ relative: String) throws {
        let (object, _) = try Self.load(relative)
        let parts = relative.split(separator: "/")  // upstream/<level>/<version>/<pass|fail>/<name>.yaml
        let level = try #require(PSSLevel.parse(String(parts[1])))
        let version = try #require(PSSVersion.parse(String(parts[2])))
        let failing = try Self.failing(object, PSSContext(level: level, version: version))
        if parts[3] == "pass" {
            #expect(failing.isEmpty, "\(relative) should pass, fails \(failing)")
        } else {
            // The file name is the check id, lower-cased, plus a number.
            let stem = String(parts[4].dropLast(".yaml".count)).trimmingCharacters(in: .decimalDigits)
            let check = try #require(PSSCheckID.allCases.first { $0.rawValue.lowercased() == stem }, "unknown check \(stem)")
            #expect(failing.contains(check.rawValue), "\(relative) should fail \(check.rawValue), fails \(failing)")
        }
    }
}

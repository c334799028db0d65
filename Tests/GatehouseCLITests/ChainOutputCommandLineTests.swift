import Foundation
import TestSupport
import Testing

/// Cross-object findings carry the chain of objects that proves them, in every report format: a `via` line in
/// text, `chain` in JSON, `relatedLocations` in SARIF (the quick start's examples have such findings).
struct ChainOutputCommandLineTests {
    @Test func textShowsTheChain() throws {
        let run = try CLI.run(["audit", "examples/", "--no-color"])
        #expect(run.stdout.contains("      via Role shop/shop-operator (every verb on every resource"))
    }

    @Test func jsonCarriesTheChain() throws {
        let run = try CLI.run(["audit", "examples/", "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let chained = findings.filter { $0["chain"] != nil }
        #expect(!chained.isEmpty)
        let binding = try #require(chained.first { ($0["rule"] as? String) == "rbac-wildcard" || ($0["message"] as? String)?.contains("shop-operator") == true })
        let link = try #require((binding["chain"] as? [[String: Any]])?.first)
        #expect(link["kind"] as? String == "Role" && link["name"] as? String == "shop-operator")
        #expect(link["file"] as? String == "examples/rbac.yaml")
        #expect(findings.filter { $0["chain"] == nil }.count > 0, "findings without a chain have no such member")
    }

    @Test func sarifCarriesRelatedLocations() throws {
        let run = try CLI.run(["audit", "examples/", "--format", "sarif"])
        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let results = try #require((sarif["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        let related = results.compactMap { $0["relatedLocations"] as? [[String: Any]] }
        #expect(!related.isEmpty)
        #expect(related.allSatisfy { $0.enumerated().allSatisfy { i, location in location["id"] as? Int == i + 1 } })
    }
}

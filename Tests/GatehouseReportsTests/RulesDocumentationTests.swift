import Foundation
import GatehouseEngine
import GatehouseReports
import GatehouseRules
import TestSupport
import Testing

struct RulesDocumentationTests {
    /// `docs/rules.md` is generated from the registry; regenerate it with
    /// `swift run gatehouse rules docs > docs/rules.md` when this fails.
    @Test func committedRulesDocIsUpToDate() throws {
        let url = Repository.url("docs/rules.md")
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == RuleDocumentation.markdown(), "docs/rules.md is stale: run `swift run gatehouse rules docs > docs/rules.md`")
    }

    @Test func tableListsEveryRuleOnce() {
        let table = RuleDocumentation.table(profile: nil)
        for id in RuleCatalogue.ids {
            #expect(table.split(separator: "\n").filter { $0.hasPrefix(id + " ") }.count == 1)
        }
    }

    @Test(arguments: Profile.allCases)
    func profileFilter(_ profile: Profile) {
        let listed = RuleDocumentation.rules(in: profile).map(\.id)
        let expected = RuleCatalogue.descriptions.map(\.description)
            .filter { profile == .all || $0.profiles.contains(profile) }.map(\.id)
        #expect(listed == expected)
        #expect(Set(Registry.ids(in: profile)).isSubset(of: Set(listed)))
    }

    @Test func explainShowsEverySection() throws {
        let d = try #require(Registry.rule(id: "pod-privileged")).description
        let text = RuleDocumentation.explain(d)
        for section in ["What it checks", "Why it matters", "Remediation", "References", "Parameters", "Failing example", "Passing example"] {
            #expect(text.contains(section))
        }
        #expect(text.contains(d.failing[0].paths[0]))
    }
}

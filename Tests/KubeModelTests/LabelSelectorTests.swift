import KubeModel
import Testing

struct LabelSelectorTests {
    @Test func matchLabelsAndExpressions() throws {
        let value = try #require(ParsedYAML.firstDocument("""
            matchLabels: {app: web}
            matchExpressions:
            - {key: tier, operator: In, values: [frontend, edge]}
            - {key: canary, operator: DoesNotExist}
            - {key: env, operator: NotIn, values: [dev]}
            - {key: team, operator: Exists}
            """))
        let selector = try LabelSelector(value)
        #expect(selector.matches(["app": "web", "tier": "edge", "team": "a"]))
        #expect(!selector.matches(["app": "web", "tier": "edge", "team": "a", "canary": "1"]))
        #expect(!selector.matches(["app": "web", "tier": "backend", "team": "a"]))
        #expect(!selector.matches(["app": "web", "tier": "edge", "team": "a", "env": "dev"]))
        #expect(!selector.matches(["app": "web", "tier": "edge"]))
        #expect(LabelSelector().matches([:]))
    }

    @Test func badOperatorIsAnError() throws {
        let value = try #require(ParsedYAML.firstDocument("matchExpressions: [{key: a, operator: Equals, values: [x]}]"))
        #expect(throws: LoadProblem.self) { try LabelSelector(value) }
    }
}

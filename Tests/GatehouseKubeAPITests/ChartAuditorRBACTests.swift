import Foundation
import GatehouseKubeAPI
import KubeModel
import Testing
import TestSupport

/// The chart's auditor ClusterRole (as Helm renders it, Tests/Fixtures/chart-rendered/audit.yaml) grants `get`
/// and `list` on exactly the kinds `audit --cluster` lists, so the job neither misses a kind nor holds a grant
/// it does not use.
struct ChartAuditorRBACTests {
    @Test func theAuditorReadsExactlyTheKindsTheListerAsksFor() throws {
        var role: KubeObject?
        let path = Repository.fixture("chart-rendered/audit.yaml").path
        let outcome = Manifests.load(contentsOf: path) { object in
            if object.kind == "ClusterRole", object.name == "gatehouse-audit" { role = object }
        }
        #expect(outcome.errors.isEmpty)
        let rules = try #require(role?.root["rules"])
        var granted: Set<String> = []
        for rule in rules.items where rule["verbs"]?.items.compactMap(\.string) == ["get", "list"] {
            for group in rule["apiGroups"]?.items.compactMap(\.string) ?? [] {
                for resource in rule["resources"]?.items.compactMap(\.string) ?? [] { granted.insert("\(group)/\(resource)") }
            }
        }
        #expect(granted == Set(ClusterReadKinds.all.map { "\($0.group)/\($0.resource)" }))
    }
}

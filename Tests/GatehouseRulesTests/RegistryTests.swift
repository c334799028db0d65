import GatehouseRules
import Testing

struct RegistryTests {
    @Test func idsAreSortedUniqueAndWellFormed() {
        let ids = Registry.ids
        #expect(ids == ids.sorted(), "keep Registry.rules sorted by id")
        #expect(Set(ids).count == ids.count, "duplicate rule ids")
        for id in ids {
            #expect(id.wholeMatch(of: /[a-z][a-z0-9]*(-[a-z0-9]+)*/) != nil, "malformed id \(id)")
        }
    }

    @Test(arguments: Registry.rules.map { $0.description.id })
    func descriptionIsComplete(_ id: String) throws {
        let d = try #require(Registry.rule(id: id)).description
        #expect(!d.title.isEmpty)
        #expect(!d.spec.isEmpty)
        #expect(!d.rationale.isEmpty)
        #expect(!d.remediation.isEmpty)
        #expect(!d.references.isEmpty, "\(id) has no references")
        #expect(!d.passing.isEmpty, "\(id) has no passing example")
        #expect(!d.failing.isEmpty, "\(id) has no failing example")
        for example in d.failing {
            #expect(!example.paths.isEmpty, "\(id): a failing example must name the paths it reports")
            if let severities = example.severities {
                #expect(severities.count == example.paths.count, "\(id): one severity per reported path")
            }
        }
    }

    @Test func profilesAreNested() {
        let baseline = Set(Registry.ids(in: .pssBaseline))
        let restricted = Set(Registry.ids(in: .pssRestricted))
        #expect(baseline.isSubset(of: restricted), "restricted includes every baseline rule")
        #expect(Set(Registry.ids(in: .all)) == Set(Registry.ids))
    }
}

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

    /// A rule with a Docker view reads its Docker subject (the scope names it), belongs to the CIS Docker
    /// profiles by its controls, and shows what it checks on Docker with examples there.
    @Test(arguments: Registry.rules.filter { $0.description.docker != nil }.map { $0.description.id })
    func dockerViewIsComplete(_ id: String) throws {
        let d = try #require(Registry.rule(id: id)).description
        let docker = try #require(d.docker)
        #expect(d.scope.kinds.contains(docker.subject.kind), "\(id): its scope must name \(docker.subject.kind)")
        #expect(d.profiles.contains(.cisDocker))
        #expect(d.profiles.contains(.cisDockerL1) == docker.controls.contains { $0.level == 1 })
        let examples = d.passing + d.failing + docker.passing + docker.failing
        #expect(examples.contains { $0.subject == docker.subject && $0.paths.isEmpty }, "\(id): no passing Docker example")
        #expect(examples.contains { $0.subject == docker.subject && !$0.paths.isEmpty }, "\(id): no failing Docker example")
        if d.scope.kinds != [docker.subject.kind] {
            // Two views: the Kubernetes text stays in spec and remediation, the Docker text in the view.
            #expect(docker.spec != nil, "\(id): a rule that reads pods too says what it checks on Docker")
            #expect(docker.remediation != nil, "\(id): and how to fix it there")
        }
    }

    @Test func cisDockerL1IsInCisDocker() {
        #expect(Set(Registry.ids(in: .cisDockerL1)).isSubset(of: Set(Registry.ids(in: .cisDocker))))
    }

    @Test func profilesAreNested() {
        let baseline = Set(Registry.ids(in: .pssBaseline))
        let restricted = Set(Registry.ids(in: .pssRestricted))
        #expect(baseline.isSubset(of: restricted), "restricted includes every baseline rule")
        #expect(Set(Registry.ids(in: .all)) == Set(Registry.ids))
    }
}

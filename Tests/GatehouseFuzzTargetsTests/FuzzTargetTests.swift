import Foundation
import GatehouseFuzzTargets
import TestSupport
import Testing

/// Every fuzz target's function on the inputs committed for it: the crash inputs the fuzzer found
/// (`Tests/Fixtures/fuzz/<target>/`, each fixed in the product and kept here so it stays fixed) and the
/// repository's examples and fixtures the corpora are seeded from. A target traps on a broken invariant, so
/// a regression stops this test run where the fuzzer found it.
struct FuzzTargetTests {
    @Test func namesAreUniqueAndSelectable() {
        let names = FuzzTarget.all.map(\.name)
        #expect(Set(names).count == names.count)
        for name in names {
            #expect(FuzzTarget.named(name)?.name == name)
            #expect(name.allSatisfy { $0.isLowercase || $0 == "-" })
        }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func committedCrashInputsStayFixed(name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        for file in Self.files(in: Repository.fixture("fuzz/\(name)")) {
            target.run(try [UInt8](Data(contentsOf: file)))
        }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func seedsRunClean(name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let seeds = Self.files(in: Repository.url("examples")) + Self.files(in: Repository.fixture("admission"))
            + Self.files(in: Repository.fixture("yaml-differential"))
            + Self.files(in: Repository.fixture("vulnerabilities"))
            + (Repository.sharedCorpus.map { Self.files(in: $0.appendingPathComponent("audit-events/falcosecurity__falco")) } ?? [])
            + (Repository.sharedCorpus.map { Self.files(in: $0.appendingPathComponent("vuln-reports/aquasecurity__trivy")) } ?? [])
        #expect(!seeds.isEmpty)
        for file in seeds {
            target.run(try [UInt8](Data(contentsOf: file)))
        }
    }

    static func files(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map { folder.appendingPathComponent($0) }
    }
}

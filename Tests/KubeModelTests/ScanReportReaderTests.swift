import Foundation
import KubeModel
import TestSupport
import Testing

/// Every scanner report of the shared corpus loads, and its counts by severity are the report's own; the
/// other formats (Grype SARIF, trivy-operator, OpenVEX, CycloneDX VEX) from real-shaped fixtures; broken
/// reports are errors with file:line that leave the other files loading.
struct ScanReportReaderTests {
    static let fixtures = Repository.fixture("vulnerabilities").path

    /// The counts a report states, read with Foundation straight from its JSON, apart from the readers.
    static func statedCounts(_ path: String) throws -> [String: Int] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var counts: [String: Int] = [:]
        func count(_ severity: String) { counts[severity.uppercased(), default: 0] += 1 }
        if let results = root["Results"] as? [[String: Any]] {
            for result in results {
                for v in result["Vulnerabilities"] as? [[String: Any]] ?? [] { count(v["Severity"] as? String ?? "?") }
            }
        } else if let matches = root["matches"] as? [[String: Any]] {
            for m in matches { count((m["vulnerability"] as? [String: Any])?["severity"] as? String ?? "?") }
        } else if let runs = root["runs"] as? [[String: Any]] {
            for run in runs {
                for result in run["results"] as? [[String: Any]] ?? [] {
                    let text = (result["message"] as? [String: Any])?["text"] as? String ?? ""
                    let line = text.split(separator: "\n").first { $0.hasPrefix("Severity: ") }
                    count(line.map { String($0.dropFirst("Severity: ".count)) } ?? "?")
                }
            }
        }
        return counts
    }

    static func counts(_ report: ScanReport) -> [String: Int] {
        var counts: [String: Int] = [:]
        for (severity, n) in report.counts { counts[severity.description] = n }
        return counts
    }

    @Test func everyCorpusReportLoadsWithItsOwnCounts() throws {
        guard let corpus = Repository.sharedCorpus else { return }
        let folder = corpus.appendingPathComponent("vuln-reports")
        let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".sarif") }.sorted()
        #expect(files.count >= 10)
        for file in files {
            let path = folder.appendingPathComponent(file).path
            let inputs = ScanReportFiles.load([path])
            #expect(inputs.errors.isEmpty, "\(file): \(inputs.errors)")
            let report = try #require(inputs.reports.first, "\(file)")
            #expect(inputs.reports.count == 1)
            #expect(Self.counts(report) == (try Self.statedCounts(path)), "\(file)")
        }
        // The SARIF twin of a JSON report names the same vulnerabilities, and the index merges them (same image ID).
        let json = ScanReportFiles.load([folder.appendingPathComponent("aquasecurity__trivy/alpine-310.json").path])
        let sarif = ScanReportFiles.load([folder.appendingPathComponent("aquasecurity__trivy/alpine-310.sarif").path])
        func keys(_ r: ScanReport) -> [String] { r.vulnerabilities.map { "\($0.id) \($0.package) \($0.installedVersion) \($0.fixedVersion ?? "")" }.sorted() }
        #expect(keys(json.reports[0]) == keys(sarif.reports[0]))
        #expect(sarif.reports[0].image.imageID == json.reports[0].image.imageID)
        var both = json
        both.reports += sarif.reports
        #expect(both.index().images.count == 1)
        #expect(both.index().images[0].vulnerabilities.count == 4)
    }

    @Test func grypeJSONFromTheCorpus() throws {
        guard let corpus = Repository.sharedCorpus else { return }
        let inputs = ScanReportFiles.load([corpus.appendingPathComponent("vuln-reports/anchore__grype/TestJsonImgsPresenter.json").path])
        let report = try #require(inputs.reports.first)
        #expect(report.format == .grypeJSON)
        #expect(report.image.imageID == "sha256:ab5608d634db2716a297adbfa6a5dd5d8f8f5a7d0cab73649ea7fbb8c8da544f")
        #expect(report.image.os == "centos 8.0")
        let first = try #require(report.vulnerabilities.first)
        #expect(first.id == "CVE-1999-0001" && first.severity == .low && first.package == "package-1")
        #expect(first.installedVersion == "1.1.1" && first.fixedVersion == "1.2.1" && first.packageClass == .os)
        #expect(report.vulnerabilities[1].fixedVersion == nil, "fix.state is not fixed")
    }

    @Test func grypeSARIFRuleIdsAreSplitBackIntoVulnerabilityAndPackage() throws {
        let inputs = ScanReportFiles.load([Self.fixtures + "/grype-image.sarif"])
        #expect(inputs.errors.isEmpty, "\(inputs.errors)")
        let report = try #require(inputs.reports.first)
        #expect(report.format == .grypeSARIF)
        #expect(report.vulnerabilities.map(\.id) == ["CVE-2021-36159", "CVE-2021-1234"])
        #expect(report.vulnerabilities.map(\.package) == ["apk-tools", "libfoo-dev"])
        #expect(report.vulnerabilities.map(\.fixedVersion) == ["2.10.7-r0", nil])
        #expect(report.vulnerabilities.map(\.severity) == [.critical, .medium])
        #expect(report.image.reference == "ghcr.io/aquasecurity/trivy-test-images:alpine-310")
        // An ignore entry or VEX statement written with the CVE id finds it.
        #expect(report.vulnerabilities[1].isNamed("cve-2021-1234"))
    }

    @Test func trivyOperatorReportsFromAListExport() throws {
        let inputs = ScanReportFiles.load([Self.fixtures + "/operator-reports.yaml"])
        #expect(inputs.errors.isEmpty, "\(inputs.errors)")
        let report = try #require(inputs.reports.first)
        #expect(report.format == .trivyOperator)
        #expect(report.statedCounts == [.critical: 1, .high: 1, .low: 1])
        #expect(report.counts == report.statedCounts)
        #expect(report.image.repoTags == ["ghcr.io/acme/web:1.4"])
        #expect(report.image.manifestDigests == ["sha256:0f3a6d14d4e4b1b5fba38a2a6cbd0d4b1d2e2f3c4a5b6c7d8e9f0a1b2c3d4e5f"])
        #expect(report.owner == WorkloadOwner(namespace: "shop", kind: "ReplicaSet", name: "web-7d4b9c", container: "app"))
        let index = inputs.index()
        #expect(index.match("ghcr.io/acme/web@sha256:0f3a6d14d4e4b1b5fba38a2a6cbd0d4b1d2e2f3c4a5b6c7d8e9f0a1b2c3d4e5f").image != nil)
        guard case .tag = index.match("ghcr.io/acme/web:1.4") else {
            Issue.record("matched by tag")
            return
        }
    }

    @Test func openVEXStatementsSuppressWhatTheyName() throws {
        guard let corpus = Repository.sharedCorpus else { return }
        let trivy = corpus.appendingPathComponent("vuln-reports/aquasecurity__trivy")
        let inputs = ScanReportFiles.load([
            trivy.appendingPathComponent("alpine-310.json").path, trivy.appendingPathComponent("debian-buster.json").path,
            Self.fixtures + "/alpine-310.openvex.json",
        ])
        #expect(inputs.errors.isEmpty, "\(inputs.errors)")
        #expect(inputs.vex.count == 4)
        let alpine = try #require(inputs.index().match("ghcr.io/aquasecurity/trivy-test-images:alpine-310").image)
        // not_affected for the image: CVE-2019-1549 off both packages; fixed with a subcomponent: CVE-2019-1551
        // off libssl1.1 only; under_investigation removes nothing.
        #expect(alpine.vulnerabilities.map { "\($0.id) \($0.package)" } == ["CVE-2019-1551 libcrypto1.1"])
        #expect(alpine.suppressed.map { "\($0.vulnerability.id) \($0.vulnerability.package)" }.sorted() == [
            "CVE-2019-1549 libcrypto1.1", "CVE-2019-1549 libssl1.1", "CVE-2019-1551 libssl1.1",
        ])
        let statement = try #require(alpine.suppressed.first { $0.vulnerability.id == "CVE-2019-1549" }?.statement)
        #expect(statement.citation.hasSuffix("alpine-310.openvex.json:8 (not_affected: vulnerable_code_not_in_execute_path)"), "\(statement.citation)")
        // A statement about another image (debian-buster's CVE-2019-1547 is not in it anyway) takes nothing
        // from alpine; debian keeps all of its own.
        let debian = try #require(inputs.index().match("ghcr.io/aquasecurity/trivy-test-images:debian-buster").image)
        #expect(debian.suppressed.isEmpty)
        #expect(debian.vulnerabilities.count == 2)
    }

    @Test func cycloneDXVEXNamesComponentsByBOMReference() throws {
        guard let corpus = Repository.sharedCorpus else { return }
        let inputs = ScanReportFiles.load([
            corpus.appendingPathComponent("vuln-reports/aquasecurity__trivy/alpine-310.json").path,
            Self.fixtures + "/alpine-310.cdx-vex.json",
        ])
        #expect(inputs.errors.isEmpty, "\(inputs.errors)")
        #expect(inputs.vex.map(\.status) == [.notAffected, .affected])
        #expect(inputs.vex[0].products == ["pkg:apk/alpine/libcrypto1.1@1.1.1c-r0"])
        let alpine = try #require(inputs.index().images.first)
        // false_positive for the libcrypto1.1 component only; exploitable removes nothing.
        #expect(alpine.suppressed.map { "\($0.vulnerability.id) \($0.vulnerability.package)" } == ["CVE-2019-1549 libcrypto1.1"])
        #expect(alpine.vulnerabilities.count == 3)
    }

    @Test func brokenReportsAreErrorsWithFileAndLineAndTheRestStillLoad() throws {
        let tree = try TempTree()
        let good = try tree.write("good.json", """
            {"SchemaVersion": 2, "ArtifactName": "ghcr.io/acme/web:1.4", "Metadata": {"RepoTags": ["ghcr.io/acme/web:1.4"]},
             "Results": [{"Target": "t", "Class": "os-pkgs", "Vulnerabilities": [
               {"VulnerabilityID": "CVE-2024-0001", "PkgName": "openssl", "InstalledVersion": "3.0.11", "Severity": "HIGH"}]}]}
            """)
        let cases: [(name: String, text: String, line: Int, says: String)] = [
            ("syntax.json", "{\"SchemaVersion\": 2,\n \"Results\": [}", 2, "expected a value"),
            ("severity.json", """
                {"SchemaVersion": 2, "ArtifactName": "x",
                 "Results": [{"Target": "t", "Vulnerabilities": [
                   {"VulnerabilityID": "CVE-1", "PkgName": "p", "Severity": "SEVERE"}]}]}
                """, 3, "severity \"SEVERE\""),
            ("schema3.json", "{\"SchemaVersion\": 3, \"ArtifactName\": \"x\", \"Results\": []}", 1, "SchemaVersion 3 is not supported"),
            ("grype.json", "{\"matches\": {}, \"source\": {}}", 1, "matches is not a list"),
            ("vex.json", """
                {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "a", "timestamp": "t", "version": 1,
                 "statements": [{"vulnerability": {"name": "CVE-1"}, "status": "wontfix"}]}
                """, 2, "status \"wontfix\""),
            ("fake.sarif", """
                {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Trivy-fake"}}, "results": []}]}
                """, 1, "SARIF from \"Trivy-fake\" is not read"),
            ("other.json", "{\"kind\": \"ConfigMap\"}", 1, "not a scanner report"),
            ("long.json", "{\"SchemaVersion\": 2, \"ArtifactName\": \"x\", \"Results\": [{\"Vulnerabilities\": [{\"VulnerabilityID\": \"C\", \"PkgName\": \"p\", \"Severity\": \""
                + String(repeating: "X", count: 100_000) + "\"}]}]}", 1, "expected CRITICAL, HIGH"),
        ]
        for c in cases { try tree.write(c.name, c.text) }
        let inputs = ScanReportFiles.load([good] + cases.map { tree.path + "/" + $0.name })
        #expect(inputs.reports.count == 1, "the good report still loads")
        #expect(inputs.errors.count == cases.count, "\(inputs.errors)")
        for c in cases {
            let error = inputs.errors.first { $0.file.hasSuffix("/" + c.name) }
            #expect(error?.position.line == c.line, "\(c.name): \(String(describing: error))")
            #expect(error?.message.contains(c.says) == true, "\(c.name): \(String(describing: error?.message.prefix(200)))")
        }
    }
}

import Foundation
import TestSupport
import Testing

/// `gatehouse vulns` over the shared corpus's Trivy reports and a workload export that runs some of them.
struct VulnsCommandLineTests {
    static let workloads = Repository.fixture("vulnerabilities/workloads.yaml").path

    static func trivy(_ name: String) -> String? {
        Repository.sharedCorpus?.appendingPathComponent("vuln-reports/aquasecurity__trivy/\(name)").path
    }

    @Test func theTextTreeNamesRegistriesImagesWorkloadsAndFixes() throws {
        guard let debian = Self.trivy("debian-buster.json"), let alpine = Self.trivy("alpine-310.json") else { return }
        let run = try CLI.run(["vulns", Self.workloads, debian, alpine])
        #expect(run.status == 0, "\(run.stderr)")
        let text = run.stdout
        #expect(text.hasPrefix(
            "Vulnerabilities in container images: 1 CRITICAL, 4 MEDIUM, 1 LOW\n"
                + "2 images in 1 registry, 2 with open vulnerabilities; 1 run but not scanned\n"), "\(text)")
        #expect(text.contains("\nghcr.io  [1 CRITICAL, 4 MEDIUM, 1 LOW]\n"))
        #expect(text.contains("  aquasecurity/trivy-test-images  [1 CRITICAL, 4 MEDIUM, 1 LOW]\n    debian-buster  [1 CRITICAL, 1 LOW]\n"))
        #expect(text.contains("      run by Deployment shop/web container app (by tag; it may have moved since the scan)\n"))
        #expect(text.contains("      run by Pod ops/tools container sh (by digest)\n"), "the running digest names alpine-310's image ID")
        #expect(text.contains("      CRITICAL CVE-2019-18224  libidn2-0 2.0.5-1 → 2.0.5-1+deb10u1\n"))
        #expect(text.contains("      fix: rebuild on a newer base image than debian 10.1 (1 OS package fix); 1 without a fix yet\n"))
        #expect(text.contains("Not scanned (workloads run them; no report covers them):\n  docker.io/envoyproxy/envoy:v1.30.1\n"))
        // Lines fit a 100-column terminal.
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 100 || $0.contains(".json:") || $0.contains(".yaml:") }, "only file paths make lines longer")
    }

    @Test func jsonAndSARIFCarryTheSameTree() throws {
        guard let debian = Self.trivy("debian-buster.json") else { return }
        let json = try CLI.run(["vulns", Self.workloads, debian, "--format", "json"])
        #expect(json.status == 0)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let summary = try #require(root["summary"] as? [String: Any])
        #expect(summary["images"] as? Int == 1 && summary["notScanned"] as? Int == 2, "envoy, and tools (alpine-310 is not loaded here)")
        let registry = try #require((root["registries"] as? [[String: Any]])?.first)
        let image = try #require(((registry["repositories"] as? [[String: Any]])?.first?["images"] as? [[String: Any]])?.first)
        #expect(image["tags"] as? [String] == ["debian-buster"])
        #expect(image["os"] as? String == "debian 10.1")
        let vulns = try #require(image["vulnerabilities"] as? [[String: Any]])
        #expect(vulns.map { $0["id"] as? String } == ["CVE-2019-18224", "CVE-2019-18276"])
        #expect(vulns.first?["remediation"] as? String == "upgrade libidn2-0 to 2.0.5-1+deb10u1")
        #expect((image["workloads"] as? [[String: Any]])?.first?["matchedBy"] as? String == "tag")

        let sarif = try CLI.run(["vulns", Self.workloads, debian, "--format", "sarif"])
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.map { $0["ruleId"] as? String } == ["CVE-2019-18224", "CVE-2019-18276"])
        #expect(results.map { $0["level"] as? String } == ["error", "note"])
        let location = ((results.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((location?["artifactLocation"] as? [String: Any])?["uri"] as? String == debian)
    }

    @Test func imageNarrowsTheTree() throws {
        guard let corpus = Repository.sharedCorpus else { return }
        let reports = corpus.appendingPathComponent("vuln-reports").path
        let one = try CLI.run(["vulns", reports, "--image", "ghcr.io/aquasecurity/trivy-test-images:alpine-310", "--format", "json"])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
        #expect((root["summary"] as? [String: Any])?["images"] as? Int == 1)
        let repository = try CLI.run(["vulns", reports, "--image", "ghcr.io/aquasecurity/trivy-test-images", "--format", "json"])
        let all = try #require(try JSONSerialization.jsonObject(with: Data(repository.stdout.utf8)) as? [String: Any])
        #expect((all["summary"] as? [String: Any])?["images"] as? Int == 6, "every tag of the repository")
        let none = try CLI.run(["vulns", reports, "--image", "docker.io/library/nginx:1.27"])
        #expect(none.stdout.hasPrefix("Vulnerabilities in container images: none\n0 images"))
        let bad = try CLI.run(["vulns", reports, "--image", " "])
        #expect(bad.status == 2)
    }

    @Test func htmlFoldsEachLevelAndEscapesWhatReportsSay() throws {
        let tree = try TempTree()
        let report = try tree.write("evil.json", """
            {"SchemaVersion": 2, "ArtifactName": "ghcr.io/acme/web:1.4", "ArtifactType": "container_image",
             "Metadata": {"RepoTags": ["ghcr.io/acme/web:1.4"]},
             "Results": [{"Target": "t", "Class": "os-pkgs", "Vulnerabilities": [
               {"VulnerabilityID": "CVE-2024-0001", "PkgName": "<script>alert(1)</script>", "InstalledVersion": "1",
                "FixedVersion": "2", "Severity": "CRITICAL", "Title": "a \\"quoted\\" <b>title</b> & more",
                "PrimaryURL": "javascript:alert(1)\\" onclick=\\"x"}]}]}
            """)
        let run = try CLI.run(["vulns", report, "--format", "html"])
        #expect(run.status == 0)
        let html = run.stdout
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"), "no script, and none smuggled in")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("a &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt; &amp; more"))
        #expect(!html.contains("onclick=\""), "an attribute cannot be closed from a report")
        #expect(!html.contains("http://") || html.contains("javascript"), "no network resource")
        #expect(html.contains("<details"))
    }

    @Test func unreadableInputsExitTwoAndTheRestIsShown() throws {
        guard let debian = Self.trivy("debian-buster.json") else { return }
        let tree = try TempTree()
        let broken = try tree.write("broken.json", "{\"SchemaVersion\": 2, \"ArtifactName\": \"x\",\n \"Results\": [}")
        let run = try CLI.run(["vulns", debian, broken])
        #expect(run.status == 2)
        #expect(run.stderr.contains("broken.json:2:"), "\(run.stderr)")
        #expect(run.stdout.contains("debian-buster"))
    }
}

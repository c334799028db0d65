import Foundation
import TestSupport
import Testing

/// `gatehouse audit` counts what exemptions suppressed in every format, lists it with `--show-exempted`,
/// reports exemption annotations that were not applied, and never lets an exempted finding fail the run.
struct ExemptionCommandLineTests {
    static let policy = """
        apiVersion: gatehouse.io/v1
        kind: Policy
        exemptions:
        - name: apps-all
          rules: ["*"]
          namespaces: [apps]
          reason: "the apps team's legacy workloads, until Q3"
        - {rules: ["netpol-*", "ns-*", "sa-*"], namespaces: [team], reason: "cross-object findings: the mesh team's"}

        """

    static func pod(namespace: String, annotations: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: agent
          namespace: \(namespace)
          annotations: {\(annotations)}
        spec:
          containers:
          - name: app
            image: nginx
            securityContext: {privileged: true}

        """
    }

    /// Every finding is exempted: one pod by the policy (also the cross-object findings about its
    /// namespace), one by its own annotation.
    static func exemptedTree() throws -> TempTree {
        let tree = try TempTree()
        try tree.write("policy.yaml", policy)
        try tree.write("in/apps.yaml", pod(namespace: "apps", annotations: ""))
        try tree.write(
            "in/team.yaml",
            pod(namespace: "team", annotations: #"gatehouse.io/exempt: "*", gatehouse.io/exempt-reason: "node agent, reviewed in SEC-42""#))
        return tree
    }

    static func json(_ run: CLI.Run) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
    }

    @Test func exemptedFindingsAreCountedAndNeverFailTheRun() throws {
        let tree = try Self.exemptedTree()
        let run = try CLI.run(["audit", tree.path + "/in", "--policy", tree.path + "/policy.yaml", "--format", "json", "--fail-on", "info"])
        #expect(run.status == 0, "\(run.stdout)")
        let report = try Self.json(run)
        let summary = report["summary"] as? [String: Any]
        #expect(summary?["findings"] as? Int == 0)
        #expect((summary?["exempted"] as? Int ?? 0) >= 4)
        #expect(report["exempted"] is NSNull)
    }

    @Test func showExemptedListsEachWithItsExemption() throws {
        let tree = try Self.exemptedTree()
        let args = ["audit", tree.path + "/in", "--policy", tree.path + "/policy.yaml", "--fail-on", "info", "--show-exempted"]
        let run = try CLI.run(args + ["--format", "json"])
        #expect(run.status == 0)
        let listed = try #require(Self.json(run)["exempted"] as? [[String: Any]])
        let exemptions = listed.compactMap { $0["exemption"] as? [String: Any] }
        #expect(exemptions.contains { $0["name"] as? String == "apps-all" && $0["kind"] as? String == "policy" })
        #expect(exemptions.contains { $0["kind"] as? String == "annotation" && $0["reason"] as? String == "node agent, reviewed in SEC-42" })
        // Cross-object findings are covered: the namespace without network policies.
        #expect(listed.contains { $0["rule"] as? String == "netpol-namespace-missing" })

        let text = try CLI.run(args + ["--no-color"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("EXEMPTED  "))
        #expect(text.stdout.contains(#"exempted by policy exemption "apps-all" (exemptions[0], line 4): the apps team's"#))
        #expect(text.stdout.contains(#"exempted by annotation gatehouse.io/exempt: "*": node agent, reviewed in SEC-42"#))

        let sarif = try CLI.run(args + ["--format", "sarif"])
        let results = ((try Self.json(sarif)["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
        let kinds = Set(results.compactMap { ($0["suppressions"] as? [[String: Any]])?.first?["kind"] as? String })
        #expect(kinds == ["external", "inSource"])
        #expect(results.allSatisfy { $0["suppressions"] != nil })

        let policyReport = try CLI.run(args + ["--format", "policyreport"])
        let items = try Self.json(policyReport)["items"] as? [[String: Any]] ?? []
        let skips = items.flatMap { ($0["results"] as? [[String: Any]]) ?? [] }.filter { $0["result"] as? String == "skip" }
        #expect(skips.count == listed.count)
        let skipCounts = items.compactMap { ($0["summary"] as? [String: Any])?["skip"] as? Int }.reduce(0, +)
        #expect(skipCounts == listed.count)

        let junit = try CLI.run(args + ["--format", "junit"])
        #expect(junit.status == 0)
        #expect(junit.stdout.contains("failures=\"0\" errors=\"0\" skipped=\""))
        #expect(junit.stdout.contains(" exempted=\"\(listed.count)\">"))
        #expect(junit.stdout.contains("<skipped message=\"exempted by policy exemption &quot;apps-all&quot;"))
    }

    /// Ignored annotations are reported in every format, and the findings they meant to exempt still count.
    @Test(arguments: ["text", "json", "sarif", "junit", "policyreport"])
    func ignoredAnnotationsAreReported(format: String) throws {
        let tree = try TempTree()
        try tree.write("p.yaml", "apiVersion: gatehouse.io/v1\nkind: Policy\nannotationExemptions: {allowed: false}\n")
        try tree.write(
            "in.yaml", Self.pod(namespace: "team", annotations: #"gatehouse.io/exempt: pod-privileged, gatehouse.io/exempt-reason: agent"#)
                + "---\n" + Self.pod(namespace: "apps", annotations: #""gatehouse.io/exempt ": "*""#).replacingOccurrences(of: "name: agent", with: "name: other"))
        let run = try CLI.run(["audit", tree.path + "/in.yaml", "--policy", tree.path + "/p.yaml", "--format", format, "--no-color"])
        #expect(run.status == 1, "the privileged findings still count")
        #expect(run.stdout.contains("this policy does not allow annotation exemptions"), "\(format)")
        #expect(run.stdout.contains(#"ignored: the key is gatehouse.io/exempt, exactly"#), "\(format)")
    }
}

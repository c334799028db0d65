import Foundation
import Testing
import TestSupport

/// `gatehouse fix` run as a user runs it, on a copy of examples/.
struct FixCommandLineTests {
    static func copyOfExamples() throws -> String {
        let folder = NSTemporaryDirectory() + "gatehouse-fix-cli-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: CLI.repository.appendingPathComponent("examples").path, toPath: folder)
        return folder
    }

    static func contents(_ folder: String) throws -> [String: String] {
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            files[name] = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
        }
        return files
    }

    @Test func dryRunPrintsADiffThatPatchAppliesAndChangesNothing() throws {
        let folder = try Self.copyOfExamples()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let before = try Self.contents(folder)
        let run = try CLI.run(["fix", "--dry-run", folder])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.contents(folder) == before)
        #expect(run.stdout.contains("+++ b/\(folder.dropFirst())/frontend-deployment.yaml"))
        #expect(run.stdout.contains("-          privileged: true\n+          privileged: false\n"))
        #expect(run.stderr.contains("would fix 34 findings in 4 files"))
        // The diff is one `patch -p1` applies from /, and the result is what `fix` writes.
        let patch = Process()
        patch.executableURL = URL(fileURLWithPath: "/usr/bin/patch")
        patch.arguments = ["-p1", "--dry-run", "--silent"]
        patch.currentDirectoryURL = URL(fileURLWithPath: "/")
        let input = Pipe()
        patch.standardInput = input
        try patch.run()
        input.fileHandleForWriting.write(Data(run.stdout.utf8))
        try input.fileHandleForWriting.close()
        patch.waitUntilExit()
        #expect(patch.terminationStatus == 0)
    }

    @Test func fixWritesTheFilesAndTheFixedRulesPass() throws {
        let folder = try Self.copyOfExamples()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try CLI.run(["fix", folder])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("fixed \(folder)/frontend-deployment.yaml: 9 findings in 1 object"))
        #expect(run.stdout.contains("1 × pod-privileged: sets securityContext.privileged to false"))
        let audit = try CLI.run(["audit", folder, "--format", "json", "--fail-on", "never"])
        #expect(!audit.stdout.contains("\"fix\":"))
        // Comments and the JSON file are untouched.
        let fixed = try Self.contents(folder)
        #expect(fixed["frontend-deployment.yaml"]?.hasPrefix("# A typical web Deployment") == true)
        let original = try Self.contents(CLI.repository.appendingPathComponent("examples").path)
        #expect(fixed["services.json"] == original["services.json"])
        #expect(fixed["policy.yaml"] == original["policy.yaml"])
    }

    @Test func ruleNarrowsTheFixesAndAnUnknownRuleIsRefused() throws {
        let folder = try Self.copyOfExamples()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try CLI.run(["fix", "--dry-run", "--rule", "pod-privileged", folder])
        #expect(run.status == 0)
        let changed = run.stdout.split(separator: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }
        #expect(changed.count == 2)
        #expect(changed.allSatisfy { $0.contains("privileged: false") })
        let wrong = try CLI.run(["fix", "--rule", "image-digest", folder])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("rule \"image-digest\" has no mechanical fix; the rules with one: pod-allow-privilege-escalation"))
    }

    @Test func jsonAndSARIFCarryTheFixAsAJSONPatch() throws {
        let json = try CLI.run(["audit", "examples/node-agent-daemonset.yaml", "--format", "json", "--fail-on", "never"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let privileged = try #require(findings.first { $0["rule"] as? String == "pod-privileged" })
        let fix = try #require(privileged["fix"] as? [String: Any])
        let patch = try #require(fix["patch"] as? [[String: Any]])
        #expect(patch.count == 1)
        #expect(patch[0]["op"] as? String == "replace")
        #expect(patch[0]["path"] as? String == "/spec/template/spec/containers/0/securityContext/privileged")
        #expect(patch[0]["value"] as? Bool == false)
        let sarif = try CLI.run(["audit", "examples/node-agent-daemonset.yaml", "--format", "sarif", "--fail-on", "never"])
        #expect(sarif.stdout.contains(#""fix": {"summary": "sets securityContext.privileged to false", "patch": [{"op": "replace", "path": "/spec/template/spec/containers/0/securityContext/privileged", "value": false}]}"#))
    }
}

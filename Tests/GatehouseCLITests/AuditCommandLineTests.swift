import Foundation
import TestSupport
import Testing

/// `gatehouse audit`, `rules` and `version`, run as the built executable: exit statuses and streams.
struct AuditCommandLineTests {
    static func run(_ arguments: [String], stdin: String? = nil) throws -> CLI.Run {
        try CLI.run(arguments, stdin: stdin)
    }

    @Test func executableIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: CLI.executable.path), "the test target depends on gatehouse, so swift test builds it")
    }

    @Test func quickStartAuditFindsProblemsAndExitsOne() throws {
        let run = try Self.run(["audit", "examples/"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("DaemonSet monitoring/node-agent  examples/node-agent-daemonset.yaml\n"))
        #expect(run.stdout.contains("Summary:"))
        #expect(!run.stdout.contains("\u{1B}["), "no colour when the output is not a terminal")
    }

    @Test func crossObjectRulesRunUnlessTurnedOff() throws {
        func rules(_ extra: [String]) throws -> Set<String> {
            let run = try Self.run(["audit", "examples/", "--format", "json"] + extra)
            let report = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            return Set((report["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String })
        }
        let all = try rules([])
        let perObject = try rules(["--no-cross-object"])
        #expect(all.contains("netpol-namespace-missing"))
        #expect(!perObject.contains("netpol-namespace-missing"))
        #expect(perObject.isSubset(of: all))
    }

    /// The report opens with the most severe findings, whatever their rule ids.
    @Test func textReportOpensWithTheCriticalFindings() throws {
        let run = try Self.run(["audit", "examples/", "--no-color"])
        #expect(run.stdout.hasPrefix("CRITICAL  "), "\(run.stdout.prefix(200))")
        let order = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"]
        let sections = run.stdout.split(separator: "\n").compactMap { line in
            order.firstIndex { line.hasPrefix($0 + "  ") }
        }
        #expect(sections == sections.sorted() && sections.count > 1)
    }

    /// `--min-severity` leaves findings out of every format, and says so; the exit status still counts them.
    @Test func minSeverityFiltersTheReportButNotTheExitStatus() throws {
        let text = try Self.run(["audit", "examples/", "--min-severity", "critical", "--fail-on", "high"])
        #expect(text.status == 1, "a high finding still fails the audit")
        #expect(!text.stdout.contains("HIGH  "))
        #expect(text.stdout.contains("\n  hidden:      "))
        let all = try Self.run(["audit", "examples/", "--format", "json", "--fail-on", "never"])
        let critical = try Self.run(["audit", "examples/", "--format", "json", "--fail-on", "never", "--min-severity", "critical"])
        func severities(_ run: CLI.Run) throws -> [String] {
            let report = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            return (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["severity"] as? String }
        }
        #expect(try Set(severities(critical)) == ["critical"])
        #expect(try severities(all).count > 1)
        let passing = try Self.run(["audit", "examples/", "--min-severity", "info", "--fail-on", "never"])
        #expect(passing.status == 0)
        #expect(!passing.stdout.contains("\n  hidden: "))
        let help = try Self.run(["audit", "--help"])
        #expect(help.stdout.contains("--min-severity <severity>"))
        #expect(help.stdout.contains("every format"))
    }

    @Test func failOnNeverPasses() throws {
        #expect(try Self.run(["audit", "examples/", "--fail-on", "never"]).status == 0)
    }

    @Test func timingsGoToStandardErrorAndLeaveTheReportAlone() throws {
        let plain = try Self.run(["audit", "examples/", "--format", "json", "--fail-on", "never"])
        let timed = try Self.run(["audit", "examples/", "--format", "json", "--fail-on", "never", "--timings"])
        #expect(timed.status == 0)
        #expect(timed.stdout == plain.stdout)
        let phases = timed.stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        // With two jobs or more the cross-object analysis and the sort share one line (they run at once).
        for phase in ["read, parse, evaluate", "cross-object analysis", "order findings", "write report", "total"] {
            #expect(phases.contains { $0.contains(phase) && $0.contains("s CPU") && $0.hasSuffix("MiB peak") }, "no \(phase) line in \(timed.stderr)")
        }
    }

    @Test(arguments: [
        ["audit"],
        ["audit", "examples/", "--fail-on", "severe"],
        ["audit", "examples/", "--format", "yaml"],
        ["audit", "examples/", "--jobs", "0"],
        ["audit", "examples/", "--min-severity", "severe"],
        ["rules", "explain", "no-such-rule"],
        ["no-such-command"],
    ])
    func usageErrorsExitTwo(_ arguments: [String]) throws {
        let run = try Self.run(arguments)
        #expect(run.status == 2)
        #expect(!run.stderr.isEmpty)
    }

    /// A document that repeats a key is an input error (exit 2) and is not judged; the next one is.
    @Test func repeatedKeyExitsTwoAndStillAuditsTheRest() throws {
        let stdin = """
            apiVersion: v1
            kind: Pod
            metadata: {name: hidden}
            spec:
              containers:
              - name: app
                image: nginx:1.27
                securityContext:
                  privileged: false
                  privileged: true
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: seen}
            spec:
              containers:
              - {name: app, image: nginx:1.27, securityContext: {privileged: true}}

            """
        let run = try Self.run(["audit", "-", "--format", "json", "--fail-on", "never"], stdin: stdin)
        #expect(run.status == 2)
        let report = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let errors = report["errors"] as? [[String: Any]] ?? []
        #expect(errors.count == 1)
        #expect((errors.first?["message"] as? String)?.contains("repeats the key at line 9") == true, "\(errors)")
        let pods = (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["object"] as? [String: Any] }
            .filter { $0["kind"] as? String == "Pod" }
        let objects = Set(pods.compactMap { $0["name"] as? String })
        #expect(objects == ["seen"], "\(report["findings"] ?? [])")
    }

    @Test func unreadableInputExitsTwoAndStillAuditsTheRest() throws {
        let run = try Self.run(["audit", "examples/batch.yaml", "does-not-exist.yaml", "--format", "json"])
        #expect(run.status == 2)
        let report = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect((report["errors"] as? [[String: Any]])?.first?["file"] as? String == "does-not-exist.yaml")
        #expect(((report["findings"] as? [Any])?.count ?? 0) > 0)
    }

    @Test func standardInput() throws {
        let manifest = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: demo}
            spec:
              containers:
              - {name: c, image: nginx, securityContext: {privileged: true}}
            """
        let run = try Self.run(["audit", "-", "--format", "json", "--fail-on", "critical"], stdin: manifest)
        let report = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let privileged = findings.filter { $0["rule"] as? String == "pod-privileged" }
        #expect(privileged.count == 1)
        #expect((privileged.first?["location"] as? [String: Any])?["file"] as? String == "-")
        #expect((privileged.first?["location"] as? [String: Any])?["line"] as? Int == 6)
    }

    /// An API server audit log (JSON Lines) named on the command line: Event deletions by users are reported
    /// with their lines; the namespace controller, other stages, failed deletes and other verbs are not.
    @Test func auditLogReportsEventDeletions() throws {
        let log = "Tests/Fixtures/audit-log/audit.log"
        let run = try Self.run(["audit", log, "--format", "json"])
        #expect(run.status == 0, "events-deleted is low severity, under the default --fail-on high: \(run.stderr)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect((report["errors"] as? [Any] ?? []).isEmpty)
        let findings = (report["findings"] as? [[String: Any]] ?? [])
        #expect(Set(findings.compactMap { $0["rule"] as? String }) == ["events-deleted"])
        #expect(findings.compactMap { $0["message"] as? String } == [
            "Event \"shop/web-7d9c5b7f4-x2x8q.17a1c2d3e4f5a6b7\" deleted by alice@example.com "
                + "(audit ID 8b5c1e2a-4f0e-4a52-9d57-2f0d6c1a7e02)",
            "all events in namespace \"shop\" deleted by system:serviceaccount:shop:janitor "
                + "(audit ID 8b5c1e2a-4f0e-4a52-9d57-2f0d6c1a7e03)",
        ])
        let locations = findings.compactMap { $0["location"] as? [String: Any] }
        #expect(locations.compactMap { $0["file"] as? String } == [log, log])
        #expect(locations.compactMap { $0["line"] as? Int } == [3, 4])

        let text = try Self.run(["audit", log])
        #expect(text.stdout.contains("\(log) document 3\n    3:"), "the event's file, then its line")
        #expect(text.stdout.contains("events-deleted"))
    }

    @Test func rulesCommands() throws {
        let table = try Self.run(["rules"])
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("ID "))
        #expect(table.stdout.contains("pod-privileged"))
        let explain = try Self.run(["rules", "explain", "pod-privileged"])
        #expect(explain.status == 0)
        #expect(explain.stdout.contains("Remediation"))
        let docs = try Self.run(["rules", "docs"])
        let committed = try String(contentsOf: CLI.repository.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        #expect(docs.stdout == committed)
        #expect(try Self.run(["version"]).stdout.hasPrefix("gatehouse "))
    }
}

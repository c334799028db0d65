import Foundation
import TestSupport
import Testing

/// `gatehouse alerts`, run as the built executable: formats, exit statuses, time filters, deduplication and
/// every kind of input, read from files and standard input.
struct AlertsCommandLineTests {
    /// An exec into `pod` by `user`, `second` seconds after 2024-05-01T10:00:00Z: one `alert-pod-exec` (low).
    static func exec(_ id: String, user: String = "alice", pod: String = "web-1", second: Int = 0) -> String {
        #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"\#(id)","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/pods/\#(pod)/exec?command=sh&container=app&stdin=true&tty=true","verb":"create","user":{"username":"\#(user)","groups":["dev","system:authenticated"]},"sourceIPs":["10.0.0.7"],"userAgent":"kubectl/v1.30.1","objectRef":{"resource":"pods","subresource":"exec","namespace":"shop","name":"\#(pod)","apiVersion":"v1"},"responseStatus":{"code":101},"requestReceivedTimestamp":"\#(time(second))","stageTimestamp":"\#(time(second))"}"#
    }

    /// An anonymous read of a secret that the API server allowed: one `alert-anonymous-allowed` (high).
    static func anonymous(_ id: String, second: Int = 0) -> String {
        #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"\#(id)","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/kube-system/secrets/token","verb":"get","user":{"username":"system:anonymous","groups":["system:unauthenticated"]},"sourceIPs":["203.0.113.9"],"userAgent":"curl/8.5.0","objectRef":{"resource":"secrets","namespace":"kube-system","name":"token","apiVersion":"v1"},"responseStatus":{"code":200},"annotations":{"authorization.k8s.io/decision":"allow"},"stageTimestamp":"\#(time(second))"}"#
    }

    /// A harmless list by a controller: no alert.
    static func quiet(_ id: String, second: Int = 0) -> String {
        #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"\#(id)","stage":"ResponseComplete","requestURI":"/api/v1/pods","verb":"list","user":{"username":"system:kube-scheduler","groups":["system:authenticated"]},"sourceIPs":["10.0.0.2"],"userAgent":"kube-scheduler/v1.30","objectRef":{"resource":"pods","apiVersion":"v1"},"responseStatus":{"code":200},"stageTimestamp":"\#(time(second))"}"#
    }

    static func time(_ second: Int) -> String {
        let date = Date(timeIntervalSince1970: 1_714_557_600 + Double(second))  // 2024-05-01T10:00:00Z
        return ISO8601DateFormatter().string(from: date).replacingOccurrences(of: "Z", with: ".250000Z")
    }

    static func lines(_ events: [String]) -> String { events.joined(separator: "\n") + "\n" }

    static func jsonAlerts(_ run: CLI.Run) throws -> [[String: Any]] {
        try run.stdout.split(separator: "\n").map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
    }

    // MARK: - Formats

    @Test func textNamesTheAlertTheActorAndTheLine() throws {
        let tree = try TempTree()
        let log = try tree.write("audit.log", Self.lines([Self.quiet("q1"), Self.exec("e1")]))
        let run = try CLI.run(["alerts", log])
        #expect(run.status == 0, "a low alert is below the default --fail-on high")
        #expect(run.stdout.hasPrefix("2024-05-01T10:00:00.250000Z LOW alert-pod-exec: "), "\(run.stdout)")
        #expect(run.stdout.contains("actor alice from 10.0.0.7 (kubectl/v1.30.1); audit ID e1; \(log):2\n"))
        #expect(run.stderr == "gatehouse: 1 alert(s) from 1 input(s)\n")
    }

    @Test func jsonWritesOneAlertPerLineWithEveryField() throws {
        let tree = try TempTree()
        let log = try tree.write("audit.log", Self.lines([Self.exec("e1"), Self.anonymous("a1", second: 1)]))
        let run = try CLI.run(["alerts", log, "--format", "json"])
        let alerts = try Self.jsonAlerts(run)
        #expect(alerts.map { $0["alert"] as? String } == ["alert-pod-exec", "alert-anonymous-allowed"])
        for alert in alerts {
            for field in ["alert", "title", "severity", "tactic", "time", "verb", "auditID", "remediation"] {
                #expect(!((alert[field] as? String) ?? "").isEmpty, "\(field) in \(alert)")
            }
            let actor = try #require(alert["actor"] as? [String: Any])
            #expect(Set(actor.keys).isSuperset(of: ["user", "groups", "sourceIPs", "userAgent"]))
            let object = try #require(alert["object"] as? [String: Any])
            #expect(Set(object.keys).isSuperset(of: ["resource", "subresource", "namespace", "name", "kind"]))
            #expect(!((alert["evidence"] as? [Any]) ?? []).isEmpty)
        }
        let exec = alerts[0]
        #expect(exec["time"] as? String == "2024-05-01T10:00:00.250000Z")
        #expect(exec["count"] as? Int == 1)
        #expect((exec["object"] as? [String: Any])?["subresource"] as? String == "exec")
        #expect((exec["actor"] as? [String: Any])?["user"] as? String == "alice")
        #expect(run.stderr.isEmpty, "json leaves stderr for problems: \(run.stderr)")
    }

    @Test func sarifIsOneValidDocument() throws {
        let tree = try TempTree()
        let log = try tree.write("audit.log", Self.lines([Self.exec("e1"), Self.anonymous("a1", second: 1)]))
        let run = try CLI.run(["alerts", log, "--format", "sarif"])
        let sarif = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(sarif["version"] as? String == "2.1.0")
        #expect((sarif["$schema"] as? String)?.contains("sarif") == true)
        let runs = try #require(sarif["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "gatehouse")
        let ruleIDs = Set(((driver["rules"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.count == 2)
        for result in results {
            let id = try #require(result["ruleId"] as? String)
            #expect(ruleIDs.contains(id), "every result's rule is described in the driver")
            #expect(["none", "note", "warning", "error"].contains(result["level"] as? String ?? ""))
            #expect(((result["message"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == log)
            #expect(((location["region"] as? [String: Any])?["startLine"] as? Int ?? 0) >= 1)
        }
    }

    // MARK: - Exit statuses

    @Test func failOnSetsTheExitStatusAsAuditDoes() throws {
        let tree = try TempTree()
        let low = try tree.write("low.log", Self.lines([Self.exec("e1")]))
        let high = try tree.write("high.log", Self.lines([Self.anonymous("a1")]))
        let none = try tree.write("none.log", Self.lines([Self.quiet("q1")]))
        #expect(try CLI.run(["alerts", low]).status == 0, "default threshold is high")
        #expect(try CLI.run(["alerts", high]).status == 1)
        #expect(try CLI.run(["alerts", low, "--fail-on", "low"]).status == 1)
        #expect(try CLI.run(["alerts", low, "--fail-on", "medium"]).status == 0)
        #expect(try CLI.run(["alerts", high, "--fail-on", "never"]).status == 0)
        #expect(try CLI.run(["alerts", none, "--fail-on", "info"]).status == 0)
        #expect(try CLI.run(["alerts", tree.path + "/missing.log"]).status == 2)
        let malformed = try tree.write("bad.log", "not json\n" + Self.anonymous("a1") + "\n")
        #expect(try CLI.run(["alerts", malformed]).status == 2, "an input error wins over alerts")
    }

    // MARK: - Time window

    @Test func sinceAndUntilKeepEventsInsideTheWindow() throws {
        let tree = try TempTree()
        let log = try tree.write("audit.log", Self.lines((0..<4).map { Self.exec("e\($0)", pod: "p\($0)", second: $0 * 3600) }))
        func ids(_ extra: [String]) throws -> [String] {
            try Self.jsonAlerts(CLI.run(["alerts", log, "--format", "json"] + extra)).compactMap { $0["auditID"] as? String }
        }
        #expect(try ids([]) == ["e0", "e1", "e2", "e3"])
        #expect(try ids(["--since", "2024-05-01T11:00:00Z"]) == ["e1", "e2", "e3"])
        #expect(try ids(["--until", "2024-05-01T12:00:00Z"]) == ["e0", "e1"], "--until is exclusive")
        #expect(try ids(["--since", "2024-05-01T10:30:00Z", "--until", "2024-05-01T12:30:00Z"]) == ["e1", "e2"])
        #expect(try ids(["--since", "1h"]).isEmpty, "an hour ago is long after 2024")
        let bad = try CLI.run(["alerts", log, "--since", "yesterday"])
        #expect(bad.status == 2, "a usage error")
        #expect(bad.stderr.contains("--since must be an RFC 3339 time or a duration"))
    }

    // MARK: - Deduplication

    @Test func repeatedRequestsMergeIntoOneCountedAlert() throws {
        let tree = try TempTree()
        let events = [
            Self.exec("e1", second: 0), Self.exec("e1", second: 0),  // two stages of one request
            Self.exec("e2", second: 60), Self.exec("e3", second: 120),
            Self.exec("b1", user: "bob", second: 130),  // another actor
            Self.exec("e4", second: 3600),  // after the window
        ]
        let log = try tree.write("audit.log", Self.lines(events))
        let merged = try Self.jsonAlerts(CLI.run(["alerts", log, "--format", "json"]))
        #expect(merged.map { $0["auditID"] as? String } == ["e1", "b1", "e4"])
        #expect(merged.map { $0["count"] as? Int } == [3, 1, 1])
        #expect(merged[0]["lastTime"] as? String == Self.time(120))
        let text = try CLI.run(["alerts", log, "--window", "1h"])
        #expect(text.stdout.contains("(4 requests until \(Self.time(3600)))"), "\(text.stdout)")
        let none = try Self.jsonAlerts(CLI.run(["alerts", log, "--format", "json", "--window", "0"]))
        #expect(none.map { $0["count"] as? Int } == [1, 1, 1, 1, 1], "window 0 merges only the stages of one request")
    }

    // MARK: - Inputs

    @Test func standardInput() throws {
        let run = try CLI.run(["alerts", "-", "--format", "json"], stdin: Self.lines([Self.quiet("q"), Self.exec("e1")]))
        let alerts = try Self.jsonAlerts(run)
        #expect(alerts.map { $0["auditID"] as? String } == ["e1"])
        #expect(alerts.first?["source"] as? String == "-:2")
    }

    @Test func gzipCompressedRotatedFile() throws {
        let tree = try TempTree()
        let plain = try tree.write("audit-2024-05-01T10-00-00.000.log", Self.lines([Self.exec("e1"), Self.anonymous("a1", second: 1)]))
        try Self.shell("gzip \(plain)")
        let run = try CLI.run(["alerts", plain + ".gz", "--format", "json"])
        #expect(try Self.jsonAlerts(run).map { $0["auditID"] as? String } == ["e1", "a1"])
        #expect(run.stderr.isEmpty)
        let folder = try CLI.run(["alerts", tree.path, "--format", "json", "--fail-on", "never"])
        #expect(try Self.jsonAlerts(folder).count == 2, "a directory is walked for .gz too")
    }

    @Test func aLastLineCutShortIsToleratedAndSaid() throws {
        let tree = try TempTree()
        let anonymous = Self.anonymous("a1", second: 1)
        let log = try tree.write("audit.log", Self.exec("e1") + "\n" + anonymous.prefix(anonymous.count / 2))
        let run = try CLI.run(["alerts", log, "--format", "json"])
        #expect(run.status == 0, "a log cut by rotation is not an input error")
        #expect(try Self.jsonAlerts(run).map { $0["auditID"] as? String } == ["e1"])
        #expect(run.stderr.contains("\(log):2: the input ends inside this line"), "\(run.stderr)")
    }

    @Test func badLinesAreNamedAndGoodLinesStillAlert() throws {
        let tree = try TempTree()
        let log = try tree.write(
            "audit.log",
            Self.lines([Self.exec("e1"), "{\"kind\": \"Event\", oops", #"{"kind":"ConfigMap","apiVersion":"v1"}"#, Self.anonymous("a1", second: 1)]))
        let run = try CLI.run(["alerts", log, "--format", "json"])
        #expect(run.status == 2)
        #expect(try Self.jsonAlerts(run).map { $0["auditID"] as? String } == ["e1", "a1"])
        #expect(run.stderr.contains("\(log):2: not a JSON value"), "\(run.stderr)")
        #expect(run.stderr.contains("\(log):3: a ConfigMap (v1), not an audit.k8s.io Event"), "\(run.stderr)")
    }

    /// The recorded events of the shared corpus are read without a problem or note; each is judged.
    @Test func everyCorpusFileIsReadWithoutANote() throws {
        guard let corpus = Repository.sharedCorpus else { return }
        let folder = corpus.appendingPathComponent("audit-events")
        let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 20)
        for file in files {
            let path = folder.appendingPathComponent(file).path
            let run = try CLI.run(["alerts", path, "--format", "json", "--fail-on", "never"])
            #expect(run.status == 0, "\(file): \(run.stderr)")
            #expect(run.stderr.isEmpty, "\(file): \(run.stderr)")
        }
        let all = try CLI.run(["alerts", folder.path, "--fail-on", "never"])
        #expect(all.status == 0)
        #expect(all.stderr.hasSuffix("alert(s) from \(files.count) input(s)\n"), "\(all.stderr)")
    }

    @Test func optionsThatDoNotGoTogether() throws {
        let tree = try TempTree()
        let log = try tree.write("audit.log", Self.lines([Self.exec("e1")]))
        let sarif = try CLI.run(["alerts", log, "--follow", "--format", "sarif"])
        #expect(sarif.status == 2)
        #expect(sarif.stderr.contains("--follow prints alerts as they come"))
        #expect(try CLI.run(["alerts", log, "--from-start"]).status == 2)
        #expect(try CLI.run(["alerts", "-", log, "--follow"]).status == 2)
        let directory = try CLI.run(["alerts", tree.path, "--follow"])
        #expect(directory.status == 2)
        #expect(directory.stderr.contains("give the live log file"))
    }

    static func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 { throw CocoaError(.fileWriteUnknown) }
    }
}

import Foundation
import TestSupport
import Testing

/// `gatehouse alerts --follow` on a real file in a temporary directory: appended lines, the log backend's
/// rotation (rename and recreate, the old file then compressed), truncation in place, deduplication while
/// following, and a clean stop on SIGINT and SIGTERM.
@Suite(.serialized)
struct AlertsFollowCommandLineTests {
    typealias Events = AlertsCommandLineTests

    @Test func followsAppendedLinesAcrossRotationAndTruncation() throws {
        let tree = try TempTree()
        let log = try tree.write("audit.log", Events.lines([Events.exec("old", pod: "p0")]))
        let follower = try Background(["alerts", log, "--follow", "--format", "json"])
        try follower.waitFor("the start of following") { $0.stderr.contains("following from its end (line 2)") }

        try append(log, Events.lines([Events.quiet("q1"), Events.exec("e1", pod: "p1")]))
        try follower.waitFor("an alert on an appended line") { $0.stdout.contains(#""auditID":"e1""#) }
        #expect(!follower.stdout.contains(#""auditID":"old""#), "lines before following began are not read")
        #expect(follower.stdout.contains(#""source":"\#(log):3""#), "lines are the file's own")

        // The log backend renames the file (a line may still be completed in it) and creates a new one.
        let e2 = Events.exec("e2", pod: "p2")
        try append(log, String(e2.prefix(40)))
        let rotated = tree.path + "/audit-2024-05-01T10-05-00.000.log"
        try FileManager.default.moveItem(atPath: log, toPath: rotated)
        try append(rotated, e2.dropFirst(40) + "\n")
        try Events.lines([Events.exec("e3", pod: "p3")]).write(toFile: log, atomically: false, encoding: .utf8)
        try follower.waitFor("alerts from both files") { $0.stdout.contains(#""auditID":"e3""#) }
        #expect(follower.stdout.contains(#""auditID":"e2""#), "the old file is read to its end first")
        #expect(follower.stderr.contains("\(log): replaced (rotated); reading the new file from its start"))
        try Events.shell("gzip \(rotated)")

        // Truncated in place (copytruncate): read again from the start.
        try Data().write(to: URL(fileURLWithPath: log))
        try follower.waitFor("the truncation notice") { $0.stderr.contains("\(log): truncated") }
        try append(log, Events.lines([Events.exec("e4", pod: "p4")]))
        try follower.waitFor("an alert after truncation") { $0.stdout.contains(#""auditID":"e4""#) }

        let status = follower.stop(SIGINT)
        #expect(status == 0, "\(follower.stderr)")
        let ids = try Events.jsonAlerts(CLI.Run(status: status, stdout: follower.stdout, stderr: ""))
            .compactMap { $0["auditID"] as? String }
        #expect(ids == ["e1", "e2", "e3", "e4"], "each alert once, in order")
        #expect(!follower.stderr.contains("not a JSON value"), "\(follower.stderr)")
    }

    @Test func fromStartReadsTheLinesAlreadyThereThenFollows() throws {
        let tree = try TempTree()
        let log = try tree.write("audit.log", Events.lines([Events.exec("old", pod: "p0")]))
        let follower = try Background(["alerts", log, "--follow", "--from-start"])
        try follower.waitFor("the existing line") { $0.stdout.contains("audit ID old;") }
        try append(log, Events.lines([Events.anonymous("a1")]))
        try follower.waitFor("an appended high alert") { $0.stdout.contains("audit ID a1;") }
        #expect(follower.stop(SIGTERM) == 1, "a high alert meets the default --fail-on, as without --follow")
        #expect(follower.stderr.hasSuffix("gatehouse: 2 alert(s) from 1 input(s)\n"), "\(follower.stderr)")
    }

    /// While following, a window prints its first alert at once and a summary when it closes; the clock
    /// closes it, not only a later event.
    @Test func firstAlertAtOnceThenASummaryWhenTheWindowCloses() throws {
        let tree = try TempTree()
        let log = try tree.write("audit.log", "")
        let follower = try Background(["alerts", log, "--follow", "--format", "json", "--window", "1h"])
        try follower.waitFor("the start of following") { $0.stderr.contains("following from its end") }
        try append(log, Events.lines([Events.exec("e1", second: 0), Events.exec("e2", second: 10), Events.exec("e3", second: 20)]))
        try follower.waitFor("the summary") { $0.stdout.split(separator: "\n").count == 2 }
        let alerts = try Events.jsonAlerts(CLI.Run(status: 0, stdout: follower.stdout, stderr: ""))
        #expect(alerts.map { $0["auditID"] as? String } == ["e1", "e1"])
        #expect(alerts.map { $0["count"] as? Int } == [1, 3])
        #expect(alerts.last?["lastTime"] as? String == Events.time(20))
        #expect(follower.stop(SIGINT) == 0)
        #expect(follower.stdout.split(separator: "\n").count == 2, "nothing held back for the end")
    }

    @Test func idleFollowingCostsNoCPUAndAMissingFileIsAwaited() throws {
        let tree = try TempTree()
        let log = tree.path + "/audit.log"
        let follower = try Background(["alerts", log, "--follow"])
        try follower.waitFor("the wait notice") { $0.stderr.contains("waiting for it to appear") }
        let before = follower.cpuTicks()
        Thread.sleep(forTimeInterval: 2)
        #expect(follower.cpuTicks() - before < 20, "idle polling stays far below 10% of a core")
        _ = try tree.write("audit.log", Events.lines([Events.exec("e1")]))
        try follower.waitFor("an alert from the file that appeared") { $0.stdout.contains("audit ID e1;") }
        #expect(follower.stop(SIGINT) == 0)
    }

    @Test func standardInputIsReadUntilItEnds() throws {
        let run = try CLI.run(["alerts", "-", "--follow", "--format", "json"], stdin: Events.lines([Events.exec("e1"), Events.exec("e2", second: 5)]))
        #expect(run.status == 0)
        let alerts = try Events.jsonAlerts(run)
        #expect(alerts.map { $0["count"] as? Int } == [1, 2], "the first at once, the summary at the end")
    }

    func append(_ path: String, _ text: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}

/// The built executable running in the background, its output collected as it comes.
final class Background: @unchecked Sendable {
    struct Output {
        var stdout: String
        var stderr: String
    }

    private let process = Process()
    private let out = Pipe()
    private let err = Pipe()
    private let lock = NSLock()
    private var output = (stdout: Data(), stderr: Data())

    init(_ arguments: [String]) throws {
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.currentDirectoryURL = CLI.repository
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.collect(handle.availableData, error: false) }
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.collect(handle.availableData, error: true) }
        try process.run()
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    private func collect(_ data: Data, error: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if error { output.stderr.append(data) } else { output.stdout.append(data) }
    }

    var stdout: String { lock.withLock { String(decoding: output.stdout, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: output.stderr, as: UTF8.self) } }

    /// Waits up to 20 s for `condition`; throws with what was collected when it does not come.
    func waitFor(_ what: String, _ condition: (Output) -> Bool) throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if condition(Output(stdout: stdout, stderr: stderr)) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("timed out waiting for \(what); stdout: \(stdout); stderr: \(stderr)")
        throw CancellationError()
    }

    /// User and system CPU time so far, in clock ticks (/proc/PID/stat fields 14 and 15).
    func cpuTicks() -> Int {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }

    /// Sends `signal`, waits for the exit and the rest of the output; returns the exit status.
    func stop(_ signal: Int32) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
        collect(out.fileHandleForReading.readDataToEndOfFile(), error: false)
        collect(err.fileHandleForReading.readDataToEndOfFile(), error: true)
        return process.terminationStatus
    }
}

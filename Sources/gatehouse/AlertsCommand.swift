import ArgumentParser
import Foundation
import GatehouseAudit
import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel

struct AlertsCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif, html
    }

    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Read Kubernetes API audit logs and print alerts on suspicious activity.",
        discussion: """
            Reads audit.k8s.io Events: the log backend's JSON Lines file (gzip-compressed or not), EventList \
            documents, AKS Event Hub messages and Log Analytics AKSAudit rows exported as JSON. Alerts of the \
            same rule, actor and object within --window are merged and counted. Exit status: 0 when no alert \
            is at or above --fail-on, 1 when one is, 2 when an input could not be read or holds malformed lines \
            (the alerts of the good lines are still printed).

            --follow keeps reading the files as they grow, across rotation (a file renamed and recreated, or \
            truncated), from their end unless --from-start is given, and prints each alert at once; a window \
            that merged more requests prints a summary line when it closes. SIGINT or SIGTERM stops it cleanly.

            Rules that need a baseline (alert-secret-read-unusual) learn it from the log, over their learning \
            period, unless --baseline gives an exported cluster state (manifests, as audit reads them): then \
            what its RBAC allows is the usual, and there is no learning period.
            """
    )

    @Argument(help: "Audit log files, directories (walked for .log, .gz, .json, .jsonl, .ndjson) or - for standard input.")
    var paths: [String] = []

    @Option(help: "Output format: text, json (one alert per line), sarif or html (one page, written at the end).")
    var format: Format = .text

    @Option(help: ArgumentHelp(
        "Only events at or after this time: RFC 3339 (2024-05-01T10:00:00Z) or a duration ago (30m, 2h, 7d).",
        valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only events before this time (same forms as --since).", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp(
        "Merge alerts of the same rule, actor and object within this duration (default 10m; 0 merges only the "
            + "stages of one request).", valueName: "duration"))
    var window: String = "10m"

    @Option(help: ArgumentHelp(
        "Exit 1 when an alert is at or above this severity (default: the policy's failOn, else high).",
        valueName: "fail-on"))
    var failOn: FailThreshold?

    @Flag(help: "Keep reading the files as they grow, across rotation, as tail -F does; stop with SIGINT or SIGTERM.")
    var follow = false

    @Flag(help: "With --follow, read the lines already in the files first (default: only what is appended).")
    var fromStart = false

    @Option(help: ArgumentHelp(
        "An exported cluster state (manifest files or directories; repeat for more) whose RBAC tells the usual "
            + "readers of secrets, instead of learning them from the log.", valueName: "path"))
    var baseline: [String] = []

    @OptionGroup var policyOptions: PolicyOptions

    /// How long a follower sleeps when no file has grown: long enough to cost no CPU, short enough for alerts.
    static let pollInterval = 0.25

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file, directory, or - for standard input") }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, Self.time(value, now: 0) == nil {
                throw ValidationError("\(name) must be an RFC 3339 time or a duration such as 30m, 2h or 7d; got \"\(value)\"")
            }
        }
        if Self.seconds(window) == nil {
            throw ValidationError("--window must be a duration such as 0, 90s, 10m or 1h; got \"\(window)\"")
        }
        if fromStart, !follow { throw ValidationError("--from-start only applies with --follow") }
        if follow, format == .sarif || format == .html {
            throw ValidationError("--follow prints alerts as they come: use --format text or json (SARIF and HTML are one document written at the end)")
        }
        if baseline.contains("-"), paths.contains("-") {
            throw ValidationError("--baseline - and the audit log - cannot both be standard input")
        }
        if follow, paths.contains("-"), paths.count > 1 {
            throw ValidationError("--follow reads standard input alone: give - or files, not both")
        }
    }

    func run() throws {
        let policy = try policyOptions.load()
        let loadedBaseline = try loadBaseline()
        let clusterBaseline = loadedBaseline?.baseline
        let engine: AlertEngine
        do {
            engine = try AlertEngine(policy: policy, baseline: clusterBaseline)
        } catch {
            printError("\(policy.file ?? "policy"): \(error)")
            throw ExitCode(2)
        }
        if clusterBaseline != nil, !engine.ruleIDs.contains(where: { AlertRegistry.rule(id: $0) is any BaselineAlertRule.Type }) {
            printError("note: --baseline has no effect: the policy turns off every rule that uses one")
        }
        let threshold = failOn ?? policy.failOn.map(FailThreshold.severity) ?? .severity(.high)
        let now = Date().timeIntervalSince1970
        let from = since.flatMap { Self.time($0, now: now) }
        let to = until.flatMap { Self.time($0, now: now) }

        var inputError = loadedBaseline?.incomplete ?? false
        let inputs: [String]
        if follow {
            inputs = paths
            for path in paths where Self.isDirectory(path) {
                printError("\(path): --follow follows files by name; give the live log file (the API server's --audit-log-path), not a directory")
                throw ExitCode(AuditExitStatus.inputError.rawValue)
            }
        } else {
            let (walked, walkErrors) = InputWalker(extensions: [".log", ".gz", ".json", ".jsonl", ".ndjson"]).expand(paths)
            inputs = walked.map(\.description)
            if !walkErrors.isEmpty { inputError = true }
            for error in walkErrors { printError("\(error)") }
        }

        let out = ReportOutput(descriptor: 1)
        var writer: any AlertWriter =
            switch format {
            case .text: AlertTextWriter()
            case .json: AlertJSONWriter()
            case .sarif: AlertSARIFWriter()
            case .html: AlertHTMLWriter()
            }
        var dedup = AlertDeduplicator(window: Self.seconds(window) ?? 600, emission: follow ? .firstThenSummary : .merged)
        var failed = false
        var unjudged: [String: (rule: String, reason: String, count: Int)] = [:]
        var alertCount = 0
        func emit(_ alerts: [Alert]) {
            for alert in alerts {
                // A summary (following) restates an alert already counted.
                if !follow || alert.count == 1 { alertCount += 1 }
                if threshold.isMet(by: alert.severity) { failed = true }
                writer.write(alert, to: out)
            }
            if !alerts.isEmpty { out.flush() }
        }
        var latestEventTime = 0.0
        func onEvent(_ event: AuditEvent) {
            if let time = event.time { latestEventTime = max(latestEventTime, time) }
            if from != nil || to != nil {
                guard let time = event.time else { return }
                if let from, time < from { return }
                if let to, time >= to { return }
            }
            let (alerts, notes) = engine.evaluate(event)
            for note in notes {
                unjudged["\(note.ruleID)\u{0}\(note.reason)", default: (note.ruleID, note.reason, 0)].count += 1
            }
            for alert in alerts { emit(dedup.add(alert)) }
        }
        func onProblem(_ problem: AuditReadProblem) {
            if problem.kind == .malformed { inputError = true }
            printError("\(problem)")
        }
        if follow {
            StopSignals.install()
            let followers = inputs.map { AuditLogFollower(path: $0, start: fromStart ? .beginning : .end) }
            while !StopSignals.requested, followers.contains(where: { !$0.ended }) {
                var progressed = false
                for follower in followers {
                    if follower.poll(onEvent: onEvent, onProblem: onProblem, onNotice: { printError("\($0)") }) {
                        progressed = true
                    }
                }
                if progressed { continue }
                // Idle: close the windows that ended by the clock too, so that summaries come without new events.
                emit(dedup.close(before: max(latestEventTime, Date().timeIntervalSince1970)))
                if StopSignals.wait(seconds: Self.pollInterval, orReadable: followers.lazy.compactMap(\.blockingDescriptor).first) {
                    break
                }
            }
            for follower in followers { follower.finish(onEvent: onEvent, onProblem: onProblem) }
        } else {
            for path in inputs {
                if let failure = AuditLogFile.read(path, onEvent: onEvent, onProblem: onProblem) {
                    printError("\(path): \(failure)")
                    inputError = true
                }
            }
        }
        emit(dedup.finish())
        let notes = unjudged.values.sorted { ($0.rule, $0.reason) < ($1.rule, $1.reason) }
        writer.finish(unjudged: notes, to: out)
        out.flush()
        for note in notes {
            printError("note: \(note.rule) could not judge \(note.count) event(s): \(note.reason)")
        }
        if format == .text {
            printError("\(alertCount) alert(s) from \(inputs.count) input(s)")
        }
        if inputError { throw ExitCode(AuditExitStatus.inputError.rawValue) }
        if failed { throw ExitCode(AuditExitStatus.findings.rawValue) }
    }

    /// The exported cluster state of `--baseline`, read as `who-can` reads manifests, and whether some of it
    /// could not be read; `nil` without one. A file that cannot be read is named and the rest is used: what it
    /// would have granted is then not allowed, so its readers alert (more alerts, never fewer), and the exit
    /// status is 2. With no manifest at all the command stops, as every read would alert.
    func loadBaseline() throws -> (baseline: ClusterBaseline, incomplete: Bool)? {
        guard !baseline.isEmpty else { return nil }
        let loaded = ClusterInputs(paths: baseline)
        for problem in loaded.problems { printError("--baseline: \(problem)") }
        if loaded.files == 0 {
            printError("--baseline: no manifest file found; nothing was judged")
            throw ExitCode(AuditExitStatus.inputError.rawValue)
        }
        if !loaded.problems.isEmpty {
            printError("--baseline: the cluster state was read in part: reads that the unread files allow may alert")
        }
        let result = ClusterBaseline(loaded.index)
        for note in result.rbac.unknownRoles(namespace: nil) { printError("note: --baseline: \(note)") }
        return (result, !loaded.problems.isEmpty)
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Seconds since 1970 of an RFC 3339 time, or of `now` minus a duration.
    static func time(_ text: String, now: Double) -> Double? {
        RFC3339.seconds(text) ?? seconds(text).map { now - $0 }
    }

    /// `0`, or a number followed by s, m, h or d.
    static func seconds(_ text: String) -> Double? { DurationText.seconds(text) }
}

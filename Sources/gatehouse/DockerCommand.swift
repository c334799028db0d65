import ArgumentParser
import GatehouseDocker
import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel

#if canImport(Glibc)
import Glibc
#endif

/// `gatehouse docker audit|watch`: Docker hosts, through the Docker Engine API and the host's files.
struct DockerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docker",
        abstract: "Docker hosts: the CIS Docker Benchmark (audit) and host-level alerts (watch).",
        subcommands: [DockerAuditCommand.self, DockerWatchCommand.self]
    )
}

/// Where the Docker Engine API is: `--host`, `DOCKER_HOST`, or the default socket; TLS files for `tcp://`.
struct DockerHostOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Docker Engine API: unix:///path/to/docker.sock or tcp://host:port (default: $DOCKER_HOST, else "
            + "unix:///var/run/docker.sock).", valueName: "url"))
    var host: String?

    @Option(help: ArgumentHelp("CA certificate that signed the daemon's TLS certificate (tcp:// only).", valueName: "file"))
    var tlscacert: String?

    @Option(help: ArgumentHelp("Client certificate for a daemon that verifies clients (tcp:// only).", valueName: "file"))
    var tlscert: String?

    @Option(help: ArgumentHelp("The client certificate's private key.", valueName: "file"))
    var tlskey: String?

    func endpoint() throws -> DockerEndpoint {
        let environment = getenv("DOCKER_HOST").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        let text = host ?? environment ?? DockerEndpoint.defaultHost
        let tls = (tlscacert != nil || tlscert != nil || tlskey != nil)
            ? DockerEndpoint.TLSFiles(caCertificate: tlscacert, certificate: tlscert, key: tlskey) : nil
        do {
            return try DockerEndpoint(text, tls: tls)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

struct DockerAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit one Docker host against the CIS Docker Benchmark 1.6.0 (live, or from exports with --from).",
        discussion: """
            Live: reads the Docker Engine API (GET requests only) and the host's files under --root. Offline: \
            --from DIR reads what `docker info --format '{{json .}}'`, `docker version --format '{{json .}}'`, \
            `docker inspect` (containers) and `docker image inspect` wrote there.
            The profile is cis-docker unless --profile (or the policy file) names cis-docker-l1 or all.
            Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 when an input could not be \
            read (the rest is still audited and reported) or the command line is wrong.
            """
    )

    @OptionGroup var dockerHost: DockerHostOptions

    @Option(help: ArgumentHelp(
        "Audit exports in this folder instead of a live daemon (docker info/version/inspect written as JSON).",
        valueName: "dir"))
    var from: String?

    @Option(help: ArgumentHelp(
        "The host's root filesystem: / on the host, or where it is mounted read-only (/host in a container). "
            + "Live audits read it by default; exports only when given.", valueName: "dir"))
    var root: String?

    @Flag(help: "Read no host files: only what the Engine API (or the exports) tell.")
    var noHostFiles = false

    @Option(help: "Report format: text, json, sarif, junit, html.")
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp(
        "Exit 1 when a finding is at or above this severity (default: the policy's failOn, else high).",
        valueName: "fail-on"))
    var failOn: FailThreshold?

    @Option(help: ArgumentHelp("List only findings at or above this severity.", valueName: "severity"))
    var minSeverity: Severity?

    @Flag(help: "List the findings exemptions suppressed, each with the exemption that applied.")
    var showExempted = false

    @OptionGroup var policyOptions: PolicyOptions

    @Flag(help: "No colour in the text report (also when NO_COLOR is set or the output is not a terminal).")
    var noColor = false

    func validate() throws {
        if format == .policyreport {
            throw ValidationError("--format policyreport describes Kubernetes objects; use text, json, sarif or junit")
        }
        if noHostFiles, root != nil { throw ValidationError("--root and --no-host-files contradict each other") }
    }

    func run() async throws {
        var policy = try policyOptions.load()
        if policyOptions.profile == nil, ![.cisDocker, .cisDockerL1, .all].contains(policy.profile) {
            policy.profile = .cisDocker
        }
        let threshold = failOn ?? policy.failOn.map(FailThreshold.severity) ?? .severity(.high)
        let source: DockerAuditRequest.Source
        if let from {
            source = .exports(from)
        } else {
            source = .live(try dockerHost.endpoint())
        }
        let hostRoot = noHostFiles ? nil : root ?? (from == nil ? "/" : nil)
        var request = DockerAuditRequest(
            source: source, root: hostRoot, format: format, failOn: threshold, policy: policy)
        request.minimumSeverity = minSeverity
        request.showExempted = showExempted
        request.color = format == .text
            && ColorChoice.useColor(
                noColorFlag: noColor, noColorEnvironment: getenv("NO_COLOR").map { String(cString: $0) },
                outputIsTerminal: isatty(1) == 1)
        let output = ReportOutput(descriptor: 1)
        let status: AuditExitStatus
        do {
            status = try await request.run(to: output)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        if status != .passed { throw ExitCode(status.rawValue) }
    }
}

extension DockerWatchRequest.Format: ExpressibleByArgument {}

struct DockerWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow one Docker host's events and print host-level alerts.",
        discussion: """
            Alerts on privileged containers, sensitive host and Docker socket mounts, miner images, commands \
            exec'd as root or privileged, SSH servers inside containers (their processes are read every \
            --poll-interval) and a daemon reachable over TCP without TLS (checked on each connect). Reads the \
            Docker Engine API (GET requests only) and, for dockerd's flags, the host's files under --root.
            On each connect and reconnect the running containers are inventoried, so containers that appeared \
            while the stream was down are judged; a dropped stream and the time range it may have missed are \
            reported on standard error. Repeats of an alert (same rule, container and actor) within --window \
            print once, with a summary when the window closes.
            Exit status (at SIGINT or SIGTERM, or with --once when the events up to the start are read): 0 when \
            no alert is at or above --fail-on, 1 when one is, 2 when --once could not reach the daemon or the \
            command line is wrong.
            """
    )

    @OptionGroup var dockerHost: DockerHostOptions

    @Option(help: ArgumentHelp(
        "The host's root filesystem, for dockerd's flags: / on the host, or where it is mounted read-only "
            + "(/host in a container).", valueName: "dir"))
    var root: String = "/"

    @Flag(help: "Read no host files: the exposed-daemon check then relies on the daemon's own warnings.")
    var noHostFiles = false

    @Option(help: "Output format: text, or json (one alert per line).")
    var format: DockerWatchRequest.Format = .text

    @Option(help: ArgumentHelp(
        "Read events from this time on at the first connect: RFC 3339, a duration ago (30m, 2h), or Unix seconds.",
        valueName: "time"))
    var since: String?

    @Flag(help: "Read the inventory and the events up to now, print their alerts and exit (for tests and timers).")
    var once = false

    @Option(help: ArgumentHelp("Seconds between two reads of the running containers' processes (default 30).", valueName: "seconds"))
    var pollInterval: Double = 30

    @Option(help: ArgumentHelp(
        "Merge repeats of an alert (same rule, container and actor) within this duration (default 10m).",
        valueName: "duration"))
    var window: String = "10m"

    @Option(help: ArgumentHelp(
        "Exit 1 when an alert is at or above this severity (default: the policy's failOn, else high).",
        valueName: "fail-on"))
    var failOn: FailThreshold?

    @OptionGroup var policyOptions: PolicyOptions

    func validate() throws {
        if let since, Self.seconds(since, now: 0) == nil {
            throw ValidationError("--since must be an RFC 3339 time, a duration such as 30m or 2h, or Unix seconds; got \"\(since)\"")
        }
        if DurationText.seconds(window) == nil {
            throw ValidationError("--window must be a duration such as 0, 90s, 10m or 1h; got \"\(window)\"")
        }
        if !(pollInterval > 0) { throw ValidationError("--poll-interval must be a number of seconds above 0") }
    }

    /// Seconds since 1970 of an RFC 3339 time, of `now` minus a duration, or of Unix seconds.
    static func seconds(_ text: String, now: Double) -> Double? {
        RFC3339.seconds(text) ?? DurationText.seconds(text).map { now - $0 } ?? Double(text)
    }

    func run() async throws {
        let policy = try policyOptions.load()
        var request = DockerWatchRequest(
            endpoint: try dockerHost.endpoint(), root: noHostFiles ? nil : root, format: format,
            failOn: failOn ?? policy.failOn.map(FailThreshold.severity) ?? .severity(.high), policy: policy)
        request.since = since.flatMap { Self.seconds($0, now: Double(time(nil))) }
        request.once = once
        request.pollInterval = pollInterval
        request.window = DurationText.seconds(window) ?? 600
        let watch = Task { try await request.run(descriptor: 1) { printError($0) } }
        if !once {
            StopSignals.install()
            Task.detached {
                while !StopSignals.requested { try? await Task.sleep(nanoseconds: 200_000_000) }
                watch.cancel()
            }
        }
        let status: AuditExitStatus
        do {
            status = try await watch.value
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        if status != .passed { throw ExitCode(status.rawValue) }
    }
}

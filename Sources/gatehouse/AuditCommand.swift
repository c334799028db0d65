import ArgumentParser
import Foundation
import GatehouseAudit
import GatehouseEngine
import GatehouseKubeAPI
import GatehouseReports
import GatehouseRules
import KubeModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ReportFormat: ExpressibleByArgument {}

/// `--min-severity critical|high|medium|low|info`.
extension Severity: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.reversed().map(\.rawValue) }
}

/// `--fail-on critical|high|medium|low|info|never`.
extension FailThreshold: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }

    public static var allValueStrings: [String] { Severity.allCases.reversed().map(\.rawValue) + ["never"] }

    public var defaultValueDescription: String {
        switch self {
        case .never: "never"
        case .severity(let severity): severity.rawValue
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit Kubernetes manifests (YAML or JSON files, directories, - for stdin), or a live cluster (--cluster).",
        discussion: """
            Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 when an input could not \
            be read or parsed (the other inputs are still audited and reported) or the command line is wrong. \
            With --cluster, a kind the cluster refuses to list (403) is such an input error.
            """
    )

    @OptionGroup(title: "Live cluster") var clusterOptions: ClusterOptions

    @Argument(help: "Files, directories (walked for .yaml, .yml, .json, .jsonl) or - for standard input.")
    var paths: [String] = []

    @Option(help: "Report format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp(
        "Exit 1 when a finding is at or above this severity (default: the policy's failOn, else high).",
        valueName: "fail-on"))
    var failOn: FailThreshold?

    @Option(help: ArgumentHelp(
        "List only findings at or above this severity, in every format; the summary counts the rest as hidden. "
            + "The exit status still follows --fail-on over all findings, hidden ones included.",
        valueName: "severity"))
    var minSeverity: Severity?

    @Flag(help: ArgumentHelp(
        "List the findings exemptions suppressed, each with the exemption that applied and its reason (every "
            + "format counts them anyway). They never count toward --fail-on."))
    var showExempted = false

    @Option(
        name: [.customShort("o"), .customLong("output-file")],
        help: ArgumentHelp("Write the --format report to this file instead of standard output.", valueName: "file"))
    var outputFile: String?

    @Option(
        name: .customLong("output"),
        help: ArgumentHelp(
            "Also write the report in FORMAT to FILE (for example sarif=results.sarif), beside the --format "
                + "output on standard output. Repeatable.",
            valueName: "format=file"))
    var outputs: [String] = []

    @Option(
        name: .customLong("vulns"),
        help: ArgumentHelp(
            "Scanner reports for the vulnerability rules: Trivy or Grype JSON, their SARIF, trivy-operator "
                + "VulnerabilityReports, OpenVEX or CycloneDX VEX (a file, or a directory walked for .json, .sarif, "
                + ".yaml, .yml). Repeatable. VulnerabilityReports among the audited paths are read without it.",
            valueName: "path"))
    var vulns: [String] = []

    @OptionGroup var policyOptions: PolicyOptions

    @Option(help: "Worker threads (default: all cores).")
    var jobs: Int?

    @Flag(help: "Skip the cross-object rules (network policy coverage, RBAC paths): per-object rules only.")
    var noCrossObject = false

    @Flag(help: "Print how long each phase took (wall and CPU seconds) and the peak memory after it, to standard error.")
    var timings = false

    @Flag(help: "No colour in the text report (also when NO_COLOR is set or the output is not a terminal).")
    var noColor = false

    @Flag(help: ArgumentHelp(
        "No progress line on standard error. Without it, an audit that runs longer than a second shows objects "
            + "read, megabytes read of the total, the rate and the time left, when standard error is a terminal."))
    var quiet = false

    func validate() throws {
        if paths.isEmpty && !clusterOptions.cluster {
            throw ValidationError("give at least one file, directory, or - for standard input, or --cluster")
        }
        try clusterOptions.validate()
        if let jobs, jobs < 1 {
            throw ValidationError("--jobs must be at least 1")
        }
        for argument in outputs {
            do { _ = try ReportDestination(argument: argument) } catch { throw ValidationError("\(error)") }
        }
    }

    func run() async throws {
        let policy = try policyOptions.load()
        // The cluster is listed into a snapshot folder first; the audit then reads it as any export.
        var paths = self.paths
        var listingErrors: [LoadError] = []
        var snapshot: ClusterOptions.Snapshot?
        let clock = timings ? PhaseClock() : nil
        if clusterOptions.cluster {
            do {
                snapshot = try await clusterOptions.takeSnapshot(quiet: quiet)
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
            paths += snapshot?.files ?? []
            listingErrors = snapshot?.errors ?? []
            clock?.mark("list the cluster (\(snapshot?.objects ?? 0) objects)")
        }
        defer { snapshot?.removeIfTemporary() }
        let threshold = failOn ?? policy.failOn.map(FailThreshold.severity) ?? .severity(.high)
        var request = AuditRequest(
            paths: paths, format: format, failOn: threshold, policy: policy,
            jobs: jobs ?? AuditOptions.availableCores, color: format == .text && useColor,
            crossObject: !noCrossObject)
        request.minimumSeverity = minSeverity
        request.showExempted = showExempted
        request.vulnerabilityPaths = vulns
        request.inputErrors = listingErrors
        request.showsProgress = !quiet && isatty(2) == 1
        request.destinations = try outputs.map { argument in
            do { return try ReportDestination(argument: argument) } catch { throw ValidationError("\(error)") }
        }
        request.clock = clock
        request.leavesReportToExit = true
        var status: AuditExitStatus
        let report: AuditReport
        do {
            // The main report's file is opened like the --output ones: before the audit, so a bad path fails first.
            let file = try outputFile.map { try ReportDestination(format: format, path: $0).open() }
            (status, report) = try request.runKeepingReport(to: file?.output ?? ReportOutput(descriptor: 1))
        } catch {
            await snapshot?.client.shutdown()
            printError("\(error)")
            throw ExitCode(2)
        }
        if let client = snapshot?.client {
            if clusterOptions.writePolicyReports {
                let outcome = await clusterOptions.writePolicyReports(report, with: client)
                if !outcome.failures.isEmpty { status = .inputError }
            }
            await client.shutdown()
        }
        if let clock = request.clock {
            let standardError = ReportOutput(descriptor: 2)
            standardError.write(clock.summary)
            standardError.flush()
        }
        if status != .passed { throw ExitCode(status.rawValue) }
    }

    private var useColor: Bool {
        ColorChoice.useColor(
            noColorFlag: noColor, noColorEnvironment: getenv("NO_COLOR").map { String(cString: $0) },
            outputIsTerminal: isatty(1) == 1)
    }
}

import ArgumentParser
import GatehouseAudit
import GatehouseEngine
import GatehouseReports
import GatehouseRules

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ReportFormat: ExpressibleByArgument {}
extension Profile: ExpressibleByArgument {}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit Kubernetes manifests (YAML or JSON files, directories, - for stdin).",
        discussion: """
            Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 when an input could not \
            be read or parsed (the other inputs are still audited and reported) or the command line is wrong.
            """
    )

    @Argument(help: "Files, directories (walked for .yaml, .yml, .json) or - for standard input.")
    var paths: [String] = []

    @Option(help: "Report format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: ReportFormat = .text

    @Option(help: "Exit 1 when a finding is at or above this severity: critical, high, medium, low, info, never.")
    var failOn: String = "high"

    @Option(help: "Policy file (YAML): profile, per-rule actions, severities, parameters, exemptions.")
    var policy: String?

    @Option(help: "Rule profile: \(Profile.allCases.map(\.rawValue).joined(separator: ", ")) (overrides the policy's).")
    var profile: Profile?

    @Option(help: ArgumentHelp(
        "Pod Security Standards version for the pss-* profiles: latest or v1.N (overrides the policy's; default latest).",
        valueName: "version"))
    var pssVersion: String?

    @Option(help: "Worker threads (default: all cores).")
    var jobs: Int?

    @Flag(help: "Skip the cross-object rules (network policy coverage, RBAC paths): per-object rules only.")
    var noCrossObject = false

    @Flag(help: "Print how long each phase took (wall and CPU seconds) and the peak memory after it, to standard error.")
    var timings = false

    @Flag(help: "No colour in the text report (also when NO_COLOR is set or the output is not a terminal).")
    var noColor = false

    func validate() throws {
        if paths.isEmpty {
            throw ValidationError("give at least one file, directory, or - for standard input")
        }
        if FailThreshold(failOn) == nil {
            throw ValidationError("--fail-on must be one of critical, high, medium, low, info, never; got \"\(failOn)\"")
        }
        if let pssVersion, PSSVersion.parse(pssVersion) == nil {
            throw ValidationError("--pss-version must be \"latest\" or v1.N (e.g. v1.31); got \"\(pssVersion)\"")
        }
        if let jobs, jobs < 1 {
            throw ValidationError("--jobs must be at least 1")
        }
    }

    func run() throws {
        var policy = Policy()
        if let file = self.policy {
            policy = try PolicyFile.load(file)
        }
        if let profile { policy.profile = profile }
        if let pssVersion { policy.pssVersion = pssVersion }
        var request = AuditRequest(
            paths: paths, format: format, failOn: FailThreshold(failOn)!, policy: policy,
            jobs: jobs ?? AuditOptions.availableCores, color: format == .text && useColor,
            crossObject: !noCrossObject)
        if timings { request.clock = PhaseClock() }
        request.leavesReportToExit = true
        let output = ReportOutput(descriptor: 1)
        let status: AuditExitStatus
        do {
            status = try request.run(to: output)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
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

/// Reading `--policy` files: every problem is printed with file:line:column, and the command exits 2.
enum PolicyFile {
    static func load(_ path: String) throws -> Policy {
        do {
            return try Policy.load(contentsOf: path)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
    }
}

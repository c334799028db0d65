import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel

/// `gatehouse audit` as a library call: what the command line asked for, run end to end.
///
/// The executable only parses options into this and exits with the returned status; tests call it directly.
public struct AuditRequest: Sendable {
    public var paths: [String]
    public var format: ReportFormat
    public var failOn: FailThreshold
    public var policy: Policy
    public var jobs: Int
    public var color: Bool
    /// Whether to run the cross-object rules (they index every input; large exports cost memory).
    public var crossObject: Bool
    /// The lowest severity the report lists (`--min-severity`), in every format; `nil` lists all. The exit
    /// status still follows ``failOn`` over every finding.
    public var minimumSeverity: Severity?
    /// Whether the report lists the findings exemptions suppressed (`--show-exempted`), each with the
    /// exemption that applied. Every format counts them either way; they never affect the exit status.
    public var showExempted = false
    /// Where to record each phase's time (`--timings`), when set.
    public var clock: PhaseClock?
    /// For a process that exits right after the run: the report (and the cross-object index, see
    /// ``ClusterIndexAnalysis``) is left to the exit rather than freed object by object (tens of milliseconds
    /// on a large audit).
    public var leavesReportToExit = false
    /// Scanner report files and directories (`--vulns`) for the vulnerability rules. The trivy-operator
    /// VulnerabilityReports among ``paths`` are read whether or not any are given.
    public var vulnerabilityPaths: [String] = []
    /// More reports of the same run (`--output FORMAT=FILE`), each written in full (`--min-severity` applies
    /// to them as to the main report).
    public var destinations: [ReportDestination] = []
    /// Keep a progress line on standard error while reading (the command line's choice: a terminal, no `--quiet`).
    public var showsProgress = false
    /// Inputs that could not be read before the audit began (a kind the cluster refused to list), reported
    /// first among the errors.
    public var inputErrors: [LoadError] = []

    public init(
        paths: [String], format: ReportFormat = .text, failOn: FailThreshold = .severity(.high),
        policy: Policy = Policy(), jobs: Int = AuditOptions.availableCores, color: Bool = false,
        crossObject: Bool = true
    ) {
        self.crossObject = crossObject
        self.paths = paths
        self.format = format
        self.failOn = failOn
        self.policy = policy
        self.jobs = jobs
        self.color = color
    }

    /// Audits, writes the report to `output`, and returns the exit status.
    /// Per-object rules run on every object; cross-object rules (network policies, RBAC paths...) run over a
    /// ``ClusterIndexAnalysis`` of all inputs when the policy enables any.
    /// Throws ``ParameterError`` when the policy gives a rule parameters it cannot use.
    public func run(to output: ReportOutput) throws -> AuditExitStatus {
        try runKeepingReport(to: output).status
    }

    /// As ``run(to:)``, also returning the report (for a caller that writes it elsewhere too, such as the
    /// cluster's PolicyReports).
    public func runKeepingReport(to output: ReportOutput) throws -> (status: AuditExitStatus, report: AuditReport) {
        // Opened first: a report file that cannot be written stops the run before any work.
        let files = try destinations.map { destination in (destination, try destination.open()) }
        // The policy's `vulnerabilities.reports` count as given with --vulns.
        let reportPaths = vulnerabilityPaths + (policy.vulnerabilities?.reports ?? [])
        let vulnerabilities = AuditVulnerabilities(
            given: ScanReportFiles.load(reportPaths), requested: !reportPaths.isEmpty)
        let engine = try Engine(policy: policy, vulnerabilities: vulnerabilities.store)
        let crossObject = try ClusterIndexAnalysis(
            policy: policy, jobs: jobs, leavesIndexToExit: leavesReportToExit, vulnerabilities: vulnerabilities.store)
        var options = AuditOptions(jobs: jobs)
        options.clock = clock
        options.showsProgress = showsProgress
        let auditor = Auditor(
            engine: engine, options: options, crossObject: self.crossObject && crossObject.isActive ? crossObject : nil,
            vulnerabilities: vulnerabilities)
        var report = auditor.audit(paths: paths, inputErrors: inputErrors)
        report.listsExempted = showExempted
        let status = AuditExitStatus(report: report, failOn: failOn)
        let shown = minimumSeverity.map { report.hidingFindings(below: $0) }
        format.writer(color: color, jobs: jobs, failOn: failOn).write(shown ?? report, to: output)
        output.flush()
        for (destination, file) in files {
            destination.format.writer(color: false, jobs: jobs, failOn: failOn).write(shown ?? report, to: file.output)
            file.output.flush()
        }
        clock?.mark("write report")
        if leavesReportToExit {
            _ = Unmanaged.passRetained(ReportKeeper(report))
            if let shown { _ = Unmanaged.passRetained(ReportKeeper(shown)) }
        }
        return (status, report)
    }
}

/// Holds a report that is never released (see ``AuditRequest/leavesReportToExit``).
private final class ReportKeeper {
    let report: AuditReport
    init(_ report: consuming AuditReport) { self.report = report }
}

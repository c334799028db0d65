import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel

/// `gatehouse docker audit` as a library call: read one Docker host (live or from exports), judge its daemon,
/// files, containers and images with the policy's rules, write the report, return the exit status.
public struct DockerAuditRequest: Sendable {
    public enum Source: Sendable {
        /// The Engine API at this endpoint.
        case live(DockerEndpoint)
        /// Exports in this folder (see ``DockerSnapshot/read(exportDirectory:root:)``).
        case exports(String)
    }

    public var source: Source
    /// The host's filesystem (`/`, or where it is mounted); `nil` reads no host files (CIS sections 1 and 3
    /// and the daemon's flags and daemon.json are then not judged, and the report says so).
    public var root: String?
    public var format: ReportFormat
    public var failOn: FailThreshold
    public var policy: Policy
    public var minimumSeverity: Severity?
    public var showExempted = false
    public var color = false

    public init(source: Source, root: String?, format: ReportFormat, failOn: FailThreshold, policy: Policy) {
        self.source = source
        self.root = root
        self.format = format
        self.failOn = failOn
        self.policy = policy
    }

    /// Reads the host, audits it and writes the report to `output`. Throws a ``DockerError`` when the daemon
    /// cannot be reached at all (nothing to report), ``ParameterError`` for unusable rule parameters.
    public func run(to output: ReportOutput) async throws -> AuditExitStatus {
        let engine = try Engine(policy: policy)
        let snapshot: DockerSnapshot
        switch source {
        case .live(let endpoint):
            let client = try await DockerEngineClient.connect(endpoint)
            snapshot = await DockerSnapshot.read(from: client, root: root)
            await client.shutdown()
        case .exports(let directory):
            snapshot = DockerSnapshot.read(exportDirectory: directory, root: root)
        }
        var report = Self.report(of: snapshot, engine: engine, policy: policy, hostFilesRead: root != nil)
        report.listsExempted = showExempted
        let status = AuditExitStatus(report: report, failOn: failOn)
        let shown = minimumSeverity.map { report.hidingFindings(below: $0) } ?? report
        writer.write(shown, to: output)
        output.flush()
        return status
    }

    /// The report of one snapshot: every subject through the engine.
    public static func report(of snapshot: DockerSnapshot, engine: Engine, policy: Policy, hostFilesRead: Bool)
        -> AuditReport
    {
        var findings: [Finding] = []
        var exempted: [ExemptedFinding] = []
        var notes = snapshot.notes
        let host = snapshot.objects.lazy.compactMap(DockerHostView.init).first
        for object in snapshot.objects {
            let result = engine.evaluate(object, dockerHost: host)
            findings += result.findings
            exempted += result.exempted
            for note in result.notes {
                notes.append(LoadNote(source: object.source, position: object.position, message: "\(note)"))
            }
        }
        if !hostFilesRead {
            notes.append(
                LoadNote(
                    source: SourceRef(file: snapshot.inputs.first ?? snapshot.host), position: .unknown,
                    message: "host files were not read (give --root): CIS Docker 1.1.x and 3.x, and the daemon "
                        + "settings only daemon.json and dockerd's flags hold (2.3, 2.4, 2.10, 2.11, 2.16), were not judged"))
        }
        return AuditReport(
            profile: policy.profile, activeRules: engine.activeRuleIDs, files: snapshot.inputs,
            objectCount: snapshot.objects.count, findings: findings, errors: snapshot.errors, notes: notes,
            exempted: exempted)
    }

    /// The writer: the text report heads each rule with its CIS Docker controls, so it reads by control.
    private var writer: any ReportWriter {
        guard format == .text else { return format.writer(color: color, jobs: 1, failOn: failOn) }
        return TextReportWriter(color: color) { RuleCatalogue.description(id: $0)?.asDockerControl }
    }
}

import GatehouseEngine
import GatehouseRules
import KubeModel

/// The scanner reports an audit judges images with: the files given with `--vulns` (or the policy's
/// `vulnerabilities.reports`), plus the trivy-operator `VulnerabilityReport` objects among the audit's own
/// inputs (a cluster export), which a pre-scan collects before any workload is judged.
///
/// The engine reads the reports through ``store``: it holds `nil` (the vulnerability rules stay silent) until
/// some report is loaded.
public struct AuditVulnerabilities: Sendable {
    public let store: VulnerabilityStore
    /// What `--vulns` named, read before the audit.
    public let given: ScanInputs
    /// Whether `--vulns` named anything: then the rules run even if no report could be read (every image is
    /// "not scanned"), as the user asked for them.
    let requested: Bool

    public init(given: ScanInputs, requested: Bool) {
        self.given = given
        self.requested = requested
        store = VulnerabilityStore(requested ? given.index() : nil)
    }

    /// Adds the VulnerabilityReports found among the inputs and sets the store's index; returns the errors
    /// of reading them (with those of the given files).
    func settle(found: ScanInputs) -> [LoadError] {
        var all = given
        all.reports += found.reports
        all.vex += found.vex
        all.errors += found.errors
        if requested || !all.reports.isEmpty || !all.vex.isEmpty { store.replace(with: all.index()) }
        return all.errors
    }
}

extension Auditor {
    /// The VulnerabilityReports among `inputs`, read in parallel from the inputs that mention the kind.
    func collectVulnerabilityReports(_ inputs: [AuditInput], standardInput: SendableResult?) -> ScanInputs {
        let slots = ResultSlots<ScanInputs>(count: inputs.count)
        let limits = options.limits
        WorkerPool.run(count: inputs.count, jobs: options.jobs) { index in
            var found = ScanInputs()
            if InputScan.mayMention("VulnerabilityReport", in: inputs[index], standardInput: standardInput) {
                _ = FileProcessor(limits: limits).process(inputs[index], standardInput: standardInput) { object in
                    guard object.group == "aquasecurity.github.io", TrivyOperatorReportReader.kinds.contains(object.kind) else { return }
                    ScanReportFiles.read(object.root, source: object.source, into: &found)
                }
            }
            slots.set(index, found)
        }
        var merged = ScanInputs()
        for index in inputs.indices {
            guard let found = slots.take(index) else { continue }
            merged.reports += found.reports
            merged.errors += found.errors
        }
        return merged
    }
}

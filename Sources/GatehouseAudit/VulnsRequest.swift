import GatehouseReports
import GatehouseRules
import KubeModel

/// `gatehouse vulns` as a library call: reads the inputs (workloads and scanner reports alike), builds the
/// drill-down and writes it.
public struct VulnsRequest: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case text, json, sarif, html
    }

    /// Files, directories or `-`: Kubernetes objects (the workloads, trivy-operator VulnerabilityReports) and
    /// scanner reports, told apart by content.
    public var paths: [String]
    /// More scanner reports (`--vulns`).
    public var vulnerabilityPaths: [String] = []
    public var format: Format = .text
    /// `--image REF`: only the images it names.
    public var image: ImageSelector?
    /// `--all`: every vulnerability of each image in the text view.
    public var all = false
    /// Where `-` reads from (tests pass a pipe).
    public var standardInputDescriptor: Int32 = 0

    public init(paths: [String]) {
        self.paths = paths
    }

    /// What the inputs held.
    public struct Inputs: Sendable {
        public var scans = ScanInputs()
        /// Objects that run pods.
        public var workloads: [KubeObject] = []
    }

    /// Writes the drill-down to `output` and returns whether every input could be read.
    public func run(to output: ReportOutput) -> Bool {
        let inputs = read()
        let tree = VulnerabilityDrillDown(index: inputs.scans.index(), objects: inputs.workloads, only: image)
        switch format {
        case .text: VulnsTextWriter(all: all).write(tree, to: output)
        case .json: VulnsJSONWriter().write(tree, errors: inputs.scans.errors, to: output)
        case .sarif: VulnsSARIFWriter().write(tree, to: output)
        case .html: VulnsHTMLWriter().write(tree, errors: inputs.scans.errors, to: output)
        }
        if format != .json && format != .html {
            // The JSON and HTML views carry the errors; the others leave them to standard error.
            let errors = ReportOutput(descriptor: 2)
            for error in inputs.scans.errors { errors.write("gatehouse: \(error)\n") }
            errors.flush()
        }
        return inputs.scans.errors.isEmpty
    }

    /// Reads every input: a file whose documents are Kubernetes objects gives its workloads and
    /// VulnerabilityReports; a file with none (a Trivy or Grype report, SARIF, VEX) is read as scanner output.
    public func read() -> Inputs {
        var inputs = Inputs()
        let (files, errors) = InputWalker(extensions: InputWalker.extensions + [".sarif"]).expand(paths)
        inputs.scans.errors = errors
        for file in files {
            var objects: [KubeObject] = []
            let outcome: LoadOutcome
            switch file {
            case .file(let path):
                outcome = Manifests.load(contentsOf: path, checkShapes: false) { objects.append($0) }
                if objects.isEmpty, outcome.errors.isEmpty {
                    ScanReportFiles.load(file: path, into: &inputs.scans)
                    continue
                }
            case .standardInput:
                switch InputBytes.readStandardInput(standardInputDescriptor) {
                case .failure(let error):
                    inputs.scans.errors.append(error)
                    continue
                case .success(let bytes):
                    outcome = bytes.withBytes { Manifests.load($0, file: "-", checkShapes: false) { objects.append($0) } }
                    if objects.isEmpty, outcome.errors.isEmpty {
                        bytes.withBytes { raw in
                            switch JSONLoader.parse(raw) {
                            case .success(let tree): ScanReportFiles.read(tree.root, source: SourceRef(file: "-"), into: &inputs.scans)
                            case .failure(let problem):
                                inputs.scans.errors.append(LoadError(file: "-", position: problem.position, message: problem.message))
                            }
                        }
                        continue
                    }
                }
            }
            inputs.scans.files += 1
            inputs.scans.errors += outcome.errors
            for object in objects {
                if object.group == "aquasecurity.github.io", TrivyOperatorReportReader.kinds.contains(object.kind) {
                    ScanReportFiles.read(object.root, source: object.source, into: &inputs.scans)
                } else if PodTemplate(of: object) != nil {
                    inputs.workloads.append(object)
                }
            }
        }
        let given = ScanReportFiles.load(vulnerabilityPaths)
        inputs.scans.reports += given.reports
        inputs.scans.vex += given.vex
        inputs.scans.errors += given.errors
        return inputs
    }
}

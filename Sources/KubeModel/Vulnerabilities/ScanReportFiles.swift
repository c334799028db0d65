/// Everything read from scanner output files: reports, VEX statements, and what could not be read.
public struct ScanInputs: Sendable {
    public var reports: [ScanReport] = []
    public var vex: [VEXStatement] = []
    /// Files or documents that could not be read, with file:line. The other files still load.
    public var errors: [LoadError] = []
    /// Files read (for the summary line).
    public var files = 0

    public init() {}

    /// The index of what was read.
    public func index() -> VulnerabilityIndex { VulnerabilityIndex(reports: reports, vex: vex) }
}

/// Reads scanner output from files and directories (`--vulns PATH`, the policy file's
/// `vulnerabilities.reports`).
///
/// A directory is walked as the audit walks its inputs (sorted, recursively, hidden entries skipped) and
/// yields `.json`, `.sarif`, `.yaml` and `.yml` files; a file named directly is read whatever its name.
/// `.yaml`/`.yml` files are read as YAML streams (a `kubectl get vulnerabilityreports -o yaml` export), the
/// rest as one JSON document. `kind: List` and `*List` documents are read item by item.
public enum ScanReportFiles {
    public static let extensions = [".json", ".sarif", ".yaml", ".yml"]

    public static func load(_ paths: [String], limits: LoadLimits = .default) -> ScanInputs {
        var inputs = ScanInputs()
        let (files, errors) = InputWalker(extensions: extensions).expand(paths)
        inputs.errors = errors
        for file in files {
            guard case .file(let path) = file else {
                inputs.errors.append(LoadError(file: "-", position: .unknown, message: "scanner reports are read from files, not standard input"))
                continue
            }
            load(file: path, into: &inputs, limits: limits)
        }
        return inputs
    }

    /// Reads one file into `inputs`.
    public static func load(file path: String, into inputs: inout ScanInputs, limits: LoadLimits = .default) {
        inputs.files += 1
        let lower = path.lowercased()
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") {
            let outcome = FileBytes.withContents(of: path) { bytes, _ in
                let problem = YAMLLoader.load(bytes, limits: limits) { tree, document in
                    guard !tree.root.isNull else { return }
                    read(tree.root, source: SourceRef(file: path, document: document), into: &inputs)
                }
                if let problem { inputs.errors.append(LoadError(file: path, position: problem.position, message: problem.message)) }
            }
            if case .failure(let failure) = outcome {
                inputs.errors.append(LoadError(file: path, position: .unknown, message: failure.message))
            }
            return
        }
        switch JSONLoader.parse(contentsOf: path, limits: limits) {
        case .success(let tree): read(tree.root, source: SourceRef(file: path), into: &inputs)
        case .failure(let problem): inputs.errors.append(LoadError(file: path, position: problem.position, message: problem.message))
        }
    }

    /// Reads one parsed document (a report, a VEX document, or a list of VulnerabilityReports) into `inputs`.
    public static func read(_ root: Value, source: SourceRef, into inputs: inout ScanInputs) {
        if root.isMapping, ObjectSplitter.isList(root) {
            for (i, item) in (root["items"]?.items ?? ValueItems.empty).enumerated() {
                read(item, source: SourceRef(file: source.file, document: source.document, item: i), into: &inputs)
            }
            return
        }
        do {
            switch try ScanReportReader.read(root, source: source) {
            case .reports(let reports): inputs.reports += reports
            case .vex(let statements): inputs.vex += statements
            }
        } catch {
            inputs.errors.append(LoadError(file: source.file, position: error.position, message: error.message))
        }
    }
}

import Foundation
import GatehouseAudit
import GatehouseEngine
import GatehouseRules
import KubeModel

/// Manifest inputs for the RBAC commands, streamed into a cluster index (YAML or JSON, `kind: List` flattened).
///
/// The arguments are expanded by the audit's ``InputWalker``, so who-can, access and audit read the same files
/// of a directory: `.yaml`, `.yml`, `.json` and `.jsonl`, hidden entries skipped, link loops ended, a named file
/// read whatever its extension, `-` for standard input.
struct ClusterInputs {
    var index = ClusterIndex()
    /// Problems found while reading, each naming the file (and line when known).
    var problems: [String] = []
    var files = 0

    init(paths: [String]) {
        let (inputs, errors) = InputWalker().expand(paths)
        problems = errors.map(\.description)
        for input in inputs {
            switch input {
            case .file(let path): loadFile(path)
            case .standardInput: add(FileHandle.standardInput.readDataToEndOfFile(), file: "-")
            }
        }
    }

    /// Streams the file's objects into the index: trees are dropped as soon as the index has what it needs.
    mutating func loadFile(_ file: String) {
        files += 1
        let outcome = Manifests.load(contentsOf: file, checkShapes: false) { self.index.add($0) }
        for error in outcome.errors { problems.append("\(error)") }
    }

    mutating func add(_ data: Data, file: String) {
        files += 1
        let outcome = data.withUnsafeBytes { Manifests.load($0, file: file, checkShapes: false) { self.index.add($0) } }
        for error in outcome.errors { problems.append("\(error)") }
    }
}

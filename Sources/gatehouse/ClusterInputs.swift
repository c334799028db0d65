import Foundation
import GatehouseEngine
import GatehouseRules
import KubeModel

/// Manifest inputs for the RBAC commands: files, directories (walked for .yaml, .yml and .json files) and `-`
/// for stdin, streamed into a cluster index (YAML or JSON, `kind: List` flattened).
struct ClusterInputs {
    var index = ClusterIndex()
    /// Problems found while reading, each naming the file (and line when known).
    var problems: [String] = []
    var files = 0

    init(paths: [String]) {
        for path in paths { load(path) }
    }

    mutating func load(_ path: String) {
        if path == "-" {
            add(FileHandle.standardInput.readDataToEndOfFile(), file: "-")
            return
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            problems.append("\(path): no such file or directory")
            return
        }
        if isDirectory.boolValue {
            // Paths relative to the one given, so reports name files the way the user wrote them.
            guard let walker = FileManager.default.enumerator(atPath: path) else {
                problems.append("\(path): cannot list the directory")
                return
            }
            var found: [String] = []
            while let item = walker.nextObject() as? String {
                let ext = item.split(separator: ".").last.map { $0.lowercased() } ?? ""
                if ["yaml", "yml", "json"].contains(ext) {
                    found.append(path.hasSuffix("/") ? path + item : path + "/" + item)
                }
            }
            for file in found.sorted() { loadFile(file) }
        } else {
            loadFile(path)
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

import Foundation

/// A scratch directory for one test, removed when the test ends.
final class TempTree {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var path: String { root.path }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent(relative), withIntermediateDirectories: true)
    }

    func symlink(_ relative: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent(relative).path, withDestinationPath: destination)
    }

    /// Paths relative to the root, for readable expectations.
    func relative(_ paths: [String]) -> [String] {
        paths.map { $0.hasPrefix(path + "/") ? String($0.dropFirst(path.count + 1)) : $0 }
    }
}

/// A Deployment with `privileged` containers named `name-0`, `name-1`...
func privilegedDeployment(_ name: String, namespace: String = "apps", containers: Int = 1) -> String {
    var text = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          template:
            spec:
              containers:

        """
    for i in 0..<containers {
        text += "      - {name: \(name)-\(i), image: nginx, securityContext: {privileged: true}}\n"
    }
    return text
}

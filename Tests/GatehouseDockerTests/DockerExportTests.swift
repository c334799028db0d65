import Foundation
import GatehouseDocker
import KubeModel
import TestSupport
import Testing

/// Reading a folder of exports: any size, any file names, broken files named with their line.
struct DockerExportTests {
    /// A fleet host's `docker inspect` of a few thousand containers runs to tens of megabytes: read whole.
    @Test func aLargeExportIsReadWhole() throws {
        let tree = try TempTree()
        let recorded = try String(
            contentsOfFile: Repository.fixture("docker/host-export/containers.json").path, encoding: .utf8)
        let containers = try #require(try JSONSerialization.jsonObject(with: Data(recorded.utf8)) as? [[String: Any]])
        var many: [[String: Any]] = []
        for i in 0..<2_000 {
            var copy = containers[i % containers.count]
            copy["Id"] = String(repeating: String(format: "%08x", i), count: 8)
            copy["Name"] = "/c\(i)"
            many.append(copy)
        }
        let data = try JSONSerialization.data(withJSONObject: many, options: [.prettyPrinted])
        #expect(data.count > 8 << 20, "the export is larger than any host file Gatehouse reads")
        _ = try tree.write("containers.json", String(decoding: data, as: UTF8.self))
        let snapshot = DockerSnapshot.read(exportDirectory: tree.path, root: nil)
        #expect(snapshot.errors.isEmpty, "\(snapshot.errors)")
        #expect(snapshot.containerCount == 2_000)
    }

    @Test func anEmptyFolderIsAnInputError() throws {
        let tree = try TempTree()
        let snapshot = DockerSnapshot.read(exportDirectory: tree.path, root: nil)
        #expect(snapshot.errors.count == 1)
        #expect(snapshot.errors.first?.message.contains("no .json export") == true)
    }
}

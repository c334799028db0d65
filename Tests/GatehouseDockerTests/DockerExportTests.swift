import Foundation
import GatehouseDocker
import KubeModel
import TestSupport
import Testing

/// Reading a folder of exports: any size, any file names, broken files named with their line.
struct DockerExportTests {
    /// A fleet host's `docker inspect` of a few thousand containers runs to tens of megabytes: read whole (host
    /// files are capped at 4 MiB; exports are not). Built as text, so the test itself stays light on memory (other
    /// suites measure resident memory while it runs).
    @Test func aLargeExportIsReadWhole() throws {
        let tree = try TempTree()
        let recorded = try String(
            contentsOfFile: Repository.fixture("docker/host-export/containers.json").path, encoding: .utf8)
        let trimmed = recorded.trimmingCharacters(in: .whitespacesAndNewlines)
        let items = String(trimmed.dropFirst().dropLast())  // the array's items, without its brackets
        let copies = (5 << 20) / items.utf8.count + 1
        let text = "[" + Array(repeating: items, count: copies).joined(separator: ",") + "]"
        #expect(text.utf8.count > 5 << 20, "larger than any host file Gatehouse reads")
        _ = try tree.write("containers.json", text)
        let snapshot = DockerSnapshot.read(exportDirectory: tree.path, root: nil)
        #expect(snapshot.errors.isEmpty, "\(snapshot.errors)")
        #expect(snapshot.containerCount == copies * 4)
    }

    @Test func anEmptyFolderIsAnInputError() throws {
        let tree = try TempTree()
        let snapshot = DockerSnapshot.read(exportDirectory: tree.path, root: nil)
        #expect(snapshot.errors.count == 1)
        #expect(snapshot.errors.first?.message.contains("no .json export") == true)
    }
}

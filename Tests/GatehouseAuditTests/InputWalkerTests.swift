import Foundation
@testable import KubeModel
import TestSupport
import Testing

struct InputWalkerTests {
    @Test func walksRecursivelyInSortedOrderWithAuditedExtensionsOnly() throws {
        let tree = try TempTree()
        try tree.write("b.yaml", "")
        try tree.write("a/z.json", "")
        try tree.write("a/deeper/x.yml", "")
        try tree.write("a/readme.md", "")
        try tree.write("a/UPPER.YAML", "")
        try tree.write(".git/config.yaml", "")
        try tree.write("c.txt", "")
        let (inputs, errors) = InputWalker().expand([tree.path])
        #expect(errors.isEmpty)
        #expect(tree.relative(inputs.map(\.description)) == ["a/UPPER.YAML", "a/deeper/x.yml", "a/z.json", "b.yaml"])
    }

    /// Audit logs: `*.jsonl` exports are picked up in directories, `*.log` files only when named.
    @Test func auditLogsAreReadWhenNamedOrExportedAsJSONLines() throws {
        let tree = try TempTree()
        try tree.write("logs/audit.log", "")
        try tree.write("logs/kubelet.log", "")
        try tree.write("logs/export.jsonl", "")
        let (walked, walkErrors) = InputWalker().expand([tree.path])
        #expect(walkErrors.isEmpty)
        #expect(tree.relative(walked.map(\.description)) == ["logs/export.jsonl"])
        let (named, namedErrors) = InputWalker().expand([tree.root.appendingPathComponent("logs/audit.log").path])
        #expect(namedErrors.isEmpty)
        #expect(tree.relative(named.map(\.description)) == ["logs/audit.log"])
    }

    @Test func followsSymlinksButNotLoops() throws {
        let tree = try TempTree()
        try tree.write("real/app.yaml", "")
        try tree.symlink("real/loop", to: tree.path)  // points back at the root
        try tree.symlink("linked", to: tree.root.appendingPathComponent("real").path)
        try tree.write("other/svc.yaml", "")
        try tree.symlink("other/self", to: ".")
        let (inputs, errors) = InputWalker().expand([tree.path])
        #expect(errors.isEmpty)
        // every file once, each directory entered once, whichever link reaches it first
        #expect(tree.relative(inputs.map(\.description)) == ["linked/app.yaml", "other/svc.yaml"])
    }

    @Test func explicitFilesAreReadWhateverTheirExtension() throws {
        let tree = try TempTree()
        let text = try tree.write("manifest.txt", "")
        let (inputs, errors) = InputWalker().expand([text, "-", text, "-"])
        #expect(errors.isEmpty)
        #expect(inputs == [.file(text), .standardInput])
    }

    @Test func missingPathIsAnErrorNamingIt() {
        let (inputs, errors) = InputWalker().expand(["/nonexistent/gatehouse.yaml"])
        #expect(inputs.isEmpty)
        #expect(errors.map(\.description) == ["/nonexistent/gatehouse.yaml: no such file or directory"])
    }

    @Test func danglingLinkToAManifestIsReported() throws {
        let tree = try TempTree()
        try tree.symlink("gone.yaml", to: tree.root.appendingPathComponent("missing.yaml").path)
        try tree.symlink("gone.txt", to: tree.root.appendingPathComponent("missing.txt").path)
        let (inputs, errors) = InputWalker().expand([tree.path])
        #expect(inputs.isEmpty)
        #expect(tree.relative(errors.map(\.file)) == ["gone.yaml"])
    }
}

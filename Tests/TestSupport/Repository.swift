import Foundation

/// Paths in the repository the tests were built from. SwiftPM does not fix the working directory of a test
/// run, so every path starts from this file's own location.
public enum Repository {
    /// The repository root: the folder that holds Package.swift.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A path relative to the root, such as `docs/rules.md` or `examples`.
    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// A file or folder under `Tests/Fixtures`.
    public static func fixture(_ relativePath: String) -> URL {
        url("Tests/Fixtures").appendingPathComponent(relativePath)
    }

    /// The text of a file under `Tests/Fixtures`.
    public static func fixtureText(_ relativePath: String) throws -> String {
        try String(contentsOf: fixture(relativePath), encoding: .utf8)
    }

    /// The shared corpus of real manifests, audit events and scanner reports: `shared/corpus` beside the
    /// repository, as the development machines and CI lay it out, or beside one of its ancestors (a checkout
    /// in a worktree folder sits deeper); `nil` where it is absent, and tests that read it skip themselves.
    public static let sharedCorpus: URL? = {
        var folder = root.deletingLastPathComponent()
        while folder.path != "/" {
            let corpus = folder.appendingPathComponent("shared/corpus")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: corpus.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return corpus
            }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }()
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import KubeModel
import TestSupport
import Testing

private let corpusPath: String? = Repository.sharedCorpus?.path

private func corpusExists() -> Bool { corpusPath != nil }

/// Every manifest file below `path`, sorted (a test helper; the product's walker lives with the auditor).
private func manifestFiles(under path: String) -> [String] {
    var result: [String] = []
    var pending = [path]
    while let dir = pending.popLast() {
        guard let handle = opendir(dir) else { continue }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let full = "\(dir)/\(name)"
            var info = stat()
            guard lstat(full, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                pending.append(full)
            } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json") {
                result.append(full)
            }
        }
    }
    return result.sorted()
}

struct CorpusTests {
    @Test(.enabled(if: corpusExists(), "the shared corpus is not next to this checkout"))
    func loadsTheWholeCorpus() {
        let files = manifestFiles(under: corpusPath ?? "")
        #expect(files.count > 2_000)
        var objects = 0
        var errors: [LoadError] = []
        var kinds: Set<String> = []
        for file in files {
            let outcome = Manifests.load(contentsOf: file, checkShapes: false) { object in
                objects += 1
                kinds.insert(object.kind)
                #expect(object.position.line > 0)
            }
            errors += outcome.errors
        }
        #expect(objects >= 3_600)
        // The only errors are real ones: eight published manifests repeat a key (kubectl refuses them).
        let repeated = errors.filter { $0.message.contains("repeats the key at line") }
        #expect(repeated.count == errors.count, "\(errors.filter { !$0.message.contains("repeats the key") }.prefix(5))")
        #expect(
            Set(repeated.map { String($0.file.split(separator: "/").last ?? "") }) == [
                "my-target-cluster.yaml", "replicator.yaml", "platform.yaml", "etcd-controller.yaml",
                "etcd-discovery-controller.yaml", "openshift-controller.yaml", "quobyte-admin-secret.yaml", "sc-pvc.yaml",
            ])
        #expect(kinds.isSuperset(of: ["Deployment", "Service", "ClusterRole", "CustomResourceDefinition"]))
    }
}

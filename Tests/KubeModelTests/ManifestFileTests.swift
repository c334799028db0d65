#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
@testable import KubeModel
import Testing

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// This process's resident memory in MB (Linux), or 0.
func residentMegabytes() -> Int {
    let fd = open("/proc/self/status", O_RDONLY)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 16_384)
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard n > 0 else { return 0 }
    for line in String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return (line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) / 1024
    }
    return 0
}

/// A scratch directory for one test, removed afterwards.
final class ScratchDirectory {
    let path: String

    init() {
        var template = Array("/tmp/gatehouse-loader-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = made.map { String(cString: $0) } ?? "/tmp"
    }

    deinit {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                if name != "." && name != ".." { unlink("\(path)/\(name)") }
            }
            closedir(dir)
        }
        rmdir(path)
    }

    /// Writes `bytes` to `name` and returns the full path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let file = "\(path)/\(name)"
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0)
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + done, buffer.count - done)
                precondition(n > 0)
                done += n
            }
        }
        close(fd)
        return file
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }
}

struct ManifestFileTests {
    static let deploymentJSON = #"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},
         "spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}
        """#

    @Test func readsJSONAndYAMLFilesByExtensionAndContent() {
        let dir = ScratchDirectory()
        let json = dir.write("deploy.json", Self.deploymentJSON)
        let yaml = dir.write("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n")
        let jsonInYAML = dir.write("also.yaml", Self.deploymentJSON)
        var names: [String] = []
        let a = Manifests.load(contentsOf: json) { names.append($0.displayName) }
        let b = Manifests.load(contentsOf: yaml) { names.append($0.displayName) }
        let c = Manifests.load(contentsOf: jsonInYAML, displayName: "shown.yaml") {
            names.append($0.displayName)
            #expect($0.source.file == "shown.yaml")
        }
        #expect(names == ["Deployment shop/web", "Service web", "Deployment shop/web"])
        #expect(a.format == .json)
        #expect(b.format == .yaml)
        #expect(c.format == .json)
        #expect(a.errors.isEmpty && b.errors.isEmpty && c.errors.isEmpty)
    }

    @Test func flowStyleYAMLThatLooksLikeJSONFallsBackToYAML() {
        let (objects, outcome) = Manifests.load("{apiVersion: v1, kind: ConfigMap, metadata: {name: flow}}")
        #expect(objects.map(\.name) == ["flow"])
        #expect(outcome.format == .yaml)
        #expect(outcome.errors.isEmpty)
        // Broken JSON that is not YAML either gets the JSON error.
        let (_, broken) = Manifests.load(#"{"apiVersion": "v1", "kind": "ConfigMap",, }"#, file: "-")
        #expect(broken.format == .json)
        #expect(broken.errors.first?.description == "-:1:42: unexpected ',', expected a quoted object key")
    }

    @Test func jsonFilesAreStrict() {
        let dir = ScratchDirectory()
        let path = dir.write("bad.json", "{apiVersion: v1, kind: ConfigMap, metadata: {name: flow}}")
        let outcome = Manifests.load(contentsOf: path) { _ in Issue.record("no object expected") }
        #expect(outcome.errors.count == 1)
        #expect(outcome.errors.first?.description == "\(path):1:2: unexpected 'a', expected a quoted object key")
    }

    @Test func jsonListsAreStreamedWithItemSources() {
        let text = """
            {"apiVersion":"v1","items":[
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}},
            {"not":"an object"},
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}}
            ],"kind":"List","metadata":{}}
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n"}}
            """
        let (objects, outcome) = Manifests.load(text, file: "export.json")
        #expect(objects.map(\.name) == ["a", "b", "n"])
        #expect(objects.map(\.source.item) == [0, 2, nil])
        #expect(objects.map(\.source.document) == [0, 0, 1])
        #expect(objects[1].position == SourcePosition(line: 4, column: 1))
        #expect(outcome.notes.map(\.message) == ["list item 1 has no apiVersion or kind; skipped"])
        #expect(outcome.documents == 2)
    }

    @Test func windowsLineEndingsAndByteOrderMarks() {
        let json = [0xEF, 0xBB, 0xBF] + Array("{\r\n  \"apiVersion\": \"v1\",\r\n  \"kind\": \"Namespace\",\r\n  \"metadata\": {\"name\": 1}\r\n}".utf8)
        var positions: [SourcePosition] = []
        let outcome = json.withUnsafeBytes { bytes in
            Manifests.load(bytes, file: "ns.json") { positions.append($0.root["kind"]!.position) }
        }
        #expect(outcome.format == .json)
        #expect(positions == [SourcePosition(line: 3, column: 11)])
        let yaml = [0xEF, 0xBB, 0xBF] + Array("apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: n\r\n".utf8)
        var names: [String] = []
        let yamlOutcome = yaml.withUnsafeBytes { bytes in
            Manifests.load(bytes, file: "ns.yaml") { names.append($0.name); positions.append($0.root["kind"]!.position) }
        }
        #expect(yamlOutcome.errors.isEmpty)
        #expect(names == ["n"])
        #expect(positions.last == SourcePosition(line: 2, column: 7))
    }

    @Test func unreadableInputsAreErrorsNotCrashes() {
        let dir = ScratchDirectory()
        let missing = Manifests.load(contentsOf: "\(dir.path)/nope.yaml") { _ in }
        #expect(missing.errors.first?.description == "\(dir.path)/nope.yaml: cannot open: No such file or directory")
        let directory = Manifests.load(contentsOf: dir.path) { _ in }
        #expect(directory.errors.first?.message == "is a directory, not a file")
        let empty = dir.write("empty.yaml", "")
        let nothing = Manifests.load(contentsOf: empty) { _ in }
        #expect(nothing.errors.isEmpty && nothing.objects == 0)
        // A character device goes through read(), not mmap.
        let null = Manifests.load(contentsOf: "/dev/null") { _ in }
        #expect(null.errors.isEmpty && null.objects == 0)
    }

    @Test func aYAMLFileWithAnErrorKeepsTheObjectsBeforeIt() {
        let dir = ScratchDirectory()
        let path = dir.write("mixed.yml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [\n")
        var names: [String] = []
        let outcome = Manifests.load(contentsOf: path) { names.append($0.name) }
        #expect(names == ["a"])
        #expect(outcome.errors.count == 1)
        #expect(outcome.errors.first?.description.hasPrefix("\(path):") == true)
    }

    /// A 100 MB JSON `kind: List` (about 230,000 Pods) streams through without holding the list; and a single
    /// 100 MB object (one huge string) is one tree. YAML gets a 12 MB multi-document stream: libyaml itself runs
    /// at tens of MB/s, and debug builds of the tree builder would make 100 MB slow for a unit test.
    @Test func hundredMegabyteDocuments() throws {
        let item = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns","labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx:1.25","securityContext":{"privileged":false,"runAsUser":1000}}]}}"#
        var list = Array(#"{"apiVersion":"v1","items":["#.utf8)
        let count = 100_000_000 / (item.utf8.count + 2)
        list.reserveCapacity(100_100_000)
        for i in 0..<count {
            if i > 0 { list.append(UInt8(ascii: ",")); list.append(0x0A) }
            list.append(contentsOf: item.utf8)
        }
        list.append(contentsOf: #"],"kind":"List","metadata":{"resourceVersion":""}}"#.utf8)
        #expect(list.count >= 100_000_000)
        let dir = ScratchDirectory()
        let path = dir.write("big.json", list)
        list = []
        var seen = 0
        var last = SourcePosition.unknown
        let before = residentMegabytes()
        var peak = before
        let outcome = Manifests.load(contentsOf: path, checkShapes: false) { object in
            seen += 1
            last = object.position
            if seen % 20_000 == 0 { peak = max(peak, residentMegabytes()) }
        }
        #expect(outcome.errors.isEmpty)
        #expect(seen == count)
        #expect(last == SourcePosition(line: count, column: 1))
        // Streamed: the mapped file's pages are given back behind the parse (and behind the list skim), so
        // resident memory grows by far less than the file's 100 MB.
        #if os(Linux)
            #expect(peak - before < 64, "resident memory grew from \(before) MB to \(peak) MB")
        #endif

        let head = Array(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"blob":""#.utf8)
        let tail = Array(#""}}"#.utf8)
        var huge = [UInt8](repeating: UInt8(ascii: "a"), count: head.count + 100_000_000 + tail.count)
        huge.replaceSubrange(0..<head.count, with: head)
        huge.replaceSubrange((huge.count - tail.count)..., with: tail)
        let hugePath = dir.write("huge.json", huge)
        huge = []
        var blobLength = 0
        let single = Manifests.load(contentsOf: hugePath) { blobLength = $0.root.at("data", "blob")?.withScalarBytes { $0.count } ?? 0 }
        #expect(single.errors.isEmpty)
        #expect(blobLength == 100_000_000)

        let doc = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: ns, labels: {app: web}}
            spec:
              containers:
              - name: c
                image: nginx:1.25
                securityContext: {privileged: false, runAsUser: 1000}
            ---

            """
        let docs = 12_000_000 / doc.utf8.count
        let yamlPath = dir.write("big.yaml", Array(String(repeating: doc, count: docs).utf8))
        var yamlSeen = 0
        let yamlOutcome = Manifests.load(contentsOf: yamlPath, checkShapes: false) { _ in yamlSeen += 1 }
        #expect(yamlOutcome.errors.isEmpty)
        #expect(yamlSeen == docs)
    }
}

import Foundation
@testable import KubeModel
import TestSupport
import Testing

/// Test inputs of the differential: the committed fixtures and corpus files. The comparison itself is
/// ``YAMLDifferential`` in KubeModel, shared with the differential fuzz target.
extension YAMLDifferential {
    static var fixtureDirectory: URL { Repository.fixture("yaml-differential") }

    static func files(under directory: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var found: [URL] = []
        for case let url as URL in walker where ["yaml", "yml", "json"].contains(url.pathExtension) {
            found.append(url)
        }
        return found.sorted { $0.path < $1.path }
    }
}

struct FastYAMLDifferentialTests {
    /// The committed fixtures: real-world shapes of every construct the scanner reads.
    @Test func fixturesReadAlike() throws {
        let files = YAMLDifferential.files(under: YAMLDifferential.fixtureDirectory)
        #expect(files.count >= 10)
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            #expect(YAMLDifferential.difference(bytes) == nil, "\(file.lastPathComponent)")
        }
    }

    /// The fixtures stay within the subset, so the scanner (not libyaml) reads all their documents.
    @Test func fixturesTakeTheFastPath() throws {
        for file in YAMLDifferential.files(under: YAMLDifferential.fixtureDirectory)
        where !file.lastPathComponent.hasPrefix("fallback-") {
            let bytes = try [UInt8](Data(contentsOf: file))
            let reference = YAMLDifferential.read(bytes, route: .libyamlOnly).outcome
            let fast = YAMLDifferential.read(bytes, route: .fastFirst).fastDocuments
            #expect(fast == reference.documents.count, "\(file.lastPathComponent): \(fast) of \(reference.documents.count) fast")
        }
    }

    /// After a document libyaml had to read, the fast scanner takes the stream back at the next `---`.
    @Test func fastScannerResumesAfterAFallbackDocument() throws {
        let file = YAMLDifferential.fixtureDirectory.appendingPathComponent("fallback-then-fast.yaml")
        let bytes = try [UInt8](Data(contentsOf: file))
        let reference = YAMLDifferential.read(bytes, route: .libyamlOnly).outcome
        #expect(reference.documents.count == 7)
        #expect(YAMLDifferential.read(bytes, route: .fastFirst).fastDocuments == 5)
        #expect(YAMLDifferential.difference(bytes) == nil)
    }

    /// Every file of the shared real-world corpus, when it is present (it is not part of the repository).
    @Test(.enabled(if: Repository.sharedCorpus != nil, "the shared corpus is not beside the repository"))
    func corpusReadsAlike() throws {
        let corpus = try #require(Repository.sharedCorpus)
        var documents = 0
        var fastDocuments = 0
        for file in YAMLDifferential.files(under: corpus) {
            let bytes = try [UInt8](Data(contentsOf: file))
            #expect(YAMLDifferential.difference(bytes) == nil, "\(file.path)")
            documents += YAMLDifferential.read(bytes, route: .libyamlOnly).outcome.documents.count
            fastDocuments += YAMLDifferential.read(bytes, route: .fastFirst).fastDocuments
        }
        #expect(fastDocuments * 10 >= documents * 8, "\(fastDocuments) of \(documents) documents read by the fast scanner")
    }

    /// A large generated corpus named by `GATEHOUSE_FAST_YAML_CORPUS` (a directory, e.g. the benchmark's
    /// `.build/bench-corpus/yaml`): compared document by document through a digest of each tree, with the share
    /// the fast scanner read. Skipped when the variable is unset.
    @Test func namedCorpusReadsAlike() throws {
        guard let path = ProcessInfo.processInfo.environment["GATEHOUSE_FAST_YAML_CORPUS"] else { return }
        var documents = 0
        var fastDocuments = 0
        for file in YAMLDifferential.files(under: URL(fileURLWithPath: path)) {
            let bytes = try [UInt8](Data(contentsOf: file))
            func digests(_ route: YAMLLoader.Route) -> (digests: [UInt64], problem: LoadProblem?, fast: Int) {
                var digests: [UInt64] = []
                let (problem, fast) = bytes.withUnsafeBytes { input in
                    YAMLLoader.load(input, route: route) { tree, index, _ in
                        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(index)
                        func mix(_ v: UInt64) { h = (h ^ v) &* 0x100_0000_01b3 }
                        for i in 0..<tree.storedNodes {
                            let n = tree.nodes[i]
                            mix(UInt64(n.kind.rawValue) << 56 | (n.flag ? 1 << 48 : 0) | UInt64(n.line) << 16 | UInt64(n.column))
                            mix(UInt64(n.start) << 32 | UInt64(n.count))
                        }
                        for i in 0..<tree.storedBytes { mix(UInt64(tree.bytes[i])) }
                        mix(UInt64(bitPattern: Int64(tree.rootIndex)))
                        digests.append(h)
                    }
                }
                return (digests, problem, fast)
            }
            let fast = digests(.fastFirst)
            let reference = digests(.libyamlOnly)
            #expect(fast.digests == reference.digests, "\(file.path)")
            #expect(fast.problem == reference.problem, "\(file.path)")
            documents += reference.digests.count
            fastDocuments += fast.fast
        }
        #expect(documents > 0, "\(fastDocuments) of \(documents) documents read by the fast scanner")
    }

    /// Snippets the scanner reads itself; each must agree with libyaml and not fall back.
    @Test(arguments: [
        "a: 1\n", "a: 1", "a:\n", "a:", "a: \n", "a:   # c\n", "- a\n- b\n", "-\n- b\n", "- \n-\n", "k:\n- a\n- b\nz: 1\n",
        "k:\n  - a\n  - b\n", "- a: 1\n  b: 2\n- c: 3\n", "- - a\n  - b\n- c\n", "- - - x\n", "a: 'it''s'\n",
        "a: \"x\\\"y\\\\z\\n\\t\\/\\u00e9\\x41\\U0001F600\"\n", "\"k\": v\n", "'k' : v\n", "a: b # c\n", "a: b#c\n",
        "# head\n\na: 1 # t\n  # indented comment\nb: 2\n", "---\na: 1\n---\nb: 2\n", "---\n---\n", "---\n", "--- # c\na: 1\n...\n",
        "a: 1\n...\n---\nb: 2\n", "a: |\n  x\n  y\n", "a: |-\n  x\n\n", "a: |+\n  x\n\n\n", "a: >\n  x\n  y\n\n  z\n",
        "a: >-\n  x\n   y\n  z\n", "a: |\n\n  x\n", "a: |\nb: 1\n", "a: |\n", "a: >\n  x\n\n\n", "- |\n  x\n- >-\n  y\n",
        "a: []\nb: {}\nc: [a, b]\nd: [\"a\", 'b']\ne: {a: 1, b: \"2\"}\n", "a: [ ]\n", "a: [1, [2, 3], {x: y}]\n",
        "k: v\r\nl:\r\n- 1\r\n", "ключ: значение\nx: é\n", "é: \nz: 1\n", "a: ~\nb: null\nc: yes\nd: 0755\ne: <<\n", "<<: {a: 1}\nb: 2\n",
        "a:\n  b:\n    c: d\n", "a:\n  b\n", "a:\n  'b'\n", "a:\n  [b]\n", "scalar\n", "'quoted'\n", "[a, b]\n",
        "{\"a\": 1, \"b\": [true, null]}\n", "a: -1\nb: -x\n", "a: b: c", "a:b\n", "k: 'x' \n", "k: x   \n",
        "a: [a, b,]\n", "a: {b: 1, c: 2, }\n", "- name: :path\n", "a: ?x\n", ":a: b\n", "?b: c\n", "a: {\"b\" : 1}\n", "a: [b , c]\n", "a: {b: 1 , c: 2}\n", "- [a]\n- {}\n", "a: [ b , c ]\n",
        "a: 1\r\n---\r\nb: 2\r\n", "a: |\r\n  x\r\n\r\n  y\r\n", "a: >-\n\n  x\n\n\n  y\n  z\n\n", "a: |\n  x\n    y\n  z\n",
        "a: >\n  x\n    y\n  z\n", "a: |\n  x\n      \n  y\n", "a:\n  - |\n    x\n  - y\n", "- a: |\n    x\n  b: y\n", "a: [\"get\",\"list\",]\n",
    ])
    func subsetReadsFast(text: String) {
        let bytes = Array(text.utf8)
        #expect(YAMLDifferential.difference(bytes) == nil, "\(text.debugDescription)")
        let reference = YAMLDifferential.read(bytes, route: .libyamlOnly).outcome
        let fast = YAMLDifferential.read(bytes, route: .fastFirst).fastDocuments
        if reference.problem == nil {
            #expect(fast == reference.documents.count, "\(text.debugDescription) was not read by the fast scanner")
        }
    }

    /// Constructs left to libyaml, alone or after documents the scanner has delivered: the result must still
    /// be libyaml's, error messages and positions included.
    @Test(arguments: [
        "a: &x 1\nb: *x\n", "a: !!str 1\n", "? a\n: b\n", "%YAML 1.1\n---\na: 1\n", "a:\n\tb: 1\n", "a: b\n  c\n",
        "a: 'b\n  c'\n", "a: [b,\n  c]\n", "\u{FEFF}a: 1\n", "a: 1\r", "a: |2\n   x\n", "a: \"\\q\"\n", "a: \"\\ud800\"\n",
        "a: 1\n b: 2\n", "a: 1\n- b\n", "a: b: c\n", "- a\n  b: 1\n", "a: [1, 2\n", "a: {b: 1\n", "a: 'x'y\n", "a:\n  - b\n  c: 1\n",
        "\u{01}a: 1\n", "a: \u{85}\n", "a: x\u{2028}y\n", "--- a\n", "a: 1\n...\nb: 2\n", "...\n", "a: 1\n--- |\n  x\n",
        "a: b\n\t\n", "a: 'x'\n  b\n", "{a: 1}: b\n", "a: [a: b]\n", "a: {a}\n", "a: [,]\n", "a: [a,,]\n", "a: [-]\n", "a: : b\n", "a: ? b\n", "- :\n", "a: |\n# c\n  x\n", "a: |\n      \n    x\n", "a: |\n  x\n\ty\n", "a: \"x\" y\n",
    ])
    func fallbackAgrees(text: String) {
        for prefix in ["", "---\nfirst: document\n", "first: document\n---\n", "---\nx: 1\n...\n"] {
            let bytes = Array((prefix + text).utf8)
            #expect(YAMLDifferential.difference(bytes) == nil, "\((prefix + text).debugDescription)")
        }
    }

    /// Repeated keys, in every place a key is written: both routes report the same repeat, at the same
    /// positions, in the same document.
    @Test(arguments: [
        "a: 1\na: 2\n", "a: 1\nb: 2\na: 3\n", "apiVersion: v1\nkind: A\napiVersion: v1\nkind: B\n", "a: {b: 1, b: 2}\n",
        "- a: 1\n  a: 2\n", "a:\n  b: 1\n  c:\n    d: 1\n    d: 2\n  b: 3\n", "\"a\": 1\n'a': 2\n", "a: 1\n\"a\": 2\n",
        "~: 1\nnull: 2\n", "1: a\n\"1\": b\n", "a: 1\n---\nb: 1\nb: 2\n---\nc: 1\n", "é: 1\né: 2\n", "a: 1\r\na: 2\r\n",
        "k: |\n  x\nk: y\n", "<<: {a: 1}\n<<: {b: 1}\n", "a: &x {b: 1}\nc: {<<: *x, b: 2, b: 3}\n",
        "? [a]\n: 1\n? [a]\n: 2\nb: 3\n", "? {x: 1}\n: a\nx: 2\n", "a: &k key\n*k : 2\nkey: 3\n",
    ])
    func repeatedKeysReadAlike(text: String) {
        for prefix in ["", "---\nfirst: document\n", "x: &y 1\n---\n"] {
            let bytes = Array((prefix + text).utf8)
            #expect(YAMLDifferential.difference(bytes) == nil, "\((prefix + text).debugDescription)")
        }
    }

    /// Invalid UTF-8 anywhere: libyaml reads the whole stream, so its reader error comes where it always did.
    @Test func invalidBytesAreLibyamls() {
        var bytes = Array("a: 1\n---\nb: 2\n---\nc: ".utf8)
        bytes += [0xC3, 0x28, 0x0A]
        #expect(YAMLDifferential.difference(bytes) == nil)
        #expect(YAMLDifferential.read(bytes, route: .fastFirst).fastDocuments == 0)
    }

    /// Bytes libyaml's reader refuses, at every alignment among line breaks, are found by the input check.
    @Test(arguments: [[0x00], [0x01], [0x0B], [0x1F], [0x7F], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0xC2, 0x80], [0xEF, 0xBF, 0xBE]] as [[UInt8]])
    func readerRefusals(bad: [UInt8]) {
        let text = Array("a: 1\nb: 2\n- x\n\n\nc: dd\n".utf8)
        for offset in 0...text.count {
            var bytes = text
            bytes.insert(contentsOf: bad, at: offset)
            let accepted = bytes.withUnsafeBytes { BlockYAMLScanner.readerAccepts($0) }
            #expect(!accepted, "\(bad) at \(offset)")
            #expect(YAMLDifferential.difference(bytes) == nil, "\(bad) at \(offset)")
        }
        let clean = Array("a: 1\r\nb:\t2\n\u{85}\u{A0}é\u{FEFF}😀\n".utf8)
        #expect(clean.withUnsafeBytes { BlockYAMLScanner.readerAccepts($0) })
    }

    /// Columns on a long line of non-ASCII scalars are characters, as libyaml counts them.
    @Test func longNonASCIILine() {
        let text = "k: [" + Array(repeating: "é😀, 'ü'", count: 3000).joined(separator: ", ") + "]\n"
        let bytes = Array(text.utf8)
        #expect(YAMLDifferential.difference(bytes) == nil)
        #expect(YAMLDifferential.read(bytes, route: .fastFirst).fastDocuments == 1)
    }

    /// Nesting limits behave as before: the scanner leaves the limit to libyaml, which reports it.
    @Test func depthLimitIsLibyamls() {
        let text = "a:\n  b:\n    c:\n      d: 1\n"
        let limits = LoadLimits(maxDepth: 3)
        let fast = YAMLDifferential.read(Array(text.utf8), route: .fastFirst, limits: limits).outcome
        #expect(fast.problem?.message == "nesting deeper than 3 levels")
        #expect(YAMLDifferential.difference(Array(text.utf8), limits: limits) == nil)
    }

    /// The same kind of edits on a sample of the real-world corpus, when it is present.
    @Test(.enabled(if: Repository.sharedCorpus != nil, "the shared corpus is not beside the repository"))
    func corpusMutationsReadAlike() throws {
        let corpus = try #require(Repository.sharedCorpus)
        let inserts: [UInt8] = Array(" :'\"-\t\n#>|[{,".utf8)
        var mutations = 0
        var failures: [String] = []
        for (n, file) in YAMLDifferential.files(under: corpus).enumerated() where n % 20 == 0 {
            let original = Array(try [UInt8](Data(contentsOf: file)).prefix(6000))
            var offset = n % 11
            while offset < original.count {
                let op = (offset / 11) % (inserts.count + 1)
                let edited = Self.edit(original, at: offset, op: op, inserts: inserts)
                mutations += 1
                if let difference = YAMLDifferential.difference(edited), failures.count < 20 {
                    failures.append("\(file.path) edit \(op) at \(offset): \(difference)")
                }
                offset += 11
            }
        }
        #expect(mutations > 0)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// `bytes` with `inserts[op]` inserted at `offset`, or the byte there deleted when `op` is `inserts.count`.
    private static func edit(_ bytes: [UInt8], at offset: Int, op: Int, inserts: [UInt8]) -> [UInt8] {
        var edited = bytes
        if op == inserts.count {
            edited.remove(at: offset)
        } else {
            edited.insert(inserts[op], at: offset)
        }
        return edited
    }

    /// Deterministic byte edits of the fixtures (a space, colon, quote, dash, tab, newline, `#`... deleted or
    /// inserted at many offsets): whatever comes out, both readings agree.
    @Test func mutationsReadAlike() throws {
        let inserts: [UInt8] = Array(" :'\"-\t\n#>|[{,".utf8)
        var mutations = 0
        var failures: [String] = []
        for file in YAMLDifferential.files(under: YAMLDifferential.fixtureDirectory) {
            let original = try [UInt8](Data(contentsOf: file))
            guard !original.isEmpty else { continue }
            // Two edits at every offset, the kinds of edit cycling at different rates so that each kind meets
            // every column.
            for offset in 0..<original.count {
                for op in [offset % (inserts.count + 1), (offset * 5 + 3) % (inserts.count + 1)] {
                    let edited = Self.edit(original, at: offset, op: op, inserts: inserts)
                    mutations += 1
                    if let difference = YAMLDifferential.difference(edited), failures.count < 20 {
                        failures.append("\(file.lastPathComponent) edit \(op) at \(offset): \(difference)\n"
                            + String(decoding: edited, as: UTF8.self).debugDescription)
                    }
                }
            }
        }
        #expect(mutations >= 2000)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}

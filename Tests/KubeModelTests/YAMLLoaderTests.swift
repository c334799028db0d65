@testable import KubeModel
import Testing

/// All documents of a YAML text, or the error that stopped it.
private func documents(_ text: String, limits: LoadLimits = .default) -> (trees: [Tree], problem: LoadProblem?) {
    var trees: [Tree] = []
    var copy = text
    let problem = copy.withUTF8 { YAMLLoader.load(UnsafeRawBufferPointer($0), limits: limits) { tree, _ in trees.append(tree) } }
    return (trees, problem)
}

private func yaml(_ text: String) throws -> Value {
    try #require(ParsedYAML.firstDocument(text))
}

struct YAMLScalarTests {
    /// Plain scalars resolve as Kubernetes' YAML 1.1 decoder resolves them.
    @Test(arguments: [
        ("yes", ValueKind.bool), ("Yes", .bool), ("on", .bool), ("OFF", .bool), ("n", .bool), ("true", .bool),
        ("~", .null), ("null", .null), ("Null", .null), ("", .null),
        ("0755", .number), ("0x1F", .number), ("1e3", .number), ("-1.5", .number), (".inf", .number),
        ("0o17", .number), ("1_000", .number), ("+12", .number),
        ("\"yes\"", .string), ("'123'", .string), ("!!str 0755", .string), ("!!str yes", .string),
        ("hello", .string), ("1.2.3", .string), ("0x", .string), ("1e", .string), ("nulls", .string),
        ("2024-01-01", .string), ("!!int \"12\"", .number), ("!!bool \"true\"", .bool), ("!!null ''", .null),
    ])
    func resolvesPlainScalars(text: String, kind: ValueKind) throws {
        let value = try yaml("v: \(text)")
        #expect(value["v"]?.kind == kind, "v: \(text)")
    }

    @Test func numberValues() throws {
        let value = try yaml("a: 0755\nb: 0x1F\nc: 1e3\nd: -42\ne: 1_000\nf: 0o17\ng: 2.5")
        #expect(value["a"]?.int == 0o755)
        #expect(value["b"]?.int == 31)
        #expect(value["c"]?.int == 1000)
        #expect(value["d"]?.int == -42)
        #expect(value["e"]?.int == 1000)
        #expect(value["f"]?.int == 15)
        #expect(value["g"]?.int == nil)
        #expect(value["g"]?.double == 2.5)
        // The text stays as written: a number read as a string gives the author's spelling.
        #expect(value["a"]?.string == "0755")
    }

    /// The byte-level integer reader agrees with the general one on every spelling.
    @Test(arguments: [
        "0", "00", "07", "08", "09", "0755", "0x1F", "-0x1F", "0X1f", "0o17", "0b101", "+12", "-42", "1_000",
        "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e3", "1E3", "2.0", "2.5", "-0",
        ".inf", "0x", "+", "1_2_3",
    ])
    func integerReadingAgrees(text: String) throws {
        let value = try yaml("v: !!int \(text)")
        #expect(value["v"]?.int == NumberSyntax.integer(text), "\(text)")
    }

    @Test func booleansKeepTheirMeaning() throws {
        let value = try yaml("a: yes\nb: off\nc: \"true\"")
        #expect(value["a"]?.isTrue == true)
        #expect(value["b"]?.bool == false)
        #expect(value["c"]?.bool == nil)
        #expect(value["c"]?.stringOnly == "true")
    }
}

struct YAMLLoaderTests {
    @Test func positionsOfNestedNodes() throws {
        let value = try yaml("""
            apiVersion: apps/v1
            kind: Deployment
            spec:
              template:
                spec:
                  containers:
                  - name: app
                    securityContext:
                      privileged: true
            """)
        let container = try #require(value.at("spec", "template", "spec", "containers")?[0])
        #expect(container.position == SourcePosition(line: 7, column: 9))
        #expect(container["name"]?.position == SourcePosition(line: 7, column: 15))
        #expect(container.at("securityContext", "privileged")?.position == SourcePosition(line: 9, column: 23))
        #expect(value["kind"]?.position == SourcePosition(line: 2, column: 7))
    }

    @Test func anchorsAndAliases() throws {
        let value = try yaml("""
            base: &ctx
              runAsNonRoot: true
              runAsUser: 1000
            name: &n web
            a: *ctx
            b: *n
            """)
        #expect(value.at("a", "runAsUser")?.int == 1000)
        #expect(value["b"]?.string == "web")
        #expect(value["a"]?.position == SourcePosition(line: 5, column: 4))
    }

    @Test func mergeKeys() throws {
        let value = try yaml("""
            defaults: &d
              image: nginx
              pull: Always
            extra: &e
              port: 80
              pull: Never
            one:
              <<: *d
              pull: IfNotPresent
            two:
              <<: [*d, *e]
              name: x
            """)
        let one = try #require(value["one"])
        #expect(one["image"]?.string == "nginx")
        #expect(one["pull"]?.string == "IfNotPresent")  // explicit keys win
        #expect(one["<<"] == nil)
        let two = try #require(value["two"])
        #expect(two["port"]?.int == 80)
        #expect(two["pull"]?.string == "Always")  // earlier merged mappings win
        #expect(two["name"]?.string == "x")
    }

    @Test func oddMergeValuesAreIgnoredNotFatal() throws {
        let value = try yaml("""
            s: &s scalar
            l: &l [1, 2]
            m: &m {a: 1}
            x:
              <<: *s
              b: 2
            y:
              <<: [*m, 3, *l]
              c: 3
            z:
              <<: 5
            """)
        #expect(value.at("x", "b")?.int == 2)
        #expect(value["x"]?.count == 1)
        #expect(value.at("y", "a")?.int == 1)
        #expect(value["y"]?.count == 2)
        #expect(value["z"]?.count == 0)
    }

    @Test func randomMutationsOfYAMLNeverCrash() {
        let valid = Array("""
            base: &b {image: nginx, ports: [80, 443]}
            apiVersion: v1
            kind: List
            items:
            - <<: *b
              apiVersion: v1
              kind: Pod
              metadata: {name: "a", labels: {x: 'y'}}
            - &p {apiVersion: v1, kind: Pod, metadata: {name: b}}
            - *p
            ---
            [1, {a: *b}]

            """.utf8)
        var generator = SplitMix(seed: 5)
        for _ in 0..<1_000 {
            var bytes = valid
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                let at = Int(generator.next() % UInt64(bytes.count))
                let byte = [UInt8(ascii: "*"), UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: "["), UInt8(ascii: "{"),
                            UInt8(ascii: ":"), UInt8(ascii: "-"), 0x0A, 0x20, UInt8(truncatingIfNeeded: generator.next())]
                    .randomElement(using: &generator)!
                switch generator.next() % 3 {
                case 0: bytes[at] = byte
                case 1: bytes.remove(at: at)
                default: bytes.insert(byte, at: at)
                }
            }
            let outcome = bytes.withUnsafeBytes { Manifests.load($0, file: "fuzz.yaml") { _ in } }
            // Any outcome but a crash; and a stream stops at its first syntax error.
            #expect(outcome.errors.filter { !$0.message.contains(" must be ") }.count <= 1)
        }
    }

    @Test func multiDocumentStreamsAndEmptyDocuments() {
        let (objects, outcome) = Manifests.load("""
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            ---
            ---
            # only a comment
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: b}
            ...
            """)
        #expect(objects.map(\.name) == ["a", "b"])
        #expect(objects.map(\.source.document) == [0, 3])
        #expect(outcome.notes.isEmpty)
        #expect(outcome.errors.isEmpty)
        #expect(outcome.format == .yaml)
        #expect(objects[1].position == SourcePosition(line: 9, column: 1))
    }

    @Test func listsAreFlattened() {
        let (objects, outcome) = Manifests.load("""
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Service
              metadata: {name: s}
            - just: a map
            - apiVersion: v1
              kind: Pod
              metadata: {name: p}
            ---
            apiVersion: v1
            kind: PodList
            items:
            - {apiVersion: v1, kind: Pod, metadata: {name: q}}
            """)
        #expect(objects.map(\.name) == ["s", "p", "q"])
        #expect(objects.map(\.source.item) == [0, 2, 0])
        #expect(objects.map(\.source.document) == [0, 0, 1])
        #expect(outcome.notes.count == 1)
        #expect(outcome.notes.first?.message == "list item 1 has no apiVersion or kind; skipped")
        #expect(outcome.notes.first?.position == SourcePosition(line: 7, column: 3))
    }

    @Test func nonKubernetesYAMLIsSkippedWithANote() {
        let (objects, outcome) = Manifests.load("""
            replicaCount: 2
            image: {repository: nginx}
            ---
            - a
            - b
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: n}
            """, file: "values.yaml")
        #expect(objects.map(\.kind) == ["Namespace"])
        #expect(outcome.notes.count == 2)
        #expect(outcome.notes[0].message.contains("no apiVersion or kind"))
        #expect(outcome.notes[0].source == SourceRef(file: "values.yaml", document: 0))
        #expect(outcome.notes[1].message.contains("not a mapping"))
        #expect(outcome.documents == 3)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let (_, flow) = documents(String(repeating: "[", count: 100_000))
        #expect(flow?.message.contains("nesting deeper than 256 levels") == true)
        #expect(flow?.position == SourcePosition(line: 1, column: 257))
        var block = ""
        for depth in 0..<400 {
            block += String(repeating: " ", count: depth) + "k:\n"
        }
        let (_, nested) = documents(block)
        #expect(nested?.message.contains("nesting deeper") == true)
        #expect(nested?.position.line == 257)
    }

    @Test func aliasBombFailsFast() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<10 {
            text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let (trees, problem) = documents(text)
        #expect(trees.isEmpty)
        let message = problem?.message ?? ""
        #expect(message.contains("alias bomb"))
        // A modest amount of sharing is fine.
        let (small, ok) = documents("a: &a [1, 2, 3]\nb: [*a, *a, *a]\n")
        #expect(ok == nil)
        #expect(small.first?.root.at("b")?[2]?.count == 3)
    }

    @Test func unknownAliasIsAnError() {
        let (_, problem) = documents("a: *nowhere\n")
        #expect(problem?.message.contains("unknown anchor") == true || problem != nil)
    }

    @Test func binaryInputGetsAClearError() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]
        let outcome = png.withUnsafeBytes { Manifests.load($0, file: "logo.png") { _ in } }
        #expect(outcome.objects == 0)
        #expect(outcome.errors.count == 1)
        let error = outcome.errors.first?.description ?? ""
        #expect(error.hasPrefix("logo.png:1:1: "))
        #expect(error.contains("binary"))
        var generator = SplitMix(seed: 99)
        for _ in 0..<100 {
            let bytes = (0..<Int(generator.next() % 400)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let random = bytes.withUnsafeBytes { Manifests.load($0, file: "random.bin") { _ in } }
            #expect(random.objects == 0 || random.errors.count <= 1)
        }
    }

    @Test func brokenYAMLReportsFileLineAndColumn() {
        let (objects, outcome) = Manifests.load("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: ok}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: [unclosed
            data: x
            """, file: "app.yaml")
        #expect(objects.map(\.name) == ["ok"])
        #expect(outcome.errors.count == 1)
        #expect(outcome.errors.first?.file == "app.yaml")
        #expect(outcome.errors.first?.position.line == 9)
    }
}

@testable import KubeModel
import Testing

private func parse(_ text: String, limits: LoadLimits = .default) -> Result<Tree, LoadProblem> {
    JSONLoader.parse(text, limits: limits)
}

private func parseBytes(_ bytes: [UInt8], limits: LoadLimits = .default) -> Result<Tree, LoadProblem> {
    bytes.withUnsafeBytes { JSONLoader.parse($0, limits: limits) }
}

private func root(_ text: String) throws -> Value {
    try parse(text).get().root
}

struct JSONLoaderTests {
    @Test func readsEveryKindOfValueWithPositions() throws {
        let text = """
            {
              "apiVersion": "v1",
              "spec": {"replicas": 3, "paused": false, "ratio": -1.5e3,
                "list": [null, true, "x"]}
            }
            """
        let value = try root(text)
        #expect(value.isMapping)
        #expect(value.position == SourcePosition(line: 1, column: 1))
        #expect(value["apiVersion"]?.stringOnly == "v1")
        #expect(value["apiVersion"]?.position == SourcePosition(line: 2, column: 17))
        let spec = try #require(value["spec"])
        #expect(spec.position == SourcePosition(line: 3, column: 11))
        #expect(spec["replicas"]?.int == 3)
        #expect(spec["replicas"]?.kind == .number)
        #expect(spec["replicas"]?.position == SourcePosition(line: 3, column: 24))
        #expect(spec["paused"]?.bool == false)
        #expect(spec["ratio"]?.double == -1500)
        #expect(spec["ratio"]?.string == "-1.5e3")
        let list = try #require(spec["list"])
        #expect(list.count == 3)
        #expect(list[0]?.isNull == true)
        #expect(list[1]?.isTrue == true)
        #expect(list[2]?.stringOnly == "x")
        #expect(list[2]?.position == SourcePosition(line: 4, column: 26))
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let value = try root(#"{"name": "héllo wörld", "next": 1}"#)
        #expect(value["name"]?.string == "héllo wörld")
        // 'é' and 'ö' are two bytes each; the column counts them once, as libyaml does.
        #expect(value["next"]?.position == SourcePosition(line: 1, column: 33))
    }

    @Test func topLevelScalarsAreValues() throws {
        #expect(try root("42").int == 42)
        #expect(try root(" \"s\" ").stringOnly == "s")
        #expect(try root("null").isNull)
        #expect(try root("[]").count == 0)
        #expect(try root("{}").isMapping)
    }

    @Test func duplicateKeysLastWins() throws {
        let value = try root(#"{"a": 1, "a": 2}"#)
        #expect(value["a"]?.int == 2)
        #expect(value.count == 2)
    }

    @Test(arguments: [
        (#""a\"b""#, "a\"b"),
        (#""a\\b""#, "a\\b"),
        (#""a\/b""#, "a/b"),
        (#""\b\f\n\r\t""#, "\u{08}\u{0C}\n\r\t"),
        (#""\u0041\u00e9\u20AC""#, "Aé€"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\uD800""#, "\u{FFFD}"),
        (#""\uDC00x""#, "\u{FFFD}x"),
        (#""\uD800\u0041""#, "\u{FFFD}A"),
        (#""\uD800\uD800\uDC00""#, "\u{FFFD}𐀀"),
        (#""caf\u00e9 \u00e9t\u00e9""#, "café été"),
        ("\"ünïcödé 日本\"", "ünïcödé 日本"),
        (#""\u0000""#, "\u{0}"),
        (#""a long string without any escapes at all, long enough for the eight-byte loop""#,
         "a long string without any escapes at all, long enough for the eight-byte loop"),
    ])
    func decodesStringEscapes(json: String, expected: String) throws {
        #expect(try root(json).stringOnly == expected)
    }

    /// Valid JSON at the edges of the grammar.
    @Test(arguments: [
        ("-0", ValueKind.number), ("0.0e+0", .number), ("1E-7", .number), ("-12.5E10", .number), ("0", .number),
        ("[[], {}, [{}]]", .sequence), (" \t\r\n{\"\":\"\"} \n", .mapping), ("\"\"", .string),
        ("{\"a\":{\"b\":{\"c\":[1,[2,[3]]]}}}", .mapping), ("\"\\u0000\"", .string), ("false", .bool),
        ("123456789012345678901234567890", .number),
    ])
    func acceptsValidJSON(json: String, kind: ValueKind) throws {
        #expect(try root(json).kind == kind)
    }

    /// Invalid JSON, with the position of the error (line:column).
    @Test(arguments: [
        ("", "1:1", "empty input"),
        ("   ", "1:4", "empty input"),
        ("{", "1:2", "unexpected end of input"),
        ("[1,]", "1:4", "unexpected ']', expected a value"),
        (#"{"a":1,}"#, "1:8", "trailing comma"),
        (#"{"a" 1}"#, "1:6", "expected ':'"),
        (#"{a: 1}"#, "1:2", "expected a quoted object key"),
        (#"{"a": 1 "b": 2}"#, "1:9", "expected ',' or '}'"),
        ("[1 2]", "1:4", "expected ',' or ']'"),
        ("01", "1:1", "leading zeros"),
        ("-", "1:2", "expected a digit after '-'"),
        ("1.", "1:3", "digit after the decimal point"),
        (".5", "1:1", "unexpected '.'"),
        ("+1", "1:1", "unexpected '+'"),
        ("1e", "1:3", "digit in the exponent"),
        ("1e+", "1:4", "digit in the exponent"),
        ("NaN", "1:1", "unexpected 'N'"),
        ("tru", "1:4", "expected 'true'"),
        ("nul", "1:4", "expected 'null'"),
        ("True", "1:1", "unexpected 'T'"),
        (#""abc"#, "1:5", "unterminated string"),
        ("\"a\tb\"", "1:3", "a tab inside a string"),
        ("[\"a\nb\"]", "1:4", "a line break inside a string"),
        (#""\x""#, "1:2", "invalid escape"),
        (#""\u12G4""#, "1:6", "four hex digits"),
        (#""\u12""#, "1:2", "four hex digits"),
        ("{} x", "1:4", "after the end of the JSON value"),
        ("{}{}", "1:3", "after the end of the JSON value"),
        ("[1]\n\n  ]", "3:3", "after the end of the JSON value"),
        ("'a'", "1:1", "unexpected '''"),
        ("{\n  \"a\": [1,\n    2,,\n  ]\n}", "3:7", "unexpected ','"),
        ("/* c */ 1", "1:1", "unexpected '/'"),
    ])
    func rejectsInvalidJSON(json: String, position: String, message: String) {
        switch parse(json) {
        case .success:
            Issue.record("accepted invalid JSON \(json)")
        case .failure(let problem):
            #expect(problem.position.description == position, "\(json): \(problem)")
            #expect(problem.message.contains(message), "\(json): \(problem)")
        }
    }

    @Test(arguments: [
        ([0x22, 0xC3, 0x28, 0x22], "1:2"),  // bad continuation
        ([0x22, 0xC0, 0xAF, 0x22], "1:2"),  // overlong '/'
        ([0x22, 0xED, 0xA0, 0x80, 0x22], "1:2"),  // encoded surrogate
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "1:2"),  // above U+10FFFF
        ([0x22, 0xE2, 0x82], "1:2"),  // cut off
        ([0x22, 0x61, 0xFF, 0x22], "1:3"),
        ([0x22, 0xC3, 0xA9, 0xFF, 0x22], "1:3"),  // after one valid two-byte character
    ] as [([UInt8], String)])
    func rejectsInvalidUTF8(bytes: [UInt8], position: String) {
        switch parseBytes(bytes) {
        case .success:
            Issue.record("accepted invalid UTF-8 \(bytes)")
        case .failure(let problem):
            #expect(problem.position.description == position, "\(problem)")
            #expect(problem.message.contains("UTF-8"), "\(problem)")
        }
    }

    @Test func skipsByteOrderMark() throws {
        let tree = try parseBytes([0xEF, 0xBB, 0xBF] + Array(#"{"a": 1}"#.utf8)).get()
        #expect(tree.root["a"]?.int == 1)
        #expect(tree.root.position == SourcePosition(line: 1, column: 1))
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000)
        switch parse(deep) {
        case .success: Issue.record("accepted 100,000 open brackets")
        case .failure(let problem):
            #expect(problem.message.contains("nesting deeper than 256 levels"))
            #expect(problem.position == SourcePosition(line: 1, column: 257))
        }
        let objects = String(repeating: #"{"a":"#, count: 100_000)
        #expect(throws: LoadProblem.self) { try parse(objects).get() }
        // Within the limit, deep nesting is fine.
        let ok = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: Never.self) { try parse(ok).get() }
        let custom = LoadLimits(maxDepth: 3)
        #expect(throws: LoadProblem.self) { try parse("[[[[1]]]]", limits: custom).get() }
        #expect(throws: Never.self) { try parse("[[[1]]]", limits: custom).get() }
    }

    @Test func binaryInputGetsAClearError() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]
        switch parseBytes(png) {
        case .success: Issue.record("accepted a PNG header")
        case .failure(let problem):
            #expect(problem.position == SourcePosition(line: 1, column: 1))
            #expect(problem.message.contains("byte 0x89"))
            #expect(problem.message.contains("binary"))
        }
        var generator = SplitMix(seed: 7)
        for _ in 0..<200 {
            let bytes = (0..<Int(generator.next() % 512)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Random bytes: any outcome but a crash; almost always an error.
            _ = parseBytes(bytes)
            _ = bytes.withUnsafeBytes { JSONLoader.stream($0) { _, _ in } }
        }
    }

    @Test func randomMutationsOfValidJSONNeverCrash() {
        let valid = Array(
            #"{"apiVersion":"v1","items":[{"kind":"Pod","a":[1,2.5e-3,"\u00e9\n",true,null,{}]}],"kind":"List"}"#.utf8)
        var generator = SplitMix(seed: 42)
        for _ in 0..<2_000 {
            var bytes = valid
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                let at = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.remove(at: at)
                default: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: at)
                }
            }
            let single = parseBytes(bytes)
            var streamed = 0
            let problem = bytes.withUnsafeBytes { JSONLoader.stream($0) { _, _ in streamed += 1 } }
            if case .success = single {
                #expect(problem == nil, "parse accepted what stream rejected: \(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }
}

struct JSONStreamTests {
    private func stream(_ text: String) -> (values: [(Tree, JSONLoader.Place)], problem: LoadProblem?) {
        var values: [(Tree, JSONLoader.Place)] = []
        var copy = text
        let problem = copy.withUTF8 { JSONLoader.stream(UnsafeRawBufferPointer($0)) { values.append(($0, $1)) } }
        return (values, problem)
    }

    @Test func listItemsComeOutOneByOneEvenWhenKindFollowsItems() throws {
        // kubectl's order: keys sorted, so items come before kind.
        let text = """
            {
                "apiVersion": "v1",
                "items": [
                    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}},
                    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b"}}
                ],
                "kind": "List",
                "metadata": {"resourceVersion": ""}
            }
            """
        let (values, problem) = stream(text)
        #expect(problem == nil)
        #expect(values.count == 2)
        #expect(values.map(\.1.item) == [0, 1])
        #expect(values[0].0.root["kind"]?.string == "Pod")
        #expect(values[1].0.root.at("metadata", "name")?.string == "b")
        #expect(values[1].0.root.position == SourcePosition(line: 5, column: 9))
        #expect(values[1].0.root["kind"]?.position == SourcePosition(line: 5, column: 38))
    }

    @Test func typedListsAndKindBeforeItems() throws {
        let (values, problem) = stream(#"{"kind":"PodList","apiVersion":"v1","items":[{"kind":"Pod"},{"kind":"Pod"},{"kind":"Pod"}]}"#)
        #expect(problem == nil)
        #expect(values.map(\.1.item) == [0, 1, 2])
    }

    @Test func objectsThatAreNotListsStayWhole() throws {
        // An `items` array in an object whose kind does not end in List, before and after.
        let (values, _) = stream(#"{"items":[1,2],"kind":"Checklist"} {"kind":"Thing","items":[{"a":1}]}"#)
        #expect(values.count == 2)
        #expect(values.allSatisfy { $0.1.item == nil })
        #expect(values[0].0.root["items"]?.count == 2)
        // The last `kind` wins, as the tree's subscript would say.
        let (relabelled, _) = stream(#"{"kind":"List","items":[{"a":1}],"kind":"Other"}"#)
        #expect(relabelled.count == 1)
        #expect(relabelled[0].1.item == nil)
        let (listAfterAll, _) = stream(#"{"kind":"Other","items":[{"a":1}],"kind":"List"}"#)
        #expect(listAfterAll.map(\.1.item) == [0])
        // An escaped key cannot be skimmed with certainty: built whole (the splitter still flattens it).
        let (escaped, _) = stream(#"{"items":[{"a":1}],"\u006bind":"List"}"#)
        #expect(escaped.count == 1)
        #expect(escaped[0].1.item == nil)
        #expect(escaped[0].0.root["kind"]?.string == "List")
    }

    @Test func concatenatedValuesAreDocuments() throws {
        let (values, problem) = stream("{\"a\":1}\n{\"b\":2}{\"c\":3} [4] 5 \"six\" null")
        #expect(problem == nil)
        #expect(values.map(\.1.document) == [0, 1, 2, 3, 4, 5, 6])
        #expect(values[2].0.root["c"]?.int == 3)
        #expect(values[4].0.root.int == 5)
    }

    @Test func anErrorAfterSomeItemsKeepsThem() throws {
        let (values, problem) = stream(#"{"kind":"List","items":[{"kind":"Pod"},{"kind":"Pod",}]}"#)
        #expect(values.count == 1)
        let p = try #require(problem)
        #expect(p.message.contains("trailing comma"))
        #expect(p.position == SourcePosition(line: 1, column: 54))
    }

    @Test func truncatedListIsAnErrorAfterItsCompleteItems() {
        // A cut-off export: the complete item before the cut is delivered, then the error.
        let (values, problem) = stream(#"{"apiVersion":"v1","items":[{"kind":"Pod"},{"kind":"P"#)
        #expect(values.count == 1)
        #expect(problem?.message.contains("unterminated string") == true)
        // Cut after the items, before `kind`: still a list.
        #expect(stream(#"{"apiVersion":"v1","items":[{"kind":"Pod"}],"ki"#).0.count == 1)
        // A kind seen before the items that is not a list keeps the object whole: nothing is delivered.
        let (whole, wholeProblem) = stream(#"{"kind":"Thing","items":[{"kind":"Pod"},{"kind":"P"#)
        #expect(whole.isEmpty)
        #expect(wholeProblem != nil)
    }

    @Test func listItemsRespectTheDepthLimit() {
        let limits = LoadLimits(maxDepth: 4)
        var values = 0
        let ok = #"{"kind":"List","items":[{"a":{"b":1}}]}"#
        let tooDeep = #"{"kind":"List","items":[{"a":{"b":[1]}}]}"#
        var copy = ok
        #expect(copy.withUTF8 { JSONLoader.stream(UnsafeRawBufferPointer($0), limits: limits) { _, _ in values += 1 } } == nil)
        copy = tooDeep
        let problem = copy.withUTF8 { JSONLoader.stream(UnsafeRawBufferPointer($0), limits: limits) { _, _ in } }
        #expect(problem?.message.contains("nesting deeper than 4 levels") == true)
    }
}

/// A small deterministic random generator, so fuzz-style tests repeat exactly.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

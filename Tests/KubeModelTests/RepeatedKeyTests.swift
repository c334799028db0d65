@testable import KubeModel
import Testing

/// A mapping that repeats a key is an input error naming both lines, and its document is never judged: a
/// lenient reader keeps the last value, kubectl refuses the document, so neither reading is safe to check.
/// The other documents of the input are still read.
struct RepeatedKeyTests {
    @Test func aRepeatedKeyIsAnErrorAndTheOtherDocumentsAreStillRead() {
        let text = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: before}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: hidden}
            spec:
              containers:
              - name: app
                image: nginx
                securityContext:
                  privileged: false
                  runAsNonRoot: true
                  privileged: true
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: after}
            """
        let (objects, outcome) = Manifests.load(text, file: "file.yaml")
        #expect(objects.map(\.name) == ["before", "after"])
        #expect(outcome.documents == 3)
        #expect(
            outcome.errors.map(\.description) == [
                #"file.yaml:15:7: key "privileged" repeats the key at line 13; kubectl refuses such YAML"#
            ])
    }

    /// Two documents run together without `---` show up as repeated top-level keys.
    @Test func aMissingDocumentSeparatorIsCaught() {
        let text = """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: harmless}
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: admin}
            """
        let (objects, outcome) = Manifests.load(text, file: "two.yaml")
        #expect(objects.isEmpty)
        #expect(
            outcome.errors.map(\.description) == [
                #"two.yaml:4:1: key "apiVersion" repeats the key at line 1 (is a "---" missing between two documents?); "#
                    + "kubectl refuses such YAML"
            ])
    }

    /// Both YAML routes (the block scanner and libyaml) find the same repeat; the differential test compares
    /// them on more shapes.
    @Test(arguments: [YAMLLoader.Route.fastFirst, .libyamlOnly])
    func bothYAMLRoutesFindTheRepeat(_ route: YAMLLoader.Route) {
        var text = "a: 1\nb:\n  c: 1\n  d: {e: 1, e: 2}\n  c: 2\n"
        var found: [RepeatedKey?] = []
        _ = text.withUTF8 { bytes in
            YAMLLoader.load(UnsafeRawBufferPointer(bytes), route: route) { tree, _, _ in found.append(tree.repeatedKey) }
        }
        // The repeat written first wins, though the inner flow mapping closes first.
        #expect(found == [RepeatedKey(key: "e", position: .init(line: 4, column: 13), first: .init(line: 4, column: 7))])
    }

    @Test func mergeKeysAndDistinctKeysAreNotRepeats() {
        let text = """
            base: &base {a: 1, b: 2}
            derived:
              <<: *base
              a: 3
            other: {"": 1, ~: 2, "1": 3, x: 4}
            """
        #expect(trees(text).allSatisfy { $0.repeatedKey == nil })
        #expect(trees("{a: 1, <<: {b: 1}, <<: {c: 1}}").first?.repeatedKey == nil)
    }

    /// Large mappings take the hashed search; it finds the earliest repeat too.
    @Test func largeMappings() {
        let keys = (0..<40).map { "key\($0): \($0)" }
        let clean = keys.joined(separator: "\n")
        #expect(trees(clean).first?.repeatedKey == nil)
        let repeated = (keys + ["key7: again", "key3: again"]).joined(separator: "\n")
        let found = trees(repeated).first?.repeatedKey
        #expect(found == RepeatedKey(key: "key7", position: .init(line: 41, column: 1), first: .init(line: 8, column: 1)))
    }

    /// A JSON file given to `audit` is refused the same way; the document's other values are still read.
    @Test func jsonFilesWithARepeatedKey() {
        let text = """
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a", "name": "b"}}
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "c"}}
            """
        let (objects, outcome) = Manifests.load(text, file: "ns.json")
        #expect(objects.map(\.name) == ["c"])
        #expect(
            outcome.errors.map(\.description) == [
                #"ns.json:1:69: key "name" repeats the key at line 1; kubectl refuses such JSON"#
            ])
    }

    /// A single JSON value (an AdmissionReview body) keeps the record of the repeat, and lookups read the last
    /// value, as the API server's decoder does.
    @Test func parsedJSONKeepsTheLastValue() throws {
        let tree = try JSONLoader.parse(#"{"privileged": false, "privileged": true}"#).get()
        #expect(tree.root["privileged"]?.isTrue == true)
        #expect(tree.repeatedKey?.key == "privileged")
    }
}

/// Every document of `text`, read by the default route.
private func trees(_ text: String) -> [Tree] {
    var copy = text
    var trees: [Tree] = []
    _ = copy.withUTF8 { YAMLLoader.load(UnsafeRawBufferPointer($0)) { tree, _ in trees.append(tree) } }
    return trees
}

@testable import KubeModel
import Testing

/// JSON Lines (the API server's audit log): one object per line, each with its line number; a malformed line
/// is an error of its own and the other lines are still read.
struct JSONLinesTests {
    static func entry(_ id: Int, verb: String = "delete") -> String {
        #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a-\#(id)","stage":"ResponseComplete","verb":"\#(verb)","user":{"username":"alice"},"objectRef":{"resource":"events","namespace":"shop","name":"e\#(id)","apiVersion":"v1"}}"#
    }

    @Test func eachLineIsAnObjectWithItsLine() {
        let text = [Self.entry(1), "", Self.entry(2), Self.entry(3)].joined(separator: "\n") + "\n"
        let (objects, outcome) = Manifests.load(text, file: "audit.log")
        #expect(outcome.errors.isEmpty)
        #expect(outcome.format == .json)
        #expect(objects.map { $0.root["auditID"]?.string } == ["a-1", "a-2", "a-3"])
        #expect(objects.map(\.position.line) == [1, 3, 4])
        #expect(objects.map(\.source.document) == [0, 1, 2])
        #expect(objects.allSatisfy { $0.kind == "Event" && $0.group == "audit.k8s.io" })
    }

    @Test func aMalformedLineCostsOnlyThatLine() {
        let text = [
            Self.entry(1),
            #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"cut-short","verb":"del"#,  // rotated mid-line
            Self.entry(3),
            "I1128 09:14:02.118903 stray text line",
            Self.entry(5),
            #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"open","#,  // fails on the next line
            Self.entry(7),
        ].joined(separator: "\n")
        let (objects, outcome) = Manifests.load(text, file: "audit.log")
        #expect(objects.map { $0.root["auditID"]?.string } == ["a-1", "a-3", "a-5", "a-7"])
        #expect(objects.map(\.position.line) == [1, 3, 5, 7])
        #expect(outcome.errors.map(\.position.line) == [2, 4, 7])
        #expect(outcome.errors.allSatisfy { $0.file == "audit.log" })
        #expect(outcome.documents == 7)
        // Documents keep following the lines across errors.
        #expect(objects.map(\.source.document) == [0, 2, 4, 6])
    }

    @Test func aJSONFileWithOneObjectPerLineIsReadAsJSONLines() {
        let text = [Self.entry(1), "{oops", Self.entry(3)].joined(separator: "\n")
        let (objects, outcome) = Manifests.load(text, file: "export.json")
        #expect(objects.count == 2)
        #expect(outcome.errors.map(\.position.line) == [2])
    }

    @Test func prettyPrintedJSONStillStopsAtTheFirstError() {
        let text = """
            {
              "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}
            }
            {
              "apiVersion": "v1", "kind": oops
            }
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "c"}}
            """
        let (objects, outcome) = Manifests.load(text, file: "pretty.json")
        #expect(objects.map(\.name) == ["a"])
        #expect(outcome.errors.count == 1)
        #expect(outcome.errors.first?.position.line == 5)
    }

    @Test func eventListsAreFlattened() {
        let text = #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":["# + Self.entry(1) + "," + Self.entry(2) + "]}"
        let (objects, outcome) = Manifests.load(text, file: "events.json")
        #expect(outcome.errors.isEmpty)
        #expect(objects.map { $0.root["auditID"]?.string } == ["a-1", "a-2"])
    }

    @Test func aTextLogGivesUpAfterManyBadLines() {
        let text = (1...150).map { "line \($0) of a plain text log" }.joined(separator: "\n")
        let (objects, outcome) = Manifests.load(text, file: "kubelet.log")
        #expect(objects.isEmpty)
        #expect(outcome.errors.count == JSONLines.maxErrors + 1)
        #expect(outcome.errors.last?.message.contains("stopped after 100 malformed lines") == true)
    }

    @Test func fileNamesThatMeanJSONLines() {
        #expect(JSONLines.hasExtension("/var/log/kube-apiserver/audit.log"))
        #expect(JSONLines.hasExtension("AUDIT.JSONL"))
        #expect(JSONLines.hasExtension("events.ndjson"))
        #expect(!JSONLines.hasExtension("audit.json"))
        #expect(!JSONLines.hasExtension("catalog.yaml"))
    }
}

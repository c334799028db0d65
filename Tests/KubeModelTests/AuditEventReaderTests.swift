import Foundation
import KubeModel
import TestSupport
import Testing

/// The audit-event reader: every shape the API server and AKS write, lines cut or broken, gzip.
struct AuditEventReaderTests {
    static func event(_ id: Int, verb: String = "create", version: String = "v1") -> String {
        #"{"kind":"Event","apiVersion":"audit.k8s.io/\#(version)","level":"Metadata","auditID":"a-\#(id)","stage":"ResponseComplete","verb":"\#(verb)","user":{"username":"alice","groups":["dev"]},"sourceIPs":["10.0.0.1"],"userAgent":"kubectl/v1.30","objectRef":{"resource":"pods","namespace":"shop","name":"p\#(id)","apiVersion":"v1"},"responseStatus":{"code":201},"stageTimestamp":"2024-05-01T10:00:0\#(id).5Z"}"#
    }

    static func read(_ text: String, chunk: Int = 1 << 20) -> (events: [AuditEvent], problems: [AuditReadProblem]) {
        var events: [AuditEvent] = []
        var problems: [AuditReadProblem] = []
        var reader = AuditEventReader(file: "audit.log")
        let bytes = Array(text.utf8)
        var start = 0
        bytes.withUnsafeBytes { all in
            repeat {
                let end = min(start + chunk, all.count)
                reader.feed(UnsafeRawBufferPointer(rebasing: all[start..<end]), onEvent: { events.append($0) }) {
                    problems.append($0)
                }
                start = end
            } while start < all.count
        }
        reader.finish(onEvent: { events.append($0) }) { problems.append($0) }
        return (events, problems)
    }

    @Test func jsonLinesInAnyChunking() {
        let text = (1...5).map { Self.event($0) }.joined(separator: "\n") + "\n"
        for chunk in [1, 7, 100, 1 << 20] {
            let (events, problems) = Self.read(text, chunk: chunk)
            #expect(problems.isEmpty)
            #expect(events.map(\.auditID) == ["a-1", "a-2", "a-3", "a-4", "a-5"])
            #expect(events.map(\.origin.line) == [1, 2, 3, 4, 5])
        }
    }

    @Test func fieldsAreRead() throws {
        let event = try #require(Self.read(Self.event(1, version: "v1beta1")).events.first)
        #expect(event.user == AuditEvent.User(username: "alice", groups: ["dev"]))
        #expect(event.target == AuditEvent.Target(resource: "pods", namespace: "shop", name: "p1", apiVersion: "v1"))
        #expect(event.verb == "create" && event.level == "Metadata" && event.responseCode == 201)
        #expect(event.requestObject == nil)
        #expect(event.time == 1_714_557_601.5)
        #expect(event.sourceIPs == ["10.0.0.1"] && event.userAgent == "kubectl/v1.30")
    }

    @Test func aLineCutAtTheEndIsToleratedAndSaid() {
        let cut = String(Self.event(3).prefix(80))
        let (events, problems) = Self.read(Self.event(1) + "\n" + Self.event(2) + "\n" + cut)
        #expect(events.map(\.auditID) == ["a-1", "a-2"])
        #expect(problems.map(\.kind) == [.truncated])
        #expect(problems.first?.origin.line == 3)
    }

    @Test func aBadLineIsAnErrorWithItsLineAndTheOthersAreRead() {
        let text = [Self.event(1), "I1128 09:14:02 klog text", #"{"kind":"Pod","apiVersion":"v1"}"#, Self.event(4)]
            .joined(separator: "\n") + "\n"
        let (events, problems) = Self.read(text)
        #expect(events.map(\.auditID) == ["a-1", "a-4"])
        #expect(problems.map(\.origin.line) == [2, 3])
        #expect(problems.allSatisfy { $0.kind == .malformed })
        #expect(problems.last?.message.contains("a Pod (v1), not an audit.k8s.io Event") == true)
    }

    @Test func aPrettyPrintedEventListIsReadItemByItem() {
        let text = """
            {
              "kind": "EventList",
              "apiVersion": "audit.k8s.io/v1",
              "items": [
                {"level":"Metadata","auditID":"x-1","verb":"get","user":{"username":"bob"}},
                \(Self.event(2))
              ]
            }
            """
        let (events, problems) = Self.read(text, chunk: 16)
        #expect(problems.isEmpty)
        #expect(events.map(\.auditID) == ["x-1", "a-2"])
        #expect(events.map(\.origin.line) == [5, 6])
    }

    @Test func anEventHubMessageHoldsEventsAsText() throws {
        let log = String(data: try JSONEncoder().encode(Self.event(1)), encoding: .utf8)!
        let text = """
            {"records":[
              {"time":"2024-05-01T10:00:01Z","category":"kube-audit","properties":{"log":\(log),"pod":"kube-apiserver-1"}},
              {"category":"kube-apiserver","properties":{"log":"I0501 10:00:01 klog text"}},
              {"category":"kube-audit-admin","properties":{"log":\(log)}}
            ]}
            """
        let (events, problems) = Self.read(text)
        #expect(problems.isEmpty)
        #expect(events.map(\.auditID) == ["a-1", "a-1"])
        #expect(events.map(\.origin.line) == [2, 4])
    }

    @Test func logAnalyticsRowsWithDynamicColumnsAsObjectsOrText() {
        let text = """
            [
              {"TimeGenerated":"2024-05-01T10:00:02Z","Level":"RequestResponse","AuditId":"r-1","Stage":"ResponseComplete",
               "RequestUri":"/api/v1/namespaces/shop/pods","Verb":"create","User":{"username":"carol","groups":["ops"]},
               "SourceIps":["10.1.1.1"],"UserAgent":"kubectl","ObjectRef":{"resource":"pods","namespace":"shop"},
               "ResponseStatus":{"code":201},"RequestObject":"skipped-too-big-size-object",
               "StageReceivedTime":"2024-05-01T10:00:02.1Z"},
              {"AuditId":"r-2","Verb":"delete","User":"{\\"username\\":\\"dan\\"}","ObjectRef":"{\\"resource\\":\\"events\\"}",
               "RequestObject":"{\\"kind\\":\\"DeleteOptions\\"}"}
            ]
            """
        let (events, problems) = Self.read(text)
        #expect(problems.isEmpty)
        #expect(events.map(\.auditID) == ["r-1", "r-2"])
        #expect(events.map(\.user.username) == ["carol", "dan"])
        #expect(events.first?.requestObject == nil)
        #expect(events.last?.target.resource == "events")
        #expect(events.last?.requestObject?["kind"]?.string == "DeleteOptions")
    }

    @Test func gzipFilesAndConcatenatedMembers() throws {
        let tree = try TempTree()
        let plain = try tree.write("a.log", (1...3).map { Self.event($0) }.joined(separator: "\n") + "\n")
        let second = try tree.write("b.log", Self.event(4) + "\n")
        let gz = tree.path + "/audit.log.gz"
        try Self.shell("gzip -c \(plain) > \(gz) && gzip -c \(second) >> \(gz)")
        var events: [AuditEvent] = []
        var problems: [AuditReadProblem] = []
        let failure = AuditLogFile.read(gz, onEvent: { events.append($0) }) { problems.append($0) }
        #expect(failure == nil)
        #expect(problems.isEmpty)
        #expect(events.map(\.auditID) == ["a-1", "a-2", "a-3", "a-4"])

        // Cut short: the events before the cut are read, and the cut is said.
        let cut = tree.path + "/cut.log.gz"
        try Self.shell("head -c 60 \(gz) > \(cut)")
        problems = []
        _ = AuditLogFile.read(cut, onEvent: { _ in }) { problems.append($0) }
        #expect(problems.contains { $0.kind == .truncated })
    }

    @Test func everyCorpusFileIsReadWithoutANote() throws {
        guard let corpus = Repository.sharedCorpus else { return }
        let folder = corpus.appendingPathComponent("audit-events/falcosecurity__falco")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.count >= 20)
        for name in names {
            var events: [AuditEvent] = []
            var problems: [AuditReadProblem] = []
            let failure = AuditLogFile.read(folder.appendingPathComponent(name).path, onEvent: { events.append($0) }) {
                problems.append($0)
            }
            #expect(failure == nil, "\(name)")
            #expect(problems.isEmpty, "\(name): \(problems)")
            #expect(events.count == 1, "\(name)")
            #expect(events.allSatisfy { !$0.verb.isEmpty && !$0.auditID.isEmpty && $0.time != nil }, "\(name)")
        }
    }

    @Test func rfc3339() {
        #expect(RFC3339.seconds("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.seconds("2024-02-29T12:00:00+02:00") == 1_709_200_800)
        #expect(RFC3339.seconds("2024-02-29") == nil)
        #expect(RFC3339.seconds("2024-13-01T00:00:00Z") == nil)
    }

    static func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
    }

    /// The Log Analytics query API's answer (`az rest` on `/query`, or the REST API): rows are arrays in the
    /// order of `columns`, dynamic columns are JSON text, cells may be null, and the columns may come in any
    /// order.
    @Test func logAnalyticsQueryAnswerTables() {
        let text = #"""
            {"tables":[{"name":"PrimaryResult","columns":[
              {"name":"TimeGenerated","type":"datetime"},{"name":"Verb","type":"string"},{"name":"AuditId","type":"string"},
              {"name":"User","type":"dynamic"},{"name":"ObjectRef","type":"dynamic"},{"name":"ImpersonatedUser","type":"dynamic"},
              {"name":"ResponseStatus","type":"dynamic"},{"name":"StageReceivedTime","type":"datetime"}],
             "rows":[
              ["2024-05-01T10:00:01Z","create","la-1","{\"username\":\"alice\",\"groups\":[\"dev\"]}","{\"resource\":\"pods\",\"subresource\":\"exec\",\"namespace\":\"shop\",\"name\":\"web-0\"}",null,"{\"code\":101}","2024-05-01T10:00:01.5Z"],
              ["2024-05-01T10:00:02Z","delete","la-2",{"username":"bob"},{"resource":"events","namespace":"shop"},null,{"code":200},null],
              ["2024-05-01T10:00:03Z"]
             ]},
             {"name":"Other","columns":[{"name":"Computer","type":"string"}],"rows":[["node-1"]]}]}
            """#
        let (events, problems) = Self.read(text)
        #expect(events.map(\.auditID) == ["la-1", "la-2"])
        #expect(events.first?.user.username == "alice" && events.first?.user.groups == ["dev"])
        #expect(events.first?.target.subresource == "exec" && events.first?.target.name == "web-0")
        #expect(events.first?.responseCode == 101 && events.first?.impersonatedUser == nil)
        #expect(events.first?.stageTimestamp == "2024-05-01T10:00:01.5Z")
        #expect(events.last?.stageTimestamp == "2024-05-01T10:00:02Z", "TimeGenerated stands in for a null StageReceivedTime")
        #expect(problems.map(\.message) == [
            "a Log Analytics row without AuditId or Verb",
            "Other of a Log Analytics answer without the AKSAudit columns AuditId and Verb, or without rows",
        ])
        #expect(problems.first?.origin.line == 8)
    }
}

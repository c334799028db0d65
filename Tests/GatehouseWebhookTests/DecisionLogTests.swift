import Foundation
import GatehouseEngine
import Logging
import Testing

@testable import GatehouseWebhook

@Suite("decision log")
struct DecisionLogTests {
    @Test("one JSON line per decision with identity, outcome, rule ids and latency; no object contents")
    func decisionLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-log-\(UUID().uuidString)").path
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        #expect(fd >= 0)
        defer { unlink(path) }
        let logger = Logger(label: "gatehouse.webhook") { JSONLogHandler(label: $0, level: .info, fileDescriptor: fd) }

        let processor = ReviewProcessor(decider: AdmissionDecider(engine: try Engine(policy: .onlyPrivileged)))
        let body = Reviews.review(uid: "log-1", object: Reviews.pod(privileged: true, image: "secret-image:tag"))
        guard case .answered(let summary, let decision, _) = processor.process(Array(body.utf8)) else {
            Issue.record("not answered")
            return
        }
        DecisionLog.log(summary, decision, latency: .microseconds(42), logger: logger)
        close(fd)

        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(json["msg"] as? String == "admission decision")
        #expect(json["level"] as? String == "info")
        #expect(json["admission.uid"] as? String == "log-1")
        #expect(json["admission.kind"] as? String == "Pod")
        #expect(json["admission.namespace"] as? String == "default")
        #expect(json["admission.name"] as? String == "web")
        #expect(json["admission.operation"] as? String == "CREATE")
        #expect(json["admission.user"] as? String == "alice@example.com")
        #expect(json["decision"] as? String == "deny")
        #expect(json["rule.ids"] as? [String] == ["pod-privileged"])
        #expect(json["latency.us"] as? Int == 42)
        #expect((json["time"] as? String)?.count == 24)
        #expect(!text.contains("secret-image"))
    }

    @Test("below info, no decision line is written")
    func quietAtWarning() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-log-\(UUID().uuidString)").path
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        defer { unlink(path) }
        let logger = Logger(label: "x") { JSONLogHandler(label: $0, level: .warning, fileDescriptor: fd) }
        let processor = ReviewProcessor(decider: AdmissionDecider(engine: try Engine(policy: .onlyPrivileged)))
        guard case .answered(let summary, let decision, _) = processor.process(Array(Reviews.review(object: Reviews.pod()).utf8)) else {
            Issue.record("not answered")
            return
        }
        DecisionLog.log(summary, decision, latency: .microseconds(1), logger: logger)
        close(fd)
        #expect(try String(contentsOfFile: path, encoding: .utf8).isEmpty)
    }
}

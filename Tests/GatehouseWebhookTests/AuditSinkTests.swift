import AsyncHTTPClient
import Foundation
import GatehouseEngine
import GatehouseWebhook
import KubeModel
import Logging
import NIOCore
import NIOSSL
import Testing

/// `POST /audit`, the audit webhook sink, over real TLS with a real client: batches as the API server posts
/// them, alerts logged and counted, malformed batches, a large batch and concurrent posters.
@Suite("Audit webhook sink")
struct AuditSinkTests {
    /// An audit event as the API server's webhook backend writes it in an `EventList` (no `kind`).
    static func event(
        id: String, verb: String = "get", resource: String = "pods", namespace: String = "team-a", name: String = "web",
        user: String = "system:node:node-1", apiGroup: String = "", time: String = "2024-05-01T10:00:00.000000Z",
        body: String? = nil
    ) -> String {
        let objectRef =
            "{\"resource\":\"\(resource)\",\(namespace.isEmpty ? "" : "\"namespace\":\"\(namespace)\",")"
            + "\"name\":\"\(name)\",\"apiGroup\":\"\(apiGroup)\",\"apiVersion\":\"v1\"}"
        return """
            {"level":"\(body == nil ? "Metadata" : "RequestResponse")","auditID":"\(id)","stage":"ResponseComplete",\
            "requestURI":"/api/v1/\(resource)","verb":"\(verb)","user":{"username":"\(user)","groups":["system:authenticated"]},\
            "sourceIPs":["10.0.0.7"],"userAgent":"kubectl/v1.30.2","objectRef":\(objectRef),\
            "responseStatus":{"code":\(verb == "create" ? 201 : 200)},\(body.map { "\"requestObject\":\($0)," } ?? "")\
            "requestReceivedTimestamp":"\(time)","stageTimestamp":"\(time)"}
            """
    }

    /// A binding of `cluster-admin` by mallory: fires `alert-cluster-admin-binding`.
    static func clusterAdminBinding(id: String, name: String = "backdoor", time: String = "2024-05-01T10:00:00.000000Z") -> String {
        event(
            id: id, verb: "create", resource: "clusterrolebindings", namespace: "", name: name,
            user: "mallory@example.com", apiGroup: "rbac.authorization.k8s.io", time: time,
            body: """
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"\(name)"},\
                "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},\
                "subjects":[{"kind":"ServiceAccount","name":"default","namespace":"default"}]}
                """)
    }

    static func list(_ items: [String], apiVersion: String = "audit.k8s.io/v1") -> String {
        "{\"kind\":\"EventList\",\"apiVersion\":\"\(apiVersion)\",\"metadata\":{},\"items\":[\(items.joined(separator: ","))]}"
    }

    static let adminAlert = "gatehouse_alerts_total{alert=\"alert-cluster-admin-binding\",severity=\"medium\"}"

    /// Polls `/metrics` until the sample `line` (name and labels) shows `value` (the worker judges after the answer), for up to 20 s.
    static func waitForMetric(_ client: HTTPClient, _ server: TestServer, _ line: String, _ value: Int) async throws -> String {
        var text = ""
        for _ in 0..<200 {
            text = try await client.get(server.metricsURL).text
            let shown = text.split(separator: "\n").first { $0.hasPrefix("\(line) ") }.flatMap { Double($0.dropFirst(line.count + 1)) }
            if shown == Double(value) { return text }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("\(line) never reached \(value):\n\(text.split(separator: "\n").filter { $0.contains("gatehouse_a") }.joined(separator: "\n"))")
        return text
    }

    /// A logger writing the server's real JSON lines to a file, and a way to read them back.
    final class JSONLogFile: Sendable {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sink-\(UUID().uuidString).log").path
        let fd: Int32

        init() { fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }
        deinit {
            close(fd)
            unlink(path)
        }

        var logger: Logger {
            let fd = fd
            return Logger(label: "gatehouse.webhook") { JSONLogHandler(label: $0, level: .info, fileDescriptor: fd) }
        }

        /// Every line, parsed.
        var lines: [[String: Any]] {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").map { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? ["unparsed": String(line)]
            }
        }

        var alerts: [[String: Any]] { lines.filter { $0["msg"] as? String == "alert" } }
    }

    @Test("a batch that fires an alert: 200 before analysis, one JSON log line with the alerts fields, a counter by id and severity")
    func batchFiresAlert() async throws {
        let log = JSONLogFile()
        try await TestServer.with(configure: { $0.alertWindow = 0 }, logger: log.logger) { server in
            try await withClient(try server.client()) { client in
                let body = Self.list([
                    Self.event(id: "a1"), Self.clusterAdminBinding(id: "a2"),
                    Self.event(id: "a3", verb: "list", name: ""),
                ])
                let answer = try await client.post(server.auditURL, body: body)
                #expect(answer.status == .ok)
                #expect(answer.json["accepted"] as? Int == 3)
                let metrics = try await Self.waitForMetric(client, server, Self.adminAlert, 1)
                #expect(metrics.contains("gatehouse_audit_events_total{result=\"accepted\"} 3"))
                #expect(metrics.contains("gatehouse_audit_batches_total{result=\"accepted\"} 1"))
            }
        }
        let alerts = log.alerts
        try #require(alerts.count == 1)
        let line = alerts[0]
        #expect(line["level"] as? String == "notice")
        #expect(line["alert"] as? String == "alert-cluster-admin-binding")
        #expect(line["severity"] as? String == "medium")
        #expect(line["eventTime"] as? String == "2024-05-01T10:00:00.000000Z")
        #expect(line["verb"] as? String == "create")
        #expect(line["auditID"] as? String == "a2")
        #expect(line["source"] as? String == "POST /audit:2")
        #expect((line["actor"] as? [String: Any])?["user"] as? String == "mallory@example.com")
        #expect((line["object"] as? [String: Any])?["name"] as? String == "backdoor")
        let evidence = line["evidence"] as? [[String: Any]] ?? []
        #expect(evidence.contains { $0["path"] as? String == "requestObject.roleRef.name" })
        // Every field of `gatehouse alerts --format json`, the event's `time` as `eventTime`.
        for key in ["alert", "title", "severity", "tactic", "message", "eventTime", "lastTime", "count", "actor", "object",
                    "verb", "auditID", "evidence", "remediation", "source", "time", "msg"] {
            #expect(line[key] != nil, "missing \(key)")
        }
    }

    @Test("a batch of 10,000 events is accepted whole and judged")
    func tenThousandEvents() async throws {
        // A 6 MB body: a loaded machine may take longer than the default 10 s read timeout to deliver it.
        try await TestServer.with(configure: { $0.alertWindow = 0; $0.readTimeout = .seconds(60) }) { server in
            try await withClient(try server.client()) { client in
                var items = (0..<9_999).map { Self.event(id: "e\($0)", name: "web-\($0 % 100)") }
                items.insert(Self.clusterAdminBinding(id: "admin"), at: 5_000)
                let answer = try await client.post(server.auditURL, body: Self.list(items))
                #expect(answer.status == .ok)
                #expect(answer.json["accepted"] as? Int == 10_000)
                let metrics = try await Self.waitForMetric(client, server, Self.adminAlert, 1)
                #expect(metrics.contains("gatehouse_audit_events_total{result=\"accepted\"} 10000"))
                _ = try await Self.waitForMetric(client, server, "gatehouse_audit_queue_events", 0)
            }
        }
    }

    @Test("a body that is no EventList gets 400 with a message; nothing is judged")
    func malformedBodies() async throws {
        try await TestServer.with { server in
            try await withClient(try server.client()) { client in
                let cases: [(String, String)] = [
                    ("{\"kind\":\"EventList\",", "not valid JSON"),
                    ("[]", "not an EventList object"),
                    (Self.clusterAdminBinding(id: "x"), "kind must be EventList"),
                    (Self.list([Self.event(id: "v")], apiVersion: "audit.k8s.io/v1alpha1"), "audit.k8s.io/v1alpha1"),
                    ("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":{}}", "items must be an array"),
                    ("", "the body is empty"),
                ]
                for (body, message) in cases {
                    let answer = try await client.post(server.auditURL, body: body)
                    #expect(answer.status == .badRequest, "\(body)")
                    #expect((answer.json["error"] as? String ?? "").contains(message), "\(answer.text)")
                }
                let wrongType = try await client.post(server.auditURL, body: Self.list([]), contentType: "text/plain")
                #expect(wrongType.status == .unsupportedMediaType)
                let metrics = try await client.get(server.metricsURL).text
                #expect(metrics.contains("gatehouse_audit_batches_total{result=\"malformed\"} 6"))
                #expect(!metrics.contains("gatehouse_audit_events_total{result=\"accepted\"}"))
            }
        }
    }

    @Test("an EventList with bad items: 400 naming them, and its good events are still judged")
    func badItemsKeepGoodEvents() async throws {
        try await TestServer.with(configure: { $0.alertWindow = 0 }) { server in
            try await withClient(try server.client()) { client in
                let body = Self.list([
                    Self.clusterAdminBinding(id: "g1", name: "first"), "42", "{\"foo\":1}",
                    Self.clusterAdminBinding(id: "g2", name: "second"),
                ])
                let answer = try await client.post(server.auditURL, body: body)
                #expect(answer.status == .badRequest)
                let error = answer.json["error"] as? String ?? ""
                #expect(error.contains("items[1]") && error.contains("items[2]"), "\(error)")
                #expect(error.contains("the other 2 were accepted"), "\(error)")
                let metrics = try await Self.waitForMetric(client, server, Self.adminAlert, 2)
                #expect(metrics.contains("gatehouse_audit_events_total{result=\"rejected\"} 2"))
                #expect(metrics.contains("gatehouse_audit_batches_total{result=\"partial\"} 1"))
            }
        }
    }

    @Test("a body over --max-audit-body-bytes gets 413")
    func oversize() async throws {
        try await TestServer.with(configure: { $0.maxAuditBodyBytes = 1024 }) { server in
            try await withClient(try server.client()) { client in
                let items = (0..<20).map { Self.event(id: "o\($0)") }
                let answer = try await client.post(server.auditURL, body: Self.list(items))
                #expect(answer.status == .payloadTooLarge)
            }
        }
    }

    @Test("concurrent posters: every batch accepted, repeats of one alert merged into one line that counts them")
    func concurrentPosters() async throws {
        let log = JSONLogFile()
        let now = ISO8601DateFormatter().string(from: Date())
        try await TestServer.with(configure: { $0.alertWindow = 600 }, logger: log.logger) { server in
            let clients = try (0..<4).map { _ in try server.client() }
            let url = server.auditURL
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for poster in 0..<8 {
                        let client = clients[poster % clients.count]
                        group.addTask {
                            for batch in 0..<20 {
                                var items = (0..<49).map { Self.event(id: "p\(poster)-\(batch)-\($0)", time: now) }
                                items.append(Self.clusterAdminBinding(id: "p\(poster)-\(batch)", time: now))
                                let answer = try await client.post(url, body: Self.list(items))
                                #expect(answer.status == .ok)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                _ = try await Self.waitForMetric(clients[0], server, "gatehouse_audit_events_total{result=\"accepted\"}", 8_000)
            } catch {
                for client in clients { try? await client.shutdown() }
                throw error
            }
            for client in clients { try await client.shutdown() }
        }
        // The window is still open when the server stops: shutdown logs it.
        let alerts = log.alerts.filter { $0["alert"] as? String == "alert-cluster-admin-binding" }
        try #require(alerts.count == 1)
        #expect(alerts[0]["count"] as? Int == 160)
    }

    @Test("the bounded queue drops a batch that does not fit, counts it and warns")
    func fullQueueDrops() async throws {
        let logs = CapturedLogs()
        let metrics = WebhookMetrics()
        let pipeline = AlertPipeline(
            engine: try AlertEngine(policy: Policy()), window: 0, capacity: 10, metrics: metrics, logger: logs.logger)
        let events = try Self.events(Self.list((0..<6).map { Self.event(id: "q\($0)") }))
        // The worker is not running: nothing leaves the queue.
        #expect(pipeline.submit(events))
        #expect(!pipeline.submit(events))
        #expect(!pipeline.submit(events))
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains("gatehouse_audit_events_total{result=\"dropped\"} 12"))
        #expect(text.contains("gatehouse_audit_queue_events 6"))
        // One warning per 10 s, not one per batch.
        #expect(logs.all.filter { $0.level == .warning }.count == 1)
    }

    @Test("with --client-ca, /audit too needs the API server's client certificate")
    func clientCertificate() async throws {
        let apiServerCA = try SelfSignedCA()
        let trusted = try NIOSSLCertificate.fromPEMBytes(Array(apiServerCA.caCertificatePEM.utf8))
        try await TestServer.with(clientCA: trusted) { server in
            let anonymous = try server.client(expectFailure: true)
            await #expect(throws: (any Error).self) {
                try await anonymous.post(server.auditURL, body: Self.list([Self.event(id: "c1")]))
            }
            try await anonymous.shutdown()
            let apiServer = try server.client(identity: try TestCertificates.clientIdentity(signedBy: apiServerCA))
            let answer = try await withClient(apiServer) { client in
                try await client.post(server.auditURL, body: Self.list([Self.event(id: "c2")]))
            }
            #expect(answer.status == .ok)
        }
    }

    static func events(_ body: String) throws -> [AuditEvent] {
        try Array(body.utf8).withUnsafeBytes { try AuditBatch(body: $0, limits: .init(maxDepth: 100)) }.events
    }
}

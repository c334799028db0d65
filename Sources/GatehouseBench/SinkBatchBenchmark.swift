import ArgumentParser
import Foundation
import GatehouseEngine
import GatehouseRules
import GatehouseWebhook
import KubeModel

/// `gatehouse-bench sink-batch`: writes a `POST /audit` body for the sink's load test (an `EventList` of real-
/// shaped events in the mix a cluster's audit webhook sends), or with `--measure` times the sink's own work on
/// it in process: reading the batch (the request path) and judging its events with the alert rules (the
/// worker). Prints figures; asserts nothing.
struct SinkBatchBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sink-batch",
        abstract: "Write an audit EventList batch for POST /audit, or time reading and judging it in process."
    )

    @Option(help: "Events in the batch (the API server's default --audit-webhook-batch-max-size is 400).")
    var events = 400

    @Option(help: "One event in this many fires an alert (a binding to cluster-admin or a privileged pod).")
    var alertEvery = 100

    @Option(help: "Instead of writing the batch, time reading and judging it this many times.")
    var measure: Int?

    func run() throws {
        let body = Self.batch(events: events, alertEvery: alertEvery)
        guard let iterations = measure else {
            FileHandle.standardOutput.write(Data(body))
            return
        }
        let engine = try AlertEngine(policy: Policy())
        let clock = ContinuousClock()
        var batch: AuditBatch?
        let read = clock.measure {
            for _ in 0..<iterations {
                batch = body.withUnsafeBytes { try? AuditBatch(body: $0, limits: LoadLimits(maxDepth: 100)) }
            }
        }
        guard let batch, batch.rejected.isEmpty else { throw BenchmarkError("the generated batch does not read back") }
        var alerts = 0
        var deduplicator = AlertDeduplicator(window: 60)
        let judge = clock.measure {
            for _ in 0..<iterations {
                for event in batch.events {
                    for alert in engine.evaluate(event).alerts { alerts += deduplicator.add(alert).count }
                }
            }
        }
        alerts += deduplicator.finish().count
        let total = Double(iterations * batch.events.count)
        func rate(_ d: Duration) -> Double { total / (Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) }
        print("batch: \(batch.events.count) events, \(body.count) bytes; alert rules: \(engine.ruleIDs.count)")
        print(String(format: "read (request path): %.0f events/s; judge + deduplicate (worker): %.0f events/s; %d alerts after deduplication",
                     rate(read), rate(judge), alerts))
    }

    /// An `audit.k8s.io/v1` `EventList` as the API server's webhook backend posts it (items without `kind`).
    /// The mix: reads by system components at Metadata level, pod and ConfigMap writes at RequestResponse,
    /// and every `alertEvery`-th event a binding to cluster-admin or a privileged pod.
    static func batch(events: Int, alertEvery: Int) -> [UInt8] {
        let now = ISO8601DateFormatter().string(from: Date())
        var json = JSONEmitter(style: .compact, capacity: events * 900)
        json.beginObject()
        json.field("kind", "EventList")
        json.field("apiVersion", "audit.k8s.io/v1")
        json.key("metadata")
        json.beginObject()
        json.endObject()
        json.key("items")
        json.beginArray()
        for i in 0..<events {
            let firing = alertEvery > 0 && i % alertEvery == alertEvery - 1
            let shape = firing ? (i / alertEvery) % 2 + 3 : i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2
            json.beginObject()
            json.field("level", shape == 0 ? "Metadata" : "RequestResponse")
            json.field("auditID", String(format: "5f0e7c2a-%04x-4b1e-9d3c-%012x", i & 0xffff, i))
            json.field("stage", "ResponseComplete")
            let (verb, resource, namespace, name, user): (String, String, String, String, String) =
                switch shape {
                case 0: ("get", "pods", "team-\(i % 8)", "web-\(i % 50)", "system:node:node-\(i % 12)")
                case 1: ("create", "pods", "team-\(i % 8)", "web-\(i)", "system:serviceaccount:kube-system:replicaset-controller")
                case 2: ("update", "configmaps", "team-\(i % 8)", "settings", "alice@example.com")
                case 3: ("create", "clusterrolebindings", "", "backdoor-\(i % 5)", "mallory@example.com")
                default: ("create", "pods", "team-\(i % 8)", "miner-\(i)", "mallory@example.com")
                }
            json.field("requestURI", "/api/v1/namespaces/\(namespace)/\(resource)/\(name)")
            json.field("verb", verb)
            json.key("user")
            json.beginObject()
            json.field("username", user)
            json.field("groups", ["system:authenticated"])
            json.endObject()
            json.field("sourceIPs", ["10.0.\(i % 4).\(i % 250)"])
            json.field("userAgent", "kube-controller-manager/v1.30.2 (linux/amd64) kubernetes/39683505")
            json.key("objectRef")
            json.beginObject()
            json.field("resource", resource)
            if !namespace.isEmpty { json.field("namespace", namespace) }
            json.field("name", name)
            json.field("apiGroup", resource == "clusterrolebindings" ? "rbac.authorization.k8s.io" : "")
            json.field("apiVersion", "v1")
            json.endObject()
            json.key("responseStatus")
            json.beginObject()
            json.field("code", verb == "create" ? 201 : 200)
            json.endObject()
            if shape != 0 { writeBody(shape: shape, name: name, namespace: namespace, into: &json) }
            json.field("requestReceivedTimestamp", now)
            json.field("stageTimestamp", now)
            json.key("annotations")
            json.beginObject()
            json.field("authorization.k8s.io/decision", "allow")
            json.field("authorization.k8s.io/reason", "")
            json.endObject()
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    private static func writeBody(shape: Int, name: String, namespace: String, into json: inout JSONEmitter) {
        json.key("requestObject")
        json.beginObject()
        switch shape {
        case 2:
            json.field("apiVersion", "v1")
            json.field("kind", "ConfigMap")
            json.key("metadata")
            json.beginObject()
            json.field("name", name)
            json.field("namespace", namespace)
            json.endObject()
            json.key("data")
            json.beginObject()
            json.field("LOG_LEVEL", "info")
            json.endObject()
        case 3:
            json.field("apiVersion", "rbac.authorization.k8s.io/v1")
            json.field("kind", "ClusterRoleBinding")
            json.key("metadata")
            json.beginObject()
            json.field("name", name)
            json.endObject()
            json.key("roleRef")
            json.beginObject()
            json.field("apiGroup", "rbac.authorization.k8s.io")
            json.field("kind", "ClusterRole")
            json.field("name", "cluster-admin")
            json.endObject()
            json.key("subjects")
            json.beginArray()
            json.beginObject()
            json.field("kind", "ServiceAccount")
            json.field("name", "default")
            json.field("namespace", "default")
            json.endObject()
            json.endArray()
        default:
            json.field("apiVersion", "v1")
            json.field("kind", "Pod")
            json.key("metadata")
            json.beginObject()
            json.field("name", name)
            json.field("namespace", namespace)
            json.key("labels")
            json.beginObject()
            json.field("app", "web")
            json.endObject()
            json.endObject()
            json.key("spec")
            json.beginObject()
            json.key("containers")
            json.beginArray()
            json.beginObject()
            json.field("name", "app")
            json.field("image", shape == 1 ? "registry.example.com/web:1.4.2" : "docker.io/library/busybox:1.36")
            if shape == 4 {
                json.key("securityContext")
                json.beginObject()
                json.field("privileged", true)
                json.endObject()
            }
            json.endObject()
            json.endArray()
            json.endObject()
        }
        json.endObject()
    }
}

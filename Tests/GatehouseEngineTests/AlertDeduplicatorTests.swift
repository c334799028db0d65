import GatehouseEngine
import GatehouseRules
import KubeModel
import Testing

/// The deduplicator on its own: what merges, what a window is, and when alerts go out in each emission.
struct AlertDeduplicatorTests {
    /// An alert of `rule` on an event by `user` on pod `pod`, `second` seconds after 2024-05-01T10:00:00Z.
    static func alert(_ id: String, rule: String = "alert-pod-exec", user: String = "alice", pod: String = "web", second: Int) -> Alert {
        let stamp = "2024-05-01T10:\(String(format: "%02d", second / 60)):\(String(format: "%02d", second % 60)).000000Z"
        let line = #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"\#(id)","stage":"ResponseComplete","verb":"create","user":{"username":"\#(user)"},"objectRef":{"resource":"pods","subresource":"exec","namespace":"shop","name":"\#(pod)"},"stageTimestamp":"\#(stamp)"}"#
        var events: [AuditEvent] = []
        Array(line.utf8).withUnsafeBytes { AuditEventReader.read($0, onEvent: { events.append($0) }, onProblem: { _ in }) }
        return Alert(ruleID: rule, severity: .low, message: "exec", evidence: [], images: [], event: events[0])
    }

    static func summary(_ alerts: [Alert]) -> [String] { alerts.map { "\($0.event.auditID)×\($0.count)" } }

    @Test func sameRuleActorAndObjectWithinTheWindowMerge() {
        var dedup = AlertDeduplicator(window: 60)
        var out: [Alert] = []
        out += dedup.add(Self.alert("a", second: 0))
        out += dedup.add(Self.alert("a", second: 1))  // another stage of the same request: not counted again
        out += dedup.add(Self.alert("b", second: 30))
        out += dedup.add(Self.alert("c", user: "bob", second: 31))  // another actor
        out += dedup.add(Self.alert("d", pod: "db", second: 32))  // another object
        out += dedup.add(Self.alert("e", rule: "alert-other", second: 33))  // another rule
        #expect(out.isEmpty, "nothing closes while every window is open")
        out += dedup.add(Self.alert("f", second: 61))  // 61 s after a: a's window has closed
        #expect(Self.summary(out) == ["a×2"])
        #expect(out[0].lastTime == "2024-05-01T10:00:30.000000Z")
        out += dedup.finish()
        #expect(Self.summary(out) == ["a×2", "c×1", "d×1", "e×1", "f×1"])
    }

    @Test func windowZeroMergesOnlyTheStagesOfOneRequest() {
        var dedup = AlertDeduplicator(window: 0)
        var out: [Alert] = []
        // Two requests in the same second are two alerts; the stages of one request are one.
        for (id, second) in [("a", 0), ("a", 0), ("b", 0), ("b", 0), ("c", 1)] { out += dedup.add(Self.alert(id, second: second)) }
        out += dedup.finish()
        #expect(Self.summary(out) == ["a×1", "b×1", "c×1"])
    }

    @Test func followingWritesTheFirstAlertAtOnceAndASummaryOnlyForRepeats() {
        var dedup = AlertDeduplicator(window: 60, emission: .firstThenSummary)
        #expect(Self.summary(dedup.add(Self.alert("a", second: 0))) == ["a×1"])
        #expect(dedup.add(Self.alert("b", second: 10)).isEmpty)
        #expect(Self.summary(dedup.add(Self.alert("c", user: "bob", second: 20))) == ["c×1"])
        #expect(dedup.close(before: 1_714_557_600 + 59).isEmpty, "a's window is still open")
        // The clock closes a's window (a summary: two requests) and bob's (one request: already written).
        let closed = dedup.close(before: 1_714_557_600 + 100)
        #expect(Self.summary(closed) == ["a×2"])
        #expect(closed[0].lastTime == "2024-05-01T10:00:10.000000Z")
        #expect(dedup.finish().isEmpty)
        // A window reopened after closing writes its first alert at once again.
        #expect(Self.summary(dedup.add(Self.alert("d", second: 200))) == ["d×1"])
    }

    /// Memory: closed windows are let go of, however many alerts pass.
    @Test func manyWindowsPassThrough() {
        var dedup = AlertDeduplicator(window: 1)
        var written = 0
        for second in 0..<3000 { written += dedup.add(Self.alert("x\(second)", pod: "p\(second % 7)", second: second % 3600)).count }
        written += dedup.finish().count
        #expect(written == 3000)
    }

    /// A held alert lets go of its event's bodies but still names the object they named: a pod created from
    /// `generateName` has its name only in the response.
    @Test func heldAlertsKeepTheObjectButNotTheBodies() throws {
        let line = #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"g","stage":"ResponseComplete","verb":"create","user":{"username":"alice"},"objectRef":{"resource":"pods","namespace":"shop"},"requestObject":{"kind":"Pod","metadata":{"generateName":"web-"}},"responseObject":{"kind":"Pod","metadata":{"name":"web-x7k2p"}},"stageTimestamp":"2024-05-01T10:00:00.000000Z"}"#
        var events: [AuditEvent] = []
        Array(line.utf8).withUnsafeBytes { AuditEventReader.read($0, onEvent: { events.append($0) }, onProblem: { _ in }) }
        var dedup = AlertDeduplicator(window: 60)
        #expect(dedup.add(Alert(ruleID: "alert-x", severity: .low, message: "m", evidence: [], images: [], event: try #require(events.first))).isEmpty)
        let held = try #require(dedup.finish().first)
        #expect(held.event.requestObject == nil && held.event.responseObject == nil && held.event.annotations.isEmpty)
        #expect(held.objectName == "web-x7k2p")
        #expect(held.objectKind == "Pod")
    }

    /// At most `maxOpen` windows are open: a flood of distinct alerts closes the oldest early instead of
    /// growing, and every alert still goes out once.
    @Test func openWindowsAreBounded() {
        var dedup = AlertDeduplicator(window: 600, maxOpen: 2)
        var out: [Alert] = []
        out += dedup.add(Self.alert("a", pod: "p1", second: 0))
        out += dedup.add(Self.alert("b", pod: "p2", second: 1))
        #expect(out.isEmpty)
        out += dedup.add(Self.alert("c", pod: "p3", second: 2))  // closes p1's window early
        #expect(Self.summary(out) == ["a×1"])
        out += dedup.add(Self.alert("d", pod: "p2", second: 3))  // p2's window is still open: merged
        #expect(Self.summary(out) == ["a×1"])
        out += dedup.finish()
        #expect(Self.summary(out) == ["a×1", "b×2", "c×1"])
    }

    /// An alert that merges by actor (a scan) is one alert however many objects it touched.
    @Test func alertsMergedByActorIgnoreTheObject() {
        var dedup = AlertDeduplicator(window: 60)
        var out: [Alert] = []
        for (id, pod) in [("a", "p1"), ("b", "p2"), ("c", "p3")] {
            var alert = Self.alert(id, pod: pod, second: 0)
            alert.mergeBy = .actor
            out += dedup.add(alert)
        }
        var other = Self.alert("d", user: "bob", pod: "p1", second: 1)
        other.mergeBy = .actor
        out += dedup.add(other)
        out += dedup.finish()
        #expect(Self.summary(out) == ["a×3", "d×1"])
    }
}

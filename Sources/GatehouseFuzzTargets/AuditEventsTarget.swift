import GatehouseEngine
import KubeModel

extension FuzzTarget {
    /// An audit log's bytes through the audit-event reader, whole and split in two at a point the input picks,
    /// then every event through the alert rules. The reader is fed in chunks as files are read, so an event cut
    /// by a chunk boundary must come out exactly as when it arrives in one piece.
    public static let auditEvents = FuzzTarget(
        name: "audit-events",
        summary: "audit-event reader (JSON lines, Event, EventList, AKS exports) whole and split across two chunks, then the alert rules",
        maxLength: 16384,
        seeds: SeedFiles(extensions: ["json", "jsonl", "log"], marker: "auditID")
    ) { bytes in
        let whole = AuditLogDigest(bytes, splitAt: nil)
        let split = AuditLogDigest(bytes, splitAt: bytes.isEmpty ? nil : Int(bytes[0]) * bytes.count / 256)
        if whole.events != split.events || whole.problems != split.problems {
            FuzzCheck.fail(
                "reading in two chunks changed the result:\nwhole: \(whole.events) \(whole.problems)\nsplit: \(split.events) \(split.problems)")
        }
        for event in whole.read { _ = AuditEventsFuzz.engine.evaluate(event) }
    }
}

/// What the reader made of one input: its events (by audit ID, verb and request URI) and its problems (by line).
private struct AuditLogDigest {
    var read: [AuditEvent] = []
    var events: [String] = []
    var problems: [String] = []

    init(_ bytes: UnsafeRawBufferPointer, splitAt: Int?) {
        var reader = AuditEventReader(file: "fuzz.log")
        var read: [AuditEvent] = []
        var problems: [String] = []
        let cut = min(splitAt ?? bytes.count, bytes.count)
        reader.feed(UnsafeRawBufferPointer(rebasing: bytes[..<cut]), onEvent: { read.append($0) }, onProblem: { problems.append("\($0)") })
        if cut < bytes.count {
            reader.feed(UnsafeRawBufferPointer(rebasing: bytes[cut...]), onEvent: { read.append($0) }, onProblem: { problems.append("\($0)") })
        }
        reader.finish(onEvent: { read.append($0) }, onProblem: { problems.append("\($0)") })
        self.read = read
        self.events = read.map { "\($0.auditID) \($0.verb) \($0.requestURI)" }
        self.problems = problems
    }
}

private enum AuditEventsFuzz {
    /// Every alert rule on, with its defaults.
    static let engine: AlertEngine = {
        do { return try AlertEngine(policy: Policy()) } catch { FuzzCheck.fail("the alert engine does not start: \(error)") }
    }()
}

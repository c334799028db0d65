import Foundation
import GatehouseEngine
import GatehouseRules
import KubeModel
import Logging
import ServiceLifecycle
import Synchronization

/// Where the server judges audit events: the batches posted to `/audit` and the audit-event view of each
/// admission request go into one bounded queue; one worker runs the policy's alert rules on them, merges
/// repeats within the window (as `gatehouse alerts` does), then logs each alert as one JSON line
/// (`"msg":"alert"`) and counts it by rule and severity.
///
/// Requests only enqueue, never wait for the analysis. The queue holds at most `capacity` events (a single
/// batch bigger than that only when the queue is empty); a batch that does not fit is dropped whole, counted
/// (`gatehouse_audit_events_total{result="dropped"}`) and logged as a warning at most every 10 seconds: the
/// API server does the same when its sink is slow, and waiting would only move the backlog into its buffer.
///
/// A window stays open until an event later than it arrives or the clock passes it (checked every second),
/// so an alert is logged at most `window` seconds plus one after its first event. At shutdown the worker
/// judges what is queued and logs every open alert.
public final class AlertPipeline: Service, Sendable {
    enum Item: Sendable {
        case events([AuditEvent])
        /// Close the windows that ended before this time (seconds since 1970).
        case tick(Double)
    }

    public let engine: AlertEngine
    /// Seconds within which the same rule, actor and object make one alert.
    public let window: Double
    /// The most events queued at once.
    public let capacity: Int
    let metrics: WebhookMetrics
    let logger: Logger
    private let queued = Mutex<Int>(0)
    private let warnedAt = Mutex<ContinuousClock.Instant?>(nil)
    private let droppedSinceWarning = Mutex<Int>(0)
    private let stream: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation

    public init(engine: AlertEngine, window: Double = 60, capacity: Int = 50_000, metrics: WebhookMetrics, logger: Logger) {
        self.engine = engine
        self.window = window
        self.capacity = capacity
        self.metrics = metrics
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: Item.self)
    }

    /// Queues `events` for judgement. Returns `false` when the queue is full (or stopped) and they were dropped.
    @discardableResult
    public func submit(_ events: [AuditEvent]) -> Bool {
        guard !events.isEmpty else { return true }
        guard reserve(events.count) else {
            dropped(events.count)
            return false
        }
        if case .terminated = continuation.yield(.events(events)) {
            reserve(-events.count)
            dropped(events.count)
            return false
        }
        return true
    }

    /// Queues the audit-event view of an admission request, so the alerts it shows are raised at admission.
    public func submit(admission request: AdmissionRequest) {
        if submit([AuditEvent(admission: request)]) { metrics.recordAuditEvents("admission", count: 1) }
    }

    /// Counts `count` events into the queue (or out, when negative) unless they do not fit. The gauge is set
    /// under the lock, so its last value is the queue's.
    @discardableResult
    private func reserve(_ count: Int) -> Bool {
        queued.withLock { queued in
            guard count <= 0 || queued == 0 || queued + count <= capacity else { return false }
            queued += count
            metrics.setAuditQueue(queued)
            return true
        }
    }

    private func dropped(_ count: Int) {
        metrics.recordAuditEvents("dropped", count: count)
        droppedSinceWarning.withLock { $0 += count }
        let now = ContinuousClock.now
        let due = warnedAt.withLock { last -> Bool in
            if let last, now - last < .seconds(10) { return false }
            last = now
            return true
        }
        guard due else { return }
        let total = droppedSinceWarning.withLock { count in
            defer { count = 0 }
            return count
        }
        logger.warning(
            "audit events dropped: the alert queue is full",
            metadata: ["dropped.events": .stringConvertible(total), "queue.capacity": .stringConvertible(capacity)])
    }

    public func run() async {
        var deduplicator = AlertDeduplicator(window: window)
        await withDiscardingTaskGroup { group in
            group.addTask { [continuation] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    continuation.yield(.tick(Date().timeIntervalSince1970))
                }
            }
            await withGracefulShutdownHandler {
                for await item in stream {
                    switch item {
                    case .events(let events):
                        reserve(-events.count)
                        for event in events { judge(event, &deduplicator) }
                    case .tick(let now):
                        emit(deduplicator.close(before: now))
                    }
                }
            } onGracefulShutdown: { [continuation] in
                continuation.finish()
            }
            group.cancelAll()
        }
        emit(deduplicator.finish())
    }

    private func judge(_ event: AuditEvent, _ deduplicator: inout AlertDeduplicator) {
        let (alerts, unjudged) = engine.evaluate(event)
        for note in unjudged { metrics.recordUnjudged(note.ruleID) }
        for alert in alerts { emit(deduplicator.add(alert)) }
    }

    private func emit(_ alerts: [Alert]) {
        for alert in alerts {
            metrics.recordAlert(alert.ruleID, severity: alert.severity.rawValue)
            AlertLogLine.log(alert, logger: logger)
        }
    }
}

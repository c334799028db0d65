import Prometheus

/// The webhook's Prometheus metrics, created on one registry that `GET /metrics` emits.
///
/// Labels are bounded: decision, kind, operation, rule id, error type; never object names or users.
public final class WebhookMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let latency: DurationHistogram
    let certificateExpiry: Gauge
    let ready: Gauge
    let inFlight: Gauge

    /// Latency buckets from 50 µs to 1 s: the webhook's own time is expected well under a millisecond.
    static let latencyBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100),
        .milliseconds(250), .seconds(1),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        latency = registry.makeDurationHistogram(
            name: "gatehouse_admission_duration_seconds", buckets: Self.latencyBuckets,
            help: "Time from a complete request body to the encoded answer, per AdmissionReview.")
        certificateExpiry = registry.makeGauge(
            name: "gatehouse_certificate_expiry_timestamp_seconds",
            help: "Unix time at which the serving certificate in use expires.")
        ready = registry.makeGauge(name: "gatehouse_ready", help: "1 when the webhook reports ready, else 0.")
        inFlight = registry.makeGauge(
            name: "gatehouse_admission_in_flight", help: "Validate requests being read or answered now.")
    }

    /// Counts one decided review: request, findings by rule and action, and latency.
    public func recordDecision(_ summary: ReviewSummary, _ decision: AdmissionDecision, latency: Duration) {
        registry.makeCounter(
            name: "gatehouse_admission_requests_total",
            labels: [
                ("decision", decision.label), ("kind", summary.kind), ("operation", summary.operation.rawValue),
                ("reason", decision.reason.rawValue), ("dry_run", summary.dryRun ? "true" : "false"),
            ],
            help: "AdmissionReviews answered, by decision, object kind, operation and reason."
        ).increment()
        for finding in decision.findings {
            registry.makeCounter(
                name: "gatehouse_admission_findings_total",
                labels: [("rule", finding.ruleID), ("action", finding.action.rawValue)],
                help: "Findings in answered AdmissionReviews, by rule and the action taken."
            ).increment()
        }
        if decision.reason == .unevaluable { recordError("unevaluable") }
        self.latency.record(latency)
    }

    /// Counts a request answered with an error: `malformed`, `oversize`, `unsupported-media-type`, `timeout`,
    /// `unevaluable`, `internal`.
    public func recordError(_ type: String) {
        registry.makeCounter(
            name: "gatehouse_admission_errors_total", labels: [("type", type)],
            help: "Requests that could not be answered normally, by type."
        ).increment()
    }

    public func recordCertificateReload(success: Bool) {
        registry.makeCounter(
            name: "gatehouse_certificate_reloads_total", labels: [("result", success ? "success" : "failure")],
            help: "Serving certificate reloads from disk, by result."
        ).increment()
    }

    public func setCertificateExpiry(unixTime: Double) {
        certificateExpiry.set(unixTime)
    }

    public func requestStarted() {
        inFlight.increment()
    }

    public func requestFinished() {
        inFlight.decrement()
    }

    public func setReady(_ value: Bool) {
        ready.set(value ? 1 : 0)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

import GatehouseRules
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
    let auditQueue: Gauge

    /// Latency buckets from 50 µs to 1 s: the webhook's own time is expected well under a millisecond.
    static let latencyBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100),
        .milliseconds(250), .seconds(1),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        latency = registry.makeDurationHistogram(
            descriptor: .init(metricName: "gatehouse_admission_duration", unitName: "seconds", helpText: "Time from a complete request body to the encoded answer, per AdmissionReview."), buckets: Self.latencyBuckets)
        certificateExpiry = registry.makeGauge(
            descriptor: .init(metricName: "gatehouse_certificate_expiry", unitName: "timestamp_seconds", helpText: "Unix time at which the serving certificate in use expires."))
        ready = registry.makeGauge(
            descriptor: .init(metricName: "gatehouse_ready", unitName: "", helpText: "1 when the webhook reports ready, else 0."))
        inFlight = registry.makeGauge(
            descriptor: .init(metricName: "gatehouse_admission_in_flight", unitName: "", helpText: "Validate requests being read or answered now."))
        auditQueue = registry.makeGauge(
            descriptor: .init(metricName: "gatehouse_audit_queue_events", unitName: "", helpText: "Audit events waiting for the alert rules."))
    }

    /// Counts one `POST /audit` batch by result: `accepted`, `partial` (some items are not audit events),
    /// `dropped` (the alert queue is full), `malformed`, `oversize`, `unsupported-media-type`, `read`.
    public func recordAuditBatch(_ result: String) {
        registry.makeCounter(
            descriptor: .init(metricName: "gatehouse_audit_batches", unitName: "total", helpText: "POST /audit batches, by result."),
            labels: [("result", result)]).increment()
    }

    /// Counts audit events by result: `accepted` (posted and queued), `admission` (admission requests queued
    /// as events), `rejected` (items that are not audit events), `dropped` (the alert queue was full).
    public func recordAuditEvents(_ result: String, count: Int) {
        registry.makeCounter(
            descriptor: .init(metricName: "gatehouse_audit_events", unitName: "total", helpText: "Audit events received for the alert rules, by result."),
            labels: [("result", result)]).increment(by: Int64(count))
    }

    /// Counts one alert logged, by rule id and severity.
    public func recordAlert(_ ruleID: String, severity: String) {
        registry.makeCounter(
            descriptor: .init(metricName: "gatehouse_alerts", unitName: "total", helpText: "Alerts logged (after deduplication), by alert rule and severity."),
            labels: [("alert", ruleID), ("severity", severity)]).increment()
    }

    /// Counts an event an alert rule could not judge (its body is not recorded), by rule id.
    public func recordUnjudged(_ ruleID: String) {
        registry.makeCounter(
            descriptor: .init(metricName: "gatehouse_alerts_unjudged", unitName: "total", helpText: "Events an alert rule could not judge for want of the request body, by alert rule."),
            labels: [("alert", ruleID)]).increment()
    }

    public func setAuditQueue(_ events: Int) {
        auditQueue.set(Double(events))
    }

    /// Counts one decided review: request, findings by rule and action, and latency.
    public func recordDecision(_ summary: ReviewSummary, _ decision: AdmissionDecision, latency: Duration) {
        registry.makeCounter(
            descriptor: .init(metricName: "gatehouse_admission_requests", unitName: "total", helpText: "AdmissionReviews answered, by decision, object kind, operation and reason."),
            labels: [
                ("decision", decision.label), ("kind", summary.kind), ("operation", summary.operation.rawValue),
                ("reason", decision.reason.rawValue), ("dry_run", summary.dryRun ? "true" : "false"),
            ]).increment()
        for finding in decision.findings {
            registry.makeCounter(
            descriptor: .init(metricName: "gatehouse_admission_findings", unitName: "total", helpText: "Findings in answered AdmissionReviews, by rule and the action taken."),
                labels: [("rule", finding.ruleID), ("action", finding.action.rawValue)]).increment()
        }
        recordVulnerabilityGate(decision.findings)
        if decision.reason == .unevaluable { recordError("unevaluable") }
        self.latency.record(latency)
    }

    /// Counts a request answered with an error: `malformed`, `oversize`, `unsupported-media-type`, `timeout`,
    /// `unevaluable`, `internal`.
    /// Counts what the vulnerability gate did in one review: per reason (`vulnerable` for
    /// running-image-vulnerabilities, `unscanned` for image-not-scanned), the strongest action its findings got.
    func recordVulnerabilityGate(_ findings: [Finding]) {
        for (rule, reason) in [("running-image-vulnerabilities", "vulnerable"), ("image-not-scanned", "unscanned")] {
            let actions = findings.filter { $0.ruleID == rule }.map(\.action)
            guard let decision = actions.contains(.deny) ? "deny" : actions.contains(.warn) ? "warn" : actions.first?.rawValue else { continue }
            registry.makeCounter(
                descriptor: .init(metricName: "gatehouse_vulnerability_gate_decisions", unitName: "total", helpText: "Reviews in which the vulnerability gate found something, by the action taken and why."),
                labels: [("decision", decision), ("reason", reason)]).increment()
        }
    }

    /// Records a load of the policy's scanner reports: counts of what was read, when, and the result.
    public func recordVulnerabilityLoad(reports: Int, images: Int, errors: Int, unixTime: Double) {
        registry.makeGauge(descriptor: .init(metricName: "gatehouse_vulnerability_reports", helpText: "Scanner reports loaded for the vulnerability gate.")).set(Double(reports))
        registry.makeGauge(descriptor: .init(metricName: "gatehouse_vulnerability_images", helpText: "Images the loaded scanner reports describe.")).set(Double(images))
        registry.makeGauge(descriptor: .init(metricName: "gatehouse_vulnerability_report_errors", helpText: "Report files or documents the last load could not read.")).set(Double(errors))
        registry.makeGauge(descriptor: .init(metricName: "gatehouse_vulnerability_last_load_timestamp_seconds", helpText: "When the scanner reports were last loaded (Unix time).")).set(unixTime)
        registry.makeCounter(
            descriptor: .init(metricName: "gatehouse_vulnerability_loads", unitName: "total", helpText: "Loads of the scanner reports, by result (errors: some file could not be read)."),
            labels: [("result", errors == 0 ? "success" : "errors")]).increment()
    }

    public func recordError(_ type: String) {
        registry.makeCounter(
            descriptor: .init(metricName: "gatehouse_admission_errors", unitName: "total", helpText: "Requests that could not be answered normally, by type."), labels: [("type", type)]).increment()
    }

    public func recordCertificateReload(success: Bool) {
        registry.makeCounter(
            descriptor: .init(metricName: "gatehouse_certificate_reloads", unitName: "total", helpText: "Serving certificate reloads from disk, by result."), labels: [("result", success ? "success" : "failure")]).increment()
    }

    public func setCertificateExpiry(unixTime: Double) {
        certificateExpiry.set(Double(unixTime))
    }

    public func requestStarted() {
        inFlight.increment()
    }

    public func requestFinished() {
        inFlight.decrement()
    }

    public func setReady(_ value: Bool) {
        ready.set(value ? 1.0 : 0.0)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

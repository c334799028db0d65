import Foundation
import GatehouseEngine
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdTLS
import KubeModel
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// Listener and limit settings of `gatehouse serve`.
public struct WebhookConfiguration: Sendable {
    public var host = "0.0.0.0"
    /// 0 binds a free port (tests).
    public var port = 8443
    /// A plain-HTTP listener for `/healthz`, `/readyz` and `/metrics` (kubelet probes, Prometheus); `nil`
    /// for none. They are served on the HTTPS port too.
    public var metricsPort: Int?
    /// Bodies above this size get HTTP 413. The API server sends at most a few MB (its own limit is 3 MiB
    /// for most objects).
    public var maxBodyBytes = 3 * 1024 * 1024
    /// JSON nested deeper than this gets HTTP 400.
    public var maxDepth = 100
    /// New connections wait in the backlog while this many are open; `/readyz` reports not ready meanwhile.
    public var maxConnections = 1024
    /// The most connections one source address may hold at once; more are refused. One address filling the
    /// listener would stop every admission.
    public var maxConnectionsPerSource = 128
    /// A connection whose TLS handshake has not completed this long after it was accepted is closed.
    public var handshakeTimeout: Duration = .seconds(3)
    /// A connection with no traffic for this long is closed. Kept well under the API server's webhook timeout
    /// (10 s by default), so connections that stay silent cannot pile up; the API server reconnects as needed.
    public var idleTimeout: Duration = .seconds(5)
    /// A request whose body is not complete this long after its head has its connection (HTTP/1.1) or
    /// stream (HTTP/2) closed. Slow senders between requests are covered by `idleTimeout`.
    public var readTimeout: Duration = .seconds(10)
    /// After SIGTERM, how long `/readyz` reports not ready before the listener stops accepting connections,
    /// so the API server's endpoints stop sending here first.
    public var shutdownDelay: Duration = .zero
    /// Offer HTTP/2 by ALPN (the API server prefers it); HTTP/1.1 is always offered.
    public var http2 = true
    public var onError: OnErrorPolicy = .deny
    /// Bodies of `POST /audit` above this size get HTTP 413. The API server's batches are at most 400 events
    /// by default (`--audit-webhook-batch-max-size`); a RequestResponse event of a big object is a few MB.
    public var maxAuditBodyBytes = 64 * 1024 * 1024
    /// Seconds within which alerts of the same rule, actor and object are merged into one.
    public var alertWindow: Double = 60
    /// The most audit events waiting for the alert rules; batches beyond it are dropped.
    public var alertQueueEvents = 50_000

    public init() {}
}

/// Everything `gatehouse serve` runs, built once and shared by the executable and the tests.
public struct WebhookServer: Sendable {
    public let configuration: WebhookConfiguration
    public let processor: ReviewProcessor
    /// Judges the events posted to `/audit` and the admission requests with the alert rules.
    public let alerts: AlertPipeline
    public let metrics: WebhookMetrics
    public let readiness: Readiness
    public let store: CertificateStore?
    /// The HTTPS listener's open connections, which `/readyz` reads.
    public let connections: ConnectionLedger
    let tls: TLSConfiguration?
    let reloader: CertificateReloader?
    /// Reloads the policy's scanner reports; `nil` when the policy has no `vulnerabilities` section.
    let vulnerabilityWatcher: VulnerabilityReportWatcher?
    let logger: Logger

    /// - Parameters:
    ///   - store: the serving certificate; `nil` serves plain HTTP (tests of the HTTP layer only).
    ///   - reloader: watches the certificate files; `nil` when the certificate is in memory.
    ///   - clientCA: CA certificates client certificates must chain to (on every route: `/validate` and
    ///     `/audit`); `nil` accepts any client.
    ///   - alertEngine: the alert rules as the policy sets them; `nil` builds them from `engine`'s policy.
    ///   - vulnerabilityReports: the policy's scanner reports, whose store `engine` reads; watched for changes.
    public init(
        engine: Engine, configuration: WebhookConfiguration, store: CertificateStore?,
        certificateFiles: (certificate: String, key: String)? = nil, reloadInterval: Duration = .seconds(2),
        clientCA: [NIOSSLCertificate]? = nil, alertEngine: AlertEngine? = nil,
        vulnerabilityReports: VulnerabilityReportSource? = nil,
        metrics: WebhookMetrics = WebhookMetrics(), logger: Logger
    ) {
        self.configuration = configuration
        vulnerabilityWatcher = vulnerabilityReports.map { VulnerabilityReportWatcher(source: $0, metrics: metrics, logger: logger) }
        // `gatehouse serve` passes `alertEngine`, having reported any alert parameter the policy gets wrong;
        // without one, a policy whose alert parameters are wrong raises no alerts (an empty catalogue cannot throw).
        let alertEngine =
            alertEngine ?? (try? AlertEngine(policy: engine.policy)) ?? (try! AlertEngine(policy: engine.policy, rules: []))
        self.alerts = AlertPipeline(
            engine: alertEngine, window: configuration.alertWindow, capacity: configuration.alertQueueEvents,
            metrics: metrics, logger: logger)
        self.processor = ReviewProcessor(
            decider: AdmissionDecider(engine: engine, onError: configuration.onError),
            limits: .init(maxDepth: configuration.maxDepth), alerts: alerts)
        self.metrics = metrics
        self.connections = ConnectionLedger(
            maxConnections: configuration.maxConnections, maxPerSource: configuration.maxConnectionsPerSource)
        self.readiness = Readiness(store: store, connections: connections)
        self.store = store
        self.logger = logger
        self.tls = store.map { WebhookTLS.serverConfiguration(store: $0, clientCA: clientCA) }
        if let store, let files = certificateFiles {
            reloader = CertificateReloader(
                certificateFile: files.certificate, keyFile: files.key, store: store, interval: reloadInterval,
                metrics: metrics, logger: logger)
        } else {
            reloader = nil
        }
        if let store {
            metrics.setCertificateExpiry(unixTime: store.current.notValidAfter.timeIntervalSince1970)
        }
        metrics.setReady(true)
    }

    /// The services in start order; ServiceLifecycle stops them in reverse: first the drain step (readiness
    /// false, then `shutdownDelay`), then the HTTPS listener (stops accepting, lets requests in flight
    /// finish), then the metrics listener, the certificate watcher, and last the alert pipeline (which judges
    /// what is queued and logs the alerts still open).
    ///
    /// `onListening` gets `("https" or "http" or "metrics", port)` once each listener is bound.
    public func services(onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) throws
        -> [any Service]
    {
        var services: [any Service] = [alerts]
        if let reloader { services.append(reloader) }
        if let vulnerabilityWatcher { services.append(vulnerabilityWatcher) }
        if let metricsPort = configuration.metricsPort {
            let router = Router(context: WebhookRequestContext.self)
            addHealthRoutes(to: router)
            let running = NamedListener.Running()
            services.append(
                NamedListener(
                    listener: "metrics", host: configuration.host, port: metricsPort, running: running,
                    base: Application(
                        router: router,
                        server: .http1(configuration: .init(idleTimeout: .init(configuration.idleTimeout))),
                        configuration: .init(address: .hostname(configuration.host, port: metricsPort)),
                        onServerRunning: { channel in
                            running.markRunning()
                            await onListening("metrics", channel.localAddress?.port ?? 0)
                        },
                        logger: logger)))
        }
        let router = Router(context: WebhookRequestContext.self)
        router.add(middleware: RequestHeaderLimit(metrics: metrics))
        router.add(middleware: DrainConnectionClose(readiness: readiness))
        addHealthRoutes(to: router)
        addValidateRoute(to: router)
        addAuditRoute(to: router)
        let idle = TimeAmount(configuration.idleTimeout)
        let server: HTTPServerBuilder
        let scheme: String
        if let tls {
            scheme = "https"
            let (ledger, timeout, metrics) = (connections, configuration.handshakeTimeout, metrics)
            if configuration.http2 {
                // A stream open at shutdown may take up to the read timeout to finish its body; closing the
                // connection sooner would cut a review the server had started to read.
                let http2 = HTTP2UpgradeChannel.Configuration(
                    idleTimeout: configuration.idleTimeout, gracefulCloseTimeout: configuration.readTimeout,
                    streamConfiguration: .init(idleTimeout: idle))
                server = HTTPServerBuilder { responder in
                    GuardedChildChannel(
                        base: try HTTP2UpgradeChannel(tlsConfiguration: tls, configuration: http2, responder: responder),
                        ledger: ledger, handshakeTimeout: timeout, metrics: metrics)
                }
            } else {
                server = HTTPServerBuilder { responder in
                    GuardedChildChannel(
                        base: try TLSChannel(
                            HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idle)),
                            tlsConfiguration: tls),
                        ledger: ledger, handshakeTimeout: timeout, metrics: metrics)
                }
            }
        } else {
            scheme = "http"
            server = .http1(configuration: .init(idleTimeout: idle))
        }
        let running = NamedListener.Running()
        services.append(
            NamedListener(
                listener: scheme, host: configuration.host, port: configuration.port, running: running,
                base: Application(
                    router: router, server: server,
                    configuration: .init(
                        address: .hostname(configuration.host, port: configuration.port), serverName: nil,
                        backlog: 256,
                        availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
                    onServerRunning: { channel in
                        running.markRunning()
                        await onListening(scheme, channel.localAddress?.port ?? 0)
                    },
                    logger: logger)))
        services.append(DrainStep(readiness: readiness, metrics: metrics, delay: configuration.shutdownDelay, logger: logger))
        return services
    }

    /// Runs until SIGTERM or SIGINT, then drains and returns.
    public func run(onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: try services(onListening: onListening), gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    func addHealthRoutes(to router: Router<WebhookRequestContext>) {
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/readyz") { _, _ -> Response in
            let problem = readiness.problem()
            metrics.setReady(problem == nil)
            if let problem {
                return Response(
                    status: .serviceUnavailable, headers: [.contentType: "text/plain"],
                    body: .init(byteBuffer: ByteBuffer(string: "not ready: \(problem)\n")))
            }
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
    }

    func addValidateRoute(to router: Router<WebhookRequestContext>) {
        router.post("/validate") { request, context in
            await handleValidate(request, context: context)
        }
    }

    static func errorResponse(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: AdmissionResponseEncoder.encodeError(message))))
    }

    /// A request body as a handler gets it: the bytes, or the error answer already given.
    enum Body {
        case read(ByteBuffer)
        case refused(Response)
    }

    /// Reads a JSON body of at most `limit` bytes within the read timeout. A refusal is counted with
    /// `recordError` by type: `unsupported-media-type`, `oversize` or `read`.
    func readBody(
        _ request: Request, context: WebhookRequestContext, limit: Int, recordError: (String) -> Void
    ) async -> Body {
        if let type = request.headers[.contentType], !Self.isJSON(type) {
            recordError("unsupported-media-type")
            return .refused(Self.errorResponse(
                .unsupportedMediaType, "Content-Type \(type) is not supported; send application/json"))
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            recordError("oversize")
            return .refused(Self.errorResponse(.contentTooLarge, "the body is \(length) bytes; the limit is \(limit) bytes"))
        }
        let channel = context.channel
        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.readTimeout)) {
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            return .read(try await request.body.collect(upTo: limit))
        } catch is NIOTooManyBytesError {
            recordError("oversize")
            return .refused(Self.errorResponse(.contentTooLarge, "the body exceeds the limit of \(limit) bytes"))
        } catch {
            recordError("read")
            return .refused(Self.errorResponse(.badRequest, "the body could not be read: \(error)"))
        }
    }

    func handleValidate(_ request: Request, context: WebhookRequestContext) async -> Response {
        metrics.requestStarted()
        defer { metrics.requestFinished() }
        let body: ByteBuffer
        switch await readBody(request, context: context, limit: configuration.maxBodyBytes, recordError: metrics.recordError) {
        case .read(let bytes): body = bytes
        case .refused(let answer): return answer
        }
        let start = ContinuousClock.now
        let outcome = body.withUnsafeReadableBytes { processor.process($0) }
        switch outcome {
        case .answered(let summary, let decision, let bytes):
            let latency = ContinuousClock.now - start
            metrics.recordDecision(summary, decision, latency: latency)
            DecisionLog.log(summary, decision, latency: latency, logger: logger)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .malformed(let problem):
            metrics.recordError("malformed")
            logger.notice("rejected a request that is not an AdmissionReview", metadata: ["error": .string(problem.message)])
            return Self.errorResponse(.badRequest, problem.message)
        }
    }

    func addAuditRoute(to router: Router<WebhookRequestContext>) {
        router.post("/audit") { request, context in
            await handleAudit(request, context: context)
        }
    }

    /// `POST /audit`: an `EventList` from the API server's audit webhook backend. Answered as soon as the body
    /// is read and parsed; the events are judged off the request path (``AlertPipeline``).
    ///
    /// 200 `{"accepted":N}` when every item is an audit event, also when the alert queue was full and the
    /// batch was dropped (`"dropped":N`): a retry would only add load. 400 with an error naming the items for a
    /// list with items that are not audit events, whose good items are still judged (the API server does not
    /// retry a 400, so nothing is judged twice); 400 for a body that is no `EventList`; 413 and 415 as for
    /// `/validate`.
    func handleAudit(_ request: Request, context: WebhookRequestContext) async -> Response {
        let body: ByteBuffer
        switch await readBody(request, context: context, limit: configuration.maxAuditBodyBytes, recordError: metrics.recordAuditBatch) {
        case .read(let bytes): body = bytes
        case .refused(let answer): return answer
        }
        let limits = LoadLimits(maxDepth: configuration.maxDepth)
        let parsed = body.withUnsafeReadableBytes { bytes in
            Result { () throws(MalformedBatch) -> AuditBatch in try AuditBatch(body: bytes, limits: limits) }
        }
        let batch: AuditBatch
        switch parsed {
        case .success(let read): batch = read
        case .failure(let error):
            metrics.recordAuditBatch("malformed")
            logger.notice("rejected a POST /audit body that is not an EventList", metadata: ["error": .string(error.message)])
            return Self.errorResponse(.badRequest, error.message)
        }
        // A full queue counts and logs the drop itself.
        let queued = alerts.submit(batch.events)
        if queued { metrics.recordAuditEvents("accepted", count: batch.events.count) }
        if !batch.rejected.isEmpty {
            metrics.recordAuditEvents("rejected", count: batch.rejected.count)
            metrics.recordAuditBatch("partial")
            logger.notice("a POST /audit batch has items that are not audit events", metadata: ["error": .string(batch.rejectionMessage)])
            return Self.errorResponse(.badRequest, batch.rejectionMessage)
        }
        metrics.recordAuditBatch(queued ? "accepted" : "dropped")
        var json = JSONEmitter(style: .compact, capacity: 48)
        json.beginObject()
        json.field(queued ? "accepted" : "dropped", batch.events.count)
        json.endObject()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }

    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters() } ?? ""
        return mediaType.lowercased() == "application/json" || mediaType.isEmpty
    }
}

/// The one JSON log line per decision: identity, outcome, rule ids and latency; no object contents.
enum DecisionLog {
    static func log(_ s: ReviewSummary, _ d: AdmissionDecision, latency: Duration, logger: Logger) {
        guard logger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            "admission.uid": .string(s.uid),
            "admission.kind": .string(s.kind),
            "admission.resource": .string(s.resource),
            "admission.name": .string(s.name),
            "admission.operation": .string(s.operation.rawValue),
            "admission.user": .string(s.username),
            "admission.dryRun": .stringConvertible(s.dryRun),
            "decision": .string(d.label),
            "decision.reason": .string(d.reason.rawValue),
            "rule.ids": .array(d.ruleIDs.map { .string($0) }),
            "latency.us": .stringConvertible(Int(latency.components.seconds * 1_000_000 + latency.components.attoseconds / 1_000_000_000_000)),
        ]
        if let ns = s.namespace { metadata["admission.namespace"] = .string(ns) }
        logger.info("admission decision", metadata: metadata)
    }
}

/// The step that turns readiness off at shutdown and waits `delay` before the listeners stop.
struct DrainStep: Service {
    let readiness: Readiness
    let metrics: WebhookMetrics
    let delay: Duration
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        readiness.startDraining()
        metrics.setReady(false)
        logger.info("shutting down: readiness is now false", metadata: ["delay": .string("\(delay)")])
        if delay > .zero {
            try? await Task.sleep(for: delay)
        }
    }
}

/// The request context: the core storage plus the channel, so a request's read deadline can close it.
public struct WebhookRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

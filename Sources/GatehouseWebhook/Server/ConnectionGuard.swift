import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import Synchronization

/// The connections the HTTPS listener holds, counted in total and per source address.
///
/// With `failurePolicy: Fail`, a webhook that cannot answer stops every create and update in the cluster, and
/// its port is usually reachable from every pod. A connection costs an attacker one `connect()`: so each one
/// must either finish its TLS handshake within `handshakeTimeout` or be closed, no single address may hold
/// more than `maxPerSource` of them, and `/readyz` says so when the listener is full.
public final class ConnectionLedger: Sendable {
    public let maxConnections: Int
    public let maxPerSource: Int
    private let state = Mutex(State())

    private struct State {
        var open = 0
        var bySource: [String: Int] = [:]
    }

    public init(maxConnections: Int, maxPerSource: Int) {
        self.maxConnections = maxConnections
        self.maxPerSource = maxPerSource
    }

    /// Counts a new connection from `source`, or returns false (and counts nothing) when that address already
    /// holds `maxPerSource` connections.
    func open(source: String) -> Bool {
        state.withLock { state in
            let held = state.bySource[source, default: 0]
            guard held < maxPerSource else { return false }
            state.bySource[source] = held + 1
            state.open += 1
            return true
        }
    }

    func close(source: String) {
        state.withLock { state in
            state.open -= 1
            let held = state.bySource[source, default: 1] - 1
            state.bySource[source] = held > 0 ? held : nil
        }
    }

    /// Connections open now.
    public var openConnections: Int { state.withLock { $0.open } }

    /// Whether new connections wait in the backlog because `maxConnections` are open.
    public var isFull: Bool { openConnections >= maxConnections }
}

/// A child channel that applies the `ConnectionLedger`'s limits and a TLS handshake deadline, then hands the
/// connection to `base` (HTTP/1.1 or HTTP/2 over TLS) unchanged.
struct GuardedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let ledger: ConnectionLedger
    let handshakeTimeout: Duration
    let metrics: WebhookMetrics

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        // Without an address (a unix socket) all connections share one bucket, which only tightens the limit.
        let source = channel.remoteAddress?.ipAddress ?? "unknown"
        guard ledger.open(source: source) else {
            metrics.recordError("per-source-limit")
            logger.warning(
                "refused a connection: its address holds the most connections one address may",
                metadata: ["source": .string(source), "limit": .stringConvertible(ledger.maxPerSource)])
            // A failed setup alone leaves the socket open, holding one of the listener's places.
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ConnectionRefused())
        }
        channel.closeFuture.whenComplete { [ledger] _ in ledger.close(source: source) }
        // The base adds its TLS handler synchronously (setup runs on the channel's event loop), and its future
        // may complete only once ALPN has chosen a protocol: the deadline goes in before that.
        let configured = base.setup(channel: channel, logger: logger)
        do {
            try Self.addHandshakeDeadline(to: channel, timeout: handshakeTimeout, metrics: metrics)
            let tls = try channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
            try channel.pipeline.syncOperations.addHandler(RaiseHeaderListLimit(), position: .after(tls))
        } catch {
            channel.close(promise: nil)
        }
        return configured
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }

    /// Puts the deadline in front of the TLS handler, so its close reaches the socket at once (a close from
    /// behind the TLS handler would wait up to TLS's shutdown timeout for the peer's close_notify), and a
    /// watcher right behind it, where the handshake's completion event passes.
    static func addHandshakeDeadline(to channel: any Channel, timeout: Duration, metrics: WebhookMetrics) throws {
        let pipeline = channel.pipeline.syncOperations
        let deadline = HandshakeDeadline(timeout: TimeAmount(timeout), metrics: metrics)
        try pipeline.addHandler(deadline, position: .first)
        let tls = try pipeline.handler(type: NIOSSLServerHandler.self)
        try pipeline.addHandler(HandshakeWatcher(deadline: deadline), position: .after(tls))
        try pipeline.addHandler(FlushBeforeClose(), position: .after(tls))
    }

    struct ConnectionRefused: Error {}
}

/// Closes a connection whose TLS handshake has not completed `timeout` after it was accepted. Sits at the
/// head of the pipeline; `HandshakeWatcher` tells it when the handshake is done, and it then leaves, so the
/// HTTP layers' own idle and read timeouts take over.
final class HandshakeDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias InboundOut = NIOAny

    private let timeout: TimeAmount
    private let metrics: WebhookMetrics
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(timeout: TimeAmount, metrics: WebhookMetrics) {
        self.timeout = timeout
        self.metrics = metrics
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let metrics = metrics
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            metrics.recordError("handshake-timeout")
            loopBound.value.context?.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    /// Called on the channel's event loop once TLS is established.
    func handshakeCompleted() {
        timer?.cancel()
        timer = nil
        if let context { context.pipeline.syncOperations.removeHandler(context: context, promise: nil) }
    }
}

/// Watches for the end of the TLS handshake right behind the TLS handler, tells the deadline, and leaves.
final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias InboundOut = NIOAny

    private let deadline: HandshakeDeadline

    init(deadline: HandshakeDeadline) {
        self.deadline = deadline
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        context.fireUserInboundEventTriggered(event)
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            deadline.handshakeCompleted()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}

/// Flushes what the HTTP layer wrote before a close passes on to TLS and the socket.
///
/// HTTP/2's connection manager closes the connection as soon as the last stream after a GOAWAY is closed,
/// which happens when that stream's final frame is written, before it is flushed: without this, the last
/// answer of a graceful shutdown would be dropped.
final class FlushBeforeClose: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        context.flush()
        context.close(mode: mode, promise: promise)
    }
}

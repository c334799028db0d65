import Foundation
import GatehouseWebhook
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization
import Testing

/// A client that completes TLS and then sends its request a byte at a time keeps every read timer it resets
/// alive, and would hold its place in the listener for as long as it likes. The idle timeouts count complete
/// HTTP parts (HTTP/1.1) and open streams (HTTP/2), not bytes, so such a client is closed after `idleTimeout`
/// however steadily it trickles, and TLS's close waits at most 1 s for a close_notify it never sends.
@Suite("slow senders")
struct SlowSenderTests {
    /// With these settings a trickle is closed after about 1.5 s, on a loaded machine a few seconds later; the
    /// trickle itself would take 40 s.
    static let idleTimeout: Duration = .milliseconds(500)
    static let closedWithin: Duration = .seconds(15)
    static let gap: Duration = .milliseconds(400)

    /// How long a close waits for the client's close_notify: NIOSSL's default, 5 s, would let a client that
    /// ignores it hold its place that much longer. (A timing test cannot tell 1 s from 5 s reliably on a
    /// loaded machine, so the setting itself is checked.)
    @Test func closeWaitsAtMostOneSecondForCloseNotify() throws {
        let configuration = WebhookTLS.serverConfiguration(
            store: CertificateStore(try SelfSignedCA().servingCertificate()), clientCA: nil)
        #expect(configuration.shutdownTimeout == .seconds(1))
    }

    @Test("an HTTP/1.1 request head trickled a byte at a time is closed after the idle timeout")
    func http1HeaderTrickle() async throws {
        try await TestServer.with(configure: { $0.idleTimeout = Self.idleTimeout; $0.http2 = false }) { server in
            let head = Array("POST /validate HTTP/1.1\r\nHost: gatehouse\r\nX-Slow: \(String(repeating: "a", count: 60))".utf8)
            let outcome = try await TrickleClient.run(
                port: server.port, protocol: "http/1.1", pieces: head.map { [$0] }, gap: Self.gap)
            let closedAfter = try #require(outcome.closedAfter, "the server never closed the connection")
            #expect(closedAfter < Self.closedWithin, "closed after \(closedAfter), \(outcome.sent) bytes sent")
        }
    }

    @Test("HTTP/2 header frames trickled as one-byte CONTINUATION frames are closed after the idle timeout")
    func http2ContinuationTrickle() async throws {
        try await TestServer.with(configure: { $0.idleTimeout = Self.idleTimeout }) { server in
            // The connection preface, an empty SETTINGS frame, then a HEADERS frame for stream 1 that never ends
            // its header block (no END_HEADERS flag), continued one HPACK byte per frame.
            let opening = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + Self.frame(type: 4, stream: 0, payload: [])
                + Self.frame(type: 1, stream: 1, payload: [0x83])  // :method: POST
            let continuations = (0..<100).map { _ in Self.frame(type: 9, stream: 1, payload: [0x86]) }  // :scheme: http
            let outcome = try await TrickleClient.run(
                port: server.port, protocol: "h2", pieces: [opening] + continuations, gap: Self.gap)
            let closedAfter = try #require(outcome.closedAfter, "the server never closed the connection")
            #expect(closedAfter < Self.closedWithin, "closed after \(closedAfter), \(outcome.sent) frames sent")
        }
    }

    /// An HTTP/2 frame with no flags.
    static func frame(type: UInt8, stream: UInt32, payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, 0]
            + [UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)]
            + payload
    }
}

/// Connects over TLS (any certificate, the given ALPN protocol), writes `pieces` one every `gap`, and reports
/// how long after connecting the server closed the connection (nil if it stayed open to the end). Like a
/// hostile client, it reads nothing after the handshake, so it never answers the server's close_notify.
enum TrickleClient {
    struct Outcome {
        var closedAfter: Duration?
        var sent: Int
    }

    static func run(port: Int, protocol alpn: String, pieces: [[UInt8]], gap: Duration) async throws -> Outcome {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        tls.applicationProtocols = [alpn]
        let context = try NIOSSLContext(configuration: tls)
        let start = ContinuousClock.now
        let closedAt = Mutex<ContinuousClock.Instant?>(nil)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let deaf = DeafAfterHandshake()
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(deaf)
                    try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                    try pipeline.addHandler(HandshakeNotifier(deaf: deaf))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        channel.closeFuture.whenComplete { _ in closedAt.withLock { $0 = ContinuousClock.now } }
        var sent = 0
        for piece in pieces {
            guard channel.isActive else { break }
            try? await channel.writeAndFlush(ByteBuffer(bytes: piece)).get()
            sent += 1
            try await Task.sleep(for: gap)
        }
        let closed = closedAt.withLock { $0 }
        if closed == nil { try? await channel.close().get() }
        return Outcome(closedAfter: closed.map { $0 - start }, sent: sent)
    }
}

/// Below TLS: passes the handshake through, then drops every byte the server sends.
final class DeafAfterHandshake: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    var deaf = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !deaf { context.fireChannelRead(data) }
    }
}

/// Above TLS: tells `DeafAfterHandshake` when the handshake is done.
final class HandshakeNotifier: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let deaf: DeafAfterHandshake

    init(deaf: DeafAfterHandshake) { self.deaf = deaf }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event { deaf.deaf = true }
        context.fireUserInboundEventTriggered(event)
    }
}

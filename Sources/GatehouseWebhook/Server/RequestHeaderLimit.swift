import Hummingbird
import HTTPTypes
import NIOCore
import NIOHTTP2
import NIOTLS

/// How large a request's header section may be: a larger one is answered 431 on its own stream (HTTP/2) or
/// connection (HTTP/1.1), and the other requests carry on.
///
/// Sizes are counted as HTTP/2 counts SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §6.5.2): each field's name and
/// value in bytes plus 32, pseudo-header fields included.
enum RequestHeaderLimits {
    /// The largest header section a request may carry and still be served.
    static let served = 16_384
    /// The largest HTTP/2 header section decoded at all. SwiftNIO HTTP/2 fails the whole connection past its
    /// decoder's limit (the block cannot be skipped: decoding it updates the compression state both ends
    /// share), so the limit is raised above `served` and the difference is answered 431 per stream. Memory
    /// per decoded block stays bounded by this figure.
    static let decoded = 65_536
}

/// Answers 431 (Request Header Fields Too Large) to a request whose header section is over
/// ``RequestHeaderLimits/served``, before any route reads it.
struct RequestHeaderLimit: RouterMiddleware {
    typealias Context = WebhookRequestContext
    let metrics: WebhookMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let size = Self.size(of: request.head)
        guard size > RequestHeaderLimits.served else { return try await next(request, context) }
        metrics.recordError("header-too-large")
        return Response(
            status: .init(code: 431, reasonPhrase: "Request Header Fields Too Large"),
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(
                byteBuffer: ByteBuffer(
                    string: "the request's header fields take \(size) bytes; at most \(RequestHeaderLimits.served) are accepted\n")))
    }

    /// The header section's size as HTTP/2 counts it, pseudo-header fields included.
    static func size(of head: HTTPRequest) -> Int {
        var size = ":method".utf8.count + head.method.rawValue.utf8.count + 32
        for (name, value) in [(":scheme", head.scheme), (":authority", head.authority), (":path", head.path)] {
            if let value { size += name.utf8.count + value.utf8.count + 32 }
        }
        for field in head.headerFields {
            size += field.name.rawName.utf8.count + field.value.utf8.count + 32
        }
        return size
    }
}

/// Raises an HTTP/2 connection's header-list limit from SwiftNIO HTTP/2's default (16 KiB, which Hummingbird
/// leaves in place) to ``RequestHeaderLimits/decoded`` with a SETTINGS frame sent right after the
/// connection's first one, so that a request over ``RequestHeaderLimits/served`` reaches
/// ``RequestHeaderLimit`` and gets a 431 instead of failing every stream of the connection.
///
/// The new limit applies once the client acknowledges the frame (RFC 9113 §6.5.3). A client that sends an
/// oversized header block in its very first flight, before reading the server's settings, still meets the
/// old limit; every later request meets the new one.
///
/// Sits right behind the TLS handler, sees the handshake's outcome, and leaves once it has sent the frame or
/// learned that the connection speaks HTTP/1.1.
final class RaiseHeaderListLimit: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias InboundOut = NIOAny

    private var negotiatedHTTP2 = false

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        context.fireUserInboundEventTriggered(event)
        guard let event = event as? TLSUserEvent, case .handshakeCompleted(let negotiated) = event else { return }
        guard negotiated == "h2" else {
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        negotiatedHTTP2 = true
        sendSettingsOnceHTTP2IsSetUp(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        if negotiatedHTTP2 { sendSettingsOnceHTTP2IsSetUp(context: context) }
    }

    /// Sends the frame when the HTTP/2 handler is in the pipeline (protocol negotiation may add it after the
    /// handshake event has passed), from the pipeline's tail so that the HTTP/2 handler encodes it.
    private func sendSettingsOnceHTTP2IsSetUp(context: ChannelHandlerContext) {
        guard (try? context.pipeline.syncOperations.handler(type: NIOHTTP2Handler.self)) != nil else { return }
        negotiatedHTTP2 = false
        let settings = HTTP2Frame(
            streamID: .rootStream,
            payload: .settings(.settings([HTTP2Setting(parameter: .maxHeaderListSize, value: RequestHeaderLimits.decoded)])))
        context.channel.writeAndFlush(settings, promise: nil)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

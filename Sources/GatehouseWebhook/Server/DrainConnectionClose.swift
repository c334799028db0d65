import Hummingbird
import NIOCore

/// While the webhook drains (after SIGTERM, before the listener stops), HTTP/1.1 answers carry
/// `Connection: close`, so the client's next request opens a connection that the Service sends to another
/// replica instead of reusing one to a pod that is going away. HTTP/2 connections are told by GOAWAY instead,
/// and may not carry the header at all (RFC 9113 §8.2.2).
struct DrainConnectionClose: RouterMiddleware {
    typealias Context = WebhookRequestContext
    let readiness: Readiness

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        guard readiness.isDraining, Self.isConnection(context.channel) else { return response }
        response.headers[.connection] = "close"
        return response
    }

    /// An HTTP/1.1 request arrives on the accepted connection itself, whose parent is the listening socket;
    /// an HTTP/2 request arrives on a stream channel, whose parent is the connection.
    static func isConnection(_ channel: any Channel) -> Bool {
        channel.parent?.parent == nil
    }
}

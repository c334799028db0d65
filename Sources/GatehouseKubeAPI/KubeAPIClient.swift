import AsyncHTTPClient
import Foundation
import KubeModel
import NIOCore
import NIOHTTP1
import NIOSSL

/// A client of the Kubernetes API server over HTTPS: the connection's TLS settings and credentials, every
/// request retried as client-go retries it.
///
/// Retries: a 429 (the API server's priority and fairness said "too many requests"), a 5xx, a timeout or a
/// broken connection is tried again, up to ``RetryPolicy/attempts`` times in all. The wait is the answer's
/// `Retry-After` seconds when it gives them (capped at ``RetryPolicy/maximumWait``), else an exponential
/// backoff from ``RetryPolicy/firstWait``. Every other status is the caller's to judge.
public final class KubeAPIClient: Sendable {
    public let connection: ClusterConnection
    public let retry: RetryPolicy
    private let http: HTTPClient
    private let authorization: String?
    private let requestTimeout: TimeAmount

    public struct RetryPolicy: Sendable {
        public var attempts = 6
        public var firstWait: Duration = .milliseconds(500)
        public var maximumWait: Duration = .seconds(60)

        public init() {}

        /// The wait before attempt `attempt + 1` (`attempt` counts from 1), from the answer's `Retry-After`
        /// when it has whole seconds there.
        func wait(after attempt: Int, retryAfter: String?) -> Duration {
            if let retryAfter, let seconds = Int(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
                return min(.seconds(seconds), maximumWait)
            }
            let doubled = firstWait * (1 << min(attempt - 1, 16))
            return min(doubled, maximumWait)
        }
    }

    /// An answer: its status, headers and whole body.
    public struct Response: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: [UInt8]

        /// The `message` of a `Status` body, else the body's start.
        public var message: String {
            let text = String(decoding: body.prefix(4000), as: UTF8.self)
            if case .success(let tree) = JSONLoader.parse(text), let message = tree.root["message"]?.string {
                return message
            }
            return text.isEmpty ? "(no message)" : text
        }
    }

    /// Connects with `connection`'s TLS settings and credentials (running its credential plugin, reading its
    /// token file). `requestTimeout` bounds one attempt of one request, the body included.
    public init(
        _ connection: ClusterConnection, retry: RetryPolicy = RetryPolicy(), requestTimeout: TimeAmount = .seconds(60)
    ) throws {
        guard let url = URL(string: connection.server), url.scheme == "https" || url.scheme == "http", url.host != nil else {
            throw ClusterConfigError("cluster \(connection.name): server \"\(connection.server)\" is not an https:// URL")
        }
        var clientCertificate = connection.clientCertificatePEM
        var clientKey = connection.clientKeyPEM
        switch connection.credentials {
        case .none: authorization = nil
        case .token(let token): authorization = "Bearer " + token
        case .tokenFile(let path):
            let token = String(decoding: try ClusterConnection.readFile(path, what: "token file"), as: UTF8.self)
            authorization = "Bearer " + token.trimmingCharacters(in: .whitespacesAndNewlines)
        case .exec(let plugin):
            let credential = try plugin.run()
            authorization = credential.token.map { "Bearer " + $0 }
            if credential.clientCertificatePEM != nil {
                clientCertificate = credential.clientCertificatePEM
                clientKey = credential.clientKeyPEM
            }
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = connection.certificateAuthorityPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca))
            }
            if let clientCertificate, let clientKey {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(clientCertificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: clientKey, format: .pem))
            }
        } catch {
            throw ClusterConfigError("cluster \(connection.name): cannot read its certificates or key: \(error)")
        }
        if connection.insecureSkipTLSVerify { tls.certificateVerification = .none }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(10), read: requestTimeout)
        configuration.decompression = .enabled(limit: .none)
        // Connection failures come back to ``send`` at once: it retries what may pass (a refused or reset
        // connection) and stops on what will not (a certificate that does not verify).
        configuration.connectionPool.retryConnectionEstablishment = false
        self.connection = connection
        self.retry = retry
        self.requestTimeout = requestTimeout
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// `method` on `path` (`/api/v1/pods?limit=500`), retried as the type describes. Throws a
    /// ``KubeAPIError`` when no attempt got an answer, or the last answer was still one worth retrying.
    public func send(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String? = nil,
        maximumBody: Int = 512 << 20
    ) async throws -> Response {
        var attempt = 0
        while true {
            attempt += 1
            let answer: Response
            do {
                answer = try await sendOnce(method, path, body: body, contentType: contentType, maximumBody: maximumBody)
            } catch let error as KubeAPIError where !error.retriable {
                throw error
            } catch let error where error is NIOSSLError || error is BoringSSLError {
                throw KubeAPIError(request: describe(method, path), status: nil, message: Self.describe(error))
            } catch {
                guard attempt < retry.attempts else {
                    throw KubeAPIError(request: describe(method, path), status: nil, message: Self.describe(error))
                }
                try await Task.sleep(for: retry.wait(after: attempt, retryAfter: nil))
                continue
            }
            guard answer.status == 429 || (500..<600).contains(answer.status) else { return answer }
            guard attempt < retry.attempts else {
                throw KubeAPIError(
                    request: describe(method, path), status: answer.status,
                    message: "\(answer.message) (still \(answer.status) after \(attempt) attempts)")
            }
            try await Task.sleep(for: retry.wait(after: attempt, retryAfter: answer.headers.first(name: "Retry-After")))
        }
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// `GET https://server/path`, as messages name a request.
    public func describe(_ method: HTTPMethod, _ path: String) -> String {
        "\(method.rawValue) \(url(path))"
    }

    private func url(_ path: String) -> String {
        (connection.server.hasSuffix("/") ? String(connection.server.dropLast()) : connection.server) + path
    }

    private func sendOnce(
        _ method: HTTPMethod, _ path: String, body: [UInt8]?, contentType: String?, maximumBody: Int
    ) async throws -> Response {
        var request = HTTPClientRequest(url: url(path))
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "gatehouse")
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        }
        let response = try await http.execute(request, timeout: requestTimeout)
        var collected: ByteBuffer
        do {
            collected = try await response.body.collect(upTo: maximumBody)
        } catch is NIOTooManyBytesError {
            throw KubeAPIError(
                request: describe(method, path), status: Int(response.status.code),
                message: "the answer is larger than \(maximumBody >> 20) MiB; list in smaller pages (--chunk-size)",
                retriable: false)
        }
        return Response(
            status: Int(response.status.code), headers: response.headers,
            body: collected.readBytes(length: collected.readableBytes) ?? [])
    }

    private static func describe(_ error: Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        if let error = error as? NIOSSLError { return "TLS: \(error)" }
        if let error = error as? BoringSSLError { return "TLS: \(error) (does the cluster's CA in the kubeconfig match the server?)" }
        return String(describing: error)
    }
}

/// A request that failed, naming it: `GET https://…/api/v1/pods?limit=500 answered 403: pods is forbidden…`.
public struct KubeAPIError: Error, CustomStringConvertible, Sendable {
    public let request: String
    public let status: Int?
    public let message: String
    let retriable: Bool

    public init(request: String, status: Int?, message: String, retriable: Bool = true) {
        self.request = request
        self.status = status
        self.message = message
        self.retriable = retriable
    }

    public var description: String {
        status.map { "\(request) answered \($0): \(message)" } ?? "\(request) failed: \(message)"
    }
}

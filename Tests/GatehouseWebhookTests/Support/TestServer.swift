import AsyncHTTPClient
import Foundation
import GatehouseEngine
import GatehouseWebhook
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle

/// A webhook on 127.0.0.1, a free port, real TLS with a fresh self-signed CA; stopped after `body`.
struct TestServer {
    let server: WebhookServer
    let ca: SelfSignedCA
    let port: Int
    let metricsPort: Int?
    let group: ServiceGroup

    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    var validateURL: String { "https://127.0.0.1:\(port)/validate" }
    var auditURL: String { "https://127.0.0.1:\(port)/audit" }
    var metricsURL: String { "https://127.0.0.1:\(port)/metrics" }

    static func with(
        policy: Policy = .onlyPrivileged,
        ca: SelfSignedCA? = nil,
        clientCA: [NIOSSLCertificate]? = nil,
        certificateFiles: (certificate: String, key: String)? = nil,
        configure: (inout WebhookConfiguration) -> Void = { _ in },
        logger: Logger = quiet,
        _ body: (TestServer) async throws -> Void
    ) async throws {
        let ca = try ca ?? SelfSignedCA()
        var configuration = WebhookConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configure(&configuration)
        let store: CertificateStore
        if let files = certificateFiles {
            store = CertificateStore(try ServingCertificate(certificateFile: files.certificate, keyFile: files.key))
        } else {
            store = CertificateStore(try ca.servingCertificate())
        }
        // As `gatehouse serve` does: the policy's scanner reports, loaded now and watched.
        let reports = policy.vulnerabilities.map(VulnerabilityReportSource.init)
        let server = WebhookServer(
            engine: try Engine(policy: policy, vulnerabilities: reports?.store), configuration: configuration,
            store: store, certificateFiles: certificateFiles, reloadInterval: .milliseconds(50), clientCA: clientCA,
            vulnerabilityReports: reports, logger: logger)
        let wanted = configuration.metricsPort == nil ? 1 : 2
        let (stream, continuation) = AsyncStream.makeStream(of: (String, Int).self)
        let group = ServiceGroup(
            configuration: .init(
                services: try server.services { scheme, port in continuation.yield((scheme, port)) }, logger: quiet))
        let task = Task { try await group.run() }
        var ports: [String: Int] = [:]
        for await (scheme, port) in stream {
            ports[scheme] = port
            if ports.count == wanted { break }
        }
        let running = TestServer(
            server: server, ca: ca, port: ports["https"] ?? 0, metricsPort: ports["metrics"], group: group)
        do {
            try await body(running)
        } catch {
            await group.triggerGracefulShutdown()
            try? await task.value
            throw error
        }
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// A client trusting only `trust` (default: this server's CA), optionally presenting a certificate.
    func client(
        trust: SelfSignedCA? = nil, http1Only: Bool = false,
        identity: (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey)? = nil, expectFailure: Bool = false
    ) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array((trust ?? ca).caCertificatePEM.utf8)))
        if let identity {
            tls.certificateChain = identity.chain.map { .certificate($0) }
            tls.privateKey = .privateKey(identity.key)
        }
        var config = HTTPClient.Configuration(tlsConfiguration: tls)
        config.httpVersion = http1Only ? .http1Only : .automatic
        // A client expected to fail its handshake gives up quickly instead of retrying until the deadline.
        config.timeout = .init(connect: .seconds(expectFailure ? 1 : 10), read: .seconds(30))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }
}

/// An answer as a test reads it.
struct Answer {
    let status: HTTPResponseStatus
    let version: HTTPVersion
    let body: [UInt8]
    /// The `Connection` header, when the answer has one.
    var connection: String? = nil

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    var response: [String: Any] { json["response"] as? [String: Any] ?? [:] }
    var allowed: Bool? { response["allowed"] as? Bool }
    var warnings: [String] { response["warnings"] as? [String] ?? [] }
    var auditAnnotations: [String: String] { response["auditAnnotations"] as? [String: String] ?? [:] }
    var statusCode: Int? { (response["status"] as? [String: Any])?["code"] as? Int }
    var message: String { (response["status"] as? [String: Any])?["message"] as? String ?? "" }
    var text: String { String(decoding: body, as: UTF8.self) }
}

extension HTTPClient {
    /// POSTs `body` and collects the answer. Shuts nothing down: the caller owns the client.
    func post(
        _ url: String, body: String, contentType: String = "application/json"
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Answer(status: response.status, version: response.version, body: Array(buffer: bytes))
    }

    func get(_ url: String) async throws -> Answer {
        let response = try await execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Answer(
            status: response.status, version: response.version, body: Array(buffer: bytes),
            connection: response.headers.first(name: "connection"))
    }
}

/// Runs `body` with a client and shuts the client down afterwards, whatever happens.
func withClient<T>(_ client: HTTPClient, _ body: (HTTPClient) async throws -> T) async throws -> T {
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

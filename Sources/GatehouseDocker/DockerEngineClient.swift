#if canImport(Glibc)
import Glibc
#endif
import AsyncHTTPClient
import KubeModel
import NIOCore
import NIOHTTP1
import NIOSSL

/// A read-only client of the Docker Engine API (moby `api/swagger.yaml`): GET requests only, on the unix
/// socket or over TCP with TLS client certificates.
///
/// It negotiates the API version as the docker CLI does: `GET /_ping` and `GET /version` give the daemon's
/// `ApiVersion`, and every later path is prefixed with the lower of that and ``newestKnownVersion``. The
/// schema is open (the daemon adds fields), so callers read what they need and ignore the rest.
public final class DockerEngineClient: Sendable {
    public let endpoint: DockerEndpoint
    /// The version every request is prefixed with (`1.47`), once ``connect(_:)`` negotiated it.
    public let apiVersion: String
    private let http: HTTPClient

    /// The newest API version whose fields Gatehouse reads; a newer daemon is spoken to at this version.
    public static let newestKnownVersion = "1.51"
    /// The oldest version Gatehouse can read (the Engine API's own floor, `MinAPIVersion` 1.24).
    public static let oldestReadableVersion = "1.24"

    private init(endpoint: DockerEndpoint, apiVersion: String, http: HTTPClient) {
        self.endpoint = endpoint
        self.apiVersion = apiVersion
        self.http = http
    }

    /// Connects to the daemon at `endpoint` and negotiates the API version. Throws a ``DockerError`` naming
    /// the endpoint when the daemon cannot be reached, is not a Docker daemon, or is too old. `readTimeout`
    /// bounds the silence between two reads of an answer; `nil` for a client that follows `/events`, which may
    /// be quiet for hours (each ``get(_:timeout:)`` still has its deadline).
    public static func connect(_ endpoint: DockerEndpoint, readTimeout: TimeAmount? = .seconds(60)) async throws
        -> DockerEngineClient
    {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: readTimeout)
        if let socket = endpoint.socketPath, access(socket, F_OK) != 0 {
            throw DockerError(
                "Docker host \(endpoint): there is no socket at \(socket) (is dockerd running there? name another "
                    + "with --host or DOCKER_HOST)")
        }
        if let tls = endpoint.tls {
            for (option, file) in [("--tlscacert", tls.caCertificate), ("--tlscert", tls.certificate), ("--tlskey", tls.key)] {
                guard let file, access(file, R_OK) != 0 else { continue }
                throw DockerError(
                    "Docker host \(endpoint): cannot read \(option) \(file): \(String(cString: strerror(errno)))")
            }
            var config = TLSConfiguration.makeClientConfiguration()
            do {
                if let ca = tls.caCertificate { config.trustRoots = .file(ca) }
                if let certificate = tls.certificate {
                    config.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
                }
                if let key = tls.key { config.privateKey = .file(key) }
            } catch {
                throw DockerError("Docker host \(endpoint): cannot read the TLS client files: \(error)")
            }
            configuration.tlsConfiguration = config
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let unversioned = DockerEngineClient(endpoint: endpoint, apiVersion: "", http: http)
            let body = try await unversioned.get("/version")
            guard case .success(let tree) = JSONLoader.parse(String(decoding: body, as: UTF8.self)),
                let daemonVersion = tree.root["ApiVersion"]?.string
            else {
                throw DockerError("Docker host \(endpoint): GET /version did not answer as a Docker daemon does")
            }
            guard APIVersion(daemonVersion) >= APIVersion(oldestReadableVersion) else {
                throw DockerError(
                    "Docker host \(endpoint): the daemon speaks API \(daemonVersion); Gatehouse reads \(oldestReadableVersion) and newer")
            }
            let version = min(APIVersion(daemonVersion), APIVersion(newestKnownVersion)).text
            return DockerEngineClient(endpoint: endpoint, apiVersion: version, http: http)
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// `GET` of an API path (`/info`, `/containers/json?all=1`), versioned; the body of a 2xx answer. Any other
    /// status throws with the daemon's message (`{"message": "..."}`).
    public func get(_ path: String, timeout: TimeAmount = .seconds(60)) async throws -> [UInt8] {
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request(path), timeout: timeout)
        } catch {
            throw DockerError("Docker host \(endpoint): GET \(path) failed: \(Self.describe(error))")
        }
        var body = try await response.body.collect(upTo: 256 << 20)
        let bytes = body.readBytes(length: body.readableBytes) ?? []
        guard (200..<300).contains(response.status.code) else {
            throw DockerError(
                "Docker host \(endpoint): GET \(path) answered \(response.status.code): \(Self.message(of: bytes))")
        }
        return bytes
    }

    /// A long `GET` (`/events`) whose body arrives in pieces, handed to `receive` as they come, until the daemon
    /// ends it or the task is cancelled.
    public func stream(_ path: String, receive: (ByteBuffer) async throws -> Void) async throws {
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request(path), timeout: .hours(24 * 365))
        } catch {
            throw DockerError("Docker host \(endpoint): GET \(path) failed: \(Self.describe(error))")
        }
        guard (200..<300).contains(response.status.code) else {
            var body = try await response.body.collect(upTo: 1 << 20)
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            throw DockerError(
                "Docker host \(endpoint): GET \(path) answered \(response.status.code): \(Self.message(of: bytes))")
        }
        for try await piece in response.body { try await receive(piece) }
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// A GET of `path`, versioned. Over the unix socket the URL has no host, and the daemon refuses a request
    /// without a Host header, so it carries the name the docker CLI sends there.
    private func request(_ path: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: endpoint.url(versioned(path)))
        if endpoint.socketPath != nil { request.headers.replaceOrAdd(name: "Host", value: "api.moby.localhost") }
        return request
    }

    private func versioned(_ path: String) -> String {
        apiVersion.isEmpty ? path : "/v\(apiVersion)\(path)"
    }

    /// The daemon's error message, or the body's start.
    private static func message(of body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(2000), as: UTF8.self)
        if case .success(let tree) = JSONLoader.parse(text), let message = tree.root["message"]?.string {
            return message
        }
        return text.isEmpty ? "(no message)" : text
    }

    private static func describe(_ error: Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        // NIO's connect error names the system call; the errno's text is what a user can act on.
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return String(describing: error)
    }
}

/// An Engine API version (`1.47`), compared numerically.
struct APIVersion: Comparable {
    let major: Int
    let minor: Int
    let text: String

    init(_ text: String) {
        let parts = text.split(separator: ".")
        major = parts.first.flatMap { Int($0) } ?? 0
        minor = parts.dropFirst().first.flatMap { Int($0) } ?? 0
        self.text = text
    }

    static func < (a: APIVersion, b: APIVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }
    static func == (a: APIVersion, b: APIVersion) -> Bool { (a.major, a.minor) == (b.major, b.minor) }
}

/// Where the Docker Engine API listens: `unix:///var/run/docker.sock` or `tcp://host:2376` (with TLS client
/// certificates when given), as `--host` and `DOCKER_HOST` name it.
public struct DockerEndpoint: Sendable, Hashable, CustomStringConvertible {
    public enum Transport: Sendable, Hashable {
        case unix(path: String)
        case tcp(host: String, port: Int)
    }

    public let transport: Transport
    /// TLS for `tcp://`: the CA that signed the daemon's certificate and this client's certificate and key
    /// (`--tlscacert`, `--tlscert`, `--tlskey`, as the docker CLI takes them). `nil` means plain HTTP.
    public var tls: TLSFiles?

    public struct TLSFiles: Sendable, Hashable {
        public var caCertificate: String?
        public var certificate: String?
        public var key: String?

        public init(caCertificate: String?, certificate: String?, key: String?) {
            self.caCertificate = caCertificate
            self.certificate = certificate
            self.key = key
        }
    }

    /// The daemon's default socket (moby `DefaultDockerHost` on Linux).
    public static let defaultHost = "unix:///var/run/docker.sock"

    /// Reads `unix:///path` or `tcp://host:port` (`tcp://host` means port 2376 with TLS, 2375 without, as the
    /// docker CLI does). Throws a message naming the value for anything else.
    public init(_ text: String, tls: TLSFiles? = nil) throws(DockerError) {
        self.tls = tls
        if text.hasPrefix("unix://") {
            let path = String(text.dropFirst("unix://".count))
            guard path.hasPrefix("/") else {
                throw DockerError("Docker host \(text): a unix socket needs an absolute path (unix:///var/run/docker.sock)")
            }
            transport = .unix(path: path)
            return
        }
        guard text.hasPrefix("tcp://") else {
            throw DockerError("Docker host \(text): use unix:///path/to/docker.sock or tcp://host:port")
        }
        var rest = String(text.dropFirst("tcp://".count))
        if let slash = rest.firstIndex(of: "/") { rest = String(rest[..<slash]) }
        var host = rest
        var port = tls == nil ? 2375 : 2376
        if rest.hasPrefix("[") {
            // [::1]:2376
            guard let close = rest.firstIndex(of: "]") else { throw DockerError("Docker host \(text): unclosed [") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    throw DockerError("Docker host \(text): the port is not a number from 1 to 65535")
                }
                port = p
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else {
                throw DockerError("Docker host \(text): the port is not a number from 1 to 65535")
            }
            port = p
        }
        guard !host.isEmpty else { throw DockerError("Docker host \(text): no host name") }
        transport = .tcp(host: host, port: port)
    }

    /// The URL of an API path (`/v1.47/info`) on this endpoint, in AsyncHTTPClient's form.
    func url(_ path: String) -> String {
        switch transport {
        case .unix(let socket):
            // http+unix://<percent-encoded socket path><path>
            let encoded = socket.utf8.map { byte -> String in
                let c = Character(UnicodeScalar(byte))
                return c.isLetter || c.isNumber || "-._~".contains(c) ? String(c) : String(format: byte)
            }.joined()
            return "http+unix://\(encoded)\(path)"
        case .tcp(let host, let port):
            let name = host.contains(":") ? "[\(host)]" : host
            return "\(tls == nil ? "http" : "https")://\(name):\(port)\(path)"
        }
    }

    public var description: String {
        switch transport {
        case .unix(let path): "unix://\(path)"
        case .tcp(let host, let port): "tcp://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        }
    }

    /// The socket's path, for a unix endpoint.
    public var socketPath: String? {
        if case .unix(let path) = transport { return path }
        return nil
    }
}

private func String(format byte: UInt8) -> String {
    let hex = Array("0123456789ABCDEF")
    return "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
}

/// A Docker reader's failure, in words a user can act on (it names the host, file or request).
public struct DockerError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

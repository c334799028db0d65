import AsyncHTTPClient
import Foundation
import GatehouseWebhook
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Connections that never start TLS must not stop admission: each is closed after the handshake timeout, one
/// source address holds a bounded share of the listener, and `/readyz` says when the listener is full.
@Suite("connection flood")
struct ConnectionFloodTests {
    @Test("a flood of silent TCP connections from one address neither stops nor slows admission")
    func silentFlood() async throws {
        try await TestServer.with(configure: {
            $0.maxConnections = 64
            $0.maxConnectionsPerSource = 16
            $0.handshakeTimeout = .milliseconds(500)
        }) { server in
            try await withClient(try server.client()) { client in
                // Warm up, so the figures below measure admission, not the first handshake's key generation.
                _ = try await client.post(server.validateURL, body: Reviews.review(object: Reviews.pod()))
                let flood = RawFlood(port: server.port, source: "127.0.0.2")
                defer { flood.closeAll() }
                var latencies: [Duration] = []
                for round in 0..<10 {
                    flood.open(count: 40)  // 400 in all, far more than the listener's 64
                    let start = ContinuousClock.now
                    let answer = try await client.post(server.validateURL, body: Reviews.review(object: Reviews.pod()))
                    latencies.append(ContinuousClock.now - start)
                    #expect(answer.allowed == true, "round \(round): \(answer.text)")
                    // The flood never holds more than its per-source share of the listener.
                    #expect(server.server.connections.openConnections <= 16 + 2)
                }
                #expect(flood.opened >= 300)
                // The API server gives up on a webhook after 10 s by default; a listener the flood blocked would
                // make admission wait for it. Half that bound leaves room for a loaded machine (CI runs every
                // suite at once) while still failing on a blocked listener.
                let slowest = latencies.max() ?? .zero
                #expect(slowest < .seconds(5), "slowest admission during the flood: \(slowest)")
                // Silent connections are closed by the handshake deadline.
                let deadline = ContinuousClock.now + .seconds(3)
                while server.server.connections.openConnections > 1, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(server.server.connections.openConnections <= 1, "only the client's own connection stays")
                let metrics = String(decoding: server.server.metrics.exposition(), as: UTF8.self)
                #expect(metrics.contains(#"gatehouse_admission_errors_total{type="per-source-limit"}"#))
                #expect(metrics.contains(#"gatehouse_admission_errors_total{type="handshake-timeout"}"#))
            }
        }
    }

    @Test("/readyz reports not ready while the listener is full, and ready again once it has room")
    func readinessReflectsAFullListener() async throws {
        try await TestServer.with(configure: {
            $0.maxConnections = 4
            $0.maxConnectionsPerSource = 100
            $0.handshakeTimeout = .seconds(30)
            $0.metricsPort = 0
        }) { server in
            try await withClient(HTTPClient(eventLoopGroupProvider: .singleton)) { client in
                let readyz = "http://127.0.0.1:\(server.metricsPort ?? 0)/readyz"
                #expect(try await client.get(readyz).status == .ok)
                let flood = RawFlood(port: server.port, source: "127.0.0.2")
                flood.open(count: 4)
                let full = try await Self.poll(client, readyz, until: { $0.status == .serviceUnavailable })
                #expect(full.text.contains("the listener is full: 4 connections open"), "\(full.text)")
                flood.closeAll()
                let ready = try await Self.poll(client, readyz, until: { $0.status == .ok })
                #expect(ready.text == "ok\n")
            }
        }
    }

    /// Asks `url` until `done` holds or 5 s have passed, and returns the last answer.
    static func poll(_ client: HTTPClient, _ url: String, until done: (Answer) -> Bool) async throws -> Answer {
        var answer = try await client.get(url)
        let deadline = ContinuousClock.now + .seconds(5)
        while !done(answer), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            answer = try await client.get(url)
        }
        return answer
    }
}

/// Plain TCP connections to 127.0.0.1 from another loopback address that send nothing, as an attacker's
/// would. The kernel completes each TCP handshake from the listen backlog, so opening never blocks on the
/// server.
final class RawFlood: @unchecked Sendable {
    let port: Int
    let source: String
    private(set) var sockets: [Int32] = []
    private(set) var opened = 0

    init(port: Int, source: String) {
        self.port = port
        self.source = source
    }

    func open(count: Int) {
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { continue }
            // A listener that stopped accepting would make connect() wait for SYN retries: give up after 1 s.
            var timeout = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, source, &local.sin_addr)
            var remote = sockaddr_in()
            remote.sin_family = sa_family_t(AF_INET)
            remote.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            let connected = withUnsafePointer(to: &remote) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound == 0, connected == 0 {
                sockets.append(fd)
                opened += 1
            } else {
                close(fd)
            }
        }
    }

    func closeAll() {
        for fd in sockets { close(fd) }
        sockets.removeAll()
    }
}

import AsyncHTTPClient
import Foundation
import GatehouseWebhook
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

@Suite("TLS, certificate reload, client certificates, shutdown")
struct TLSAndLifecycleTests {
    @Test("the certificate is reloaded when the mounted Secret's ..data link is swapped")
    func certificateReload() async throws {
        let first = try SelfSignedCA()
        let second = try SelfSignedCA()
        var volume = try SecretVolume(first)
        defer { volume.remove() }
        // The keep-alive connection below must outlive the wait for the reload however slow the machine is, so
        // the idle timeout is far longer than that wait can take.
        try await TestServer.with(
            ca: first, certificateFiles: (volume.certificateFile, volume.keyFile),
            configure: { $0.idleTimeout = .seconds(120) }
        ) { server in
            // A keep-alive connection opened before the rotation.
            try await withClient(try server.client(trust: first, http1Only: true)) { early in
                let before = try await early.post(server.validateURL, body: Reviews.review(object: Reviews.pod()))
                #expect(before.allowed == true)

                try volume.update(second)

                // New handshakes see the new certificate once the watcher has polled (every 50 ms here).
                var switched = false
                for _ in 0..<200 where !switched {
                    let client = try server.client(trust: second, expectFailure: true)
                    switched = (try? await client.post(server.validateURL, body: Reviews.review(object: Reviews.pod()))) != nil
                    try? await client.shutdown()
                    if !switched { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(switched)

                // The old CA no longer verifies new connections...
                let stale = try server.client(trust: first, expectFailure: true)
                await #expect(throws: (any Error).self) {
                    try await stale.post(server.validateURL, body: Reviews.review(object: Reviews.pod()))
                }
                try await stale.shutdown()

                // ...while the connection established before the rotation keeps working.
                let after = try await early.post(server.validateURL, body: Reviews.review(object: Reviews.pod()))
                #expect(after.allowed == true)
            }

            let metrics = try await withClient(try server.client(trust: second)) { client in
                try await client.get("https://127.0.0.1:\(server.port)/metrics").text
            }
            #expect(metrics.contains("gatehouse_certificate_reloads_total{result=\"success\"}"))
        }
    }

    @Test("a half-written Secret (key from another certificate) is not served; the old certificate stays")
    func mismatchedKeyIsRejected() async throws {
        let ca = try SelfSignedCA()
        let other = try SelfSignedCA()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-mismatch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cert = dir.appendingPathComponent("tls.crt").path
        let key = dir.appendingPathComponent("tls.key").path
        try ca.servingCertificatePEM.write(toFile: cert, atomically: true, encoding: .utf8)
        try ca.servingKeyPEM.write(toFile: key, atomically: true, encoding: .utf8)
        let store = CertificateStore(try ServingCertificate(certificateFile: cert, keyFile: key))
        let metrics = WebhookMetrics()
        let reloader = CertificateReloader(
            certificateFile: cert, keyFile: key, store: store, metrics: metrics, logger: TestServer.quiet)

        try other.servingCertificatePEM.write(toFile: cert, atomically: true, encoding: .utf8)
        #expect(reloader.reloadNow() == false)
        #expect(store.current.notValidAfter == (try ca.servingCertificate()).notValidAfter)
        #expect(String(decoding: metrics.exposition(), as: UTF8.self).contains("result=\"failure\"} 1"))

        try other.servingKeyPEM.write(toFile: key, atomically: true, encoding: .utf8)
        #expect(reloader.reloadNow() == true)
    }

    @Test("a Secret that loses its key file is a failed reload: counted every poll, logged at error once")
    func missingKeyFile() async throws {
        let ca = try SelfSignedCA()
        var volume = try SecretVolume(ca)
        defer { volume.remove() }
        let store = CertificateStore(try ServingCertificate(certificateFile: volume.certificateFile, keyFile: volume.keyFile))
        let metrics = WebhookMetrics()
        let logs = CapturedLogs()
        let reloader = CertificateReloader(
            certificateFile: volume.certificateFile, keyFile: volume.keyFile, store: store,
            interval: .milliseconds(10), metrics: metrics, logger: logs.logger)
        func failures() -> Int {
            let line = String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n")
                .first { $0.hasPrefix("gatehouse_certificate_reloads_total{result=\"failure\"}") }
            return line.flatMap { $0.split(separator: " ").last }.flatMap { Int($0) } ?? 0
        }
        let task = Task { try await reloader.run() }
        defer { task.cancel() }

        // The key disappears from the mounted Secret (its target is gone).
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: volume.keyFile)
        try FileManager.default.removeItem(at: volume.directory.appendingPathComponent(target))
        for _ in 0..<500 where failures() < 3 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(failures() >= 3)
        let errors = logs.all.filter { $0.level == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.metadata["error"]?.hasPrefix(volume.keyFile) == true)

        // The Secret is whole again: the next poll reloads it.
        try volume.update(ca)
        for _ in 0..<500 where !logs.all.contains(where: { $0.level == .info }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(logs.all.contains { $0.message == "serving certificate reloaded" })
        task.cancel()
        _ = try? await task.value

        // A broken pair (the key of another certificate) is logged at error, not warning.
        #expect(reloader.reloadNow() == true)
        try (try SelfSignedCA()).servingCertificatePEM.write(
            toFile: volume.certificateFile, atomically: false, encoding: .utf8)
        #expect(reloader.reloadNow() == false)
        #expect(logs.all.filter { $0.level == .error }.count == 2)
        #expect(!logs.all.contains { $0.level == .warning })
    }

    @Test("with --client-ca, clients without a certificate from that CA are rejected in the handshake")
    func clientCertificates() async throws {
        let serverCA = try SelfSignedCA()
        let apiServerCA = try SelfSignedCA()
        let strangerCA = try SelfSignedCA()
        let trusted = try NIOSSLCertificate.fromPEMBytes(Array(apiServerCA.caCertificatePEM.utf8))
        try await TestServer.with(ca: serverCA, clientCA: trusted) { server in
            let anonymous = try server.client(expectFailure: true)
            await #expect(throws: (any Error).self) {
                try await anonymous.post(server.validateURL, body: Reviews.review(object: Reviews.pod()))
            }
            try await anonymous.shutdown()

            let stranger = try server.client(
                identity: try TestCertificates.clientIdentity(signedBy: strangerCA), expectFailure: true)
            await #expect(throws: (any Error).self) {
                try await stranger.post(server.validateURL, body: Reviews.review(object: Reviews.pod()))
            }
            try await stranger.shutdown()

            let apiServer = try server.client(identity: try TestCertificates.clientIdentity(signedBy: apiServerCA))
            let answer = try await withClient(apiServer) { client in
                try await client.post(server.validateURL, body: Reviews.review(object: Reviews.pod(privileged: true)))
            }
            #expect(answer.allowed == false)
        }
    }

    @Test("SIGTERM-style shutdown: readiness goes false, a request in flight finishes, then the server stops")
    func gracefulShutdown() async throws {
        try await TestServer.with(configure: { $0.shutdownDelay = .seconds(1); $0.readTimeout = .seconds(60) }) { server in
            let slow = try server.client(http1Only: true)
            let probe = try server.client(http1Only: true)
            do {
                try await Self.shutdownScenario(server, slow: slow, probe: probe)
            } catch {
                try? await slow.shutdown()
                try? await probe.shutdown()
                throw error
            }
            try? await slow.shutdown()
            try? await probe.shutdown()
        }
    }

    static func shutdownScenario(_ server: TestServer, slow: HTTPClient, probe: HTTPClient) async throws {
        let body = Array(Reviews.review(uid: "in-flight", object: Reviews.pod(privileged: true)).utf8)
        let (parts, feed) = AsyncStream.makeStream(of: ByteBuffer.self)
        var request = HTTPClientRequest(url: server.validateURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .stream(parts, length: .known(Int64(body.count)))
        let inFlight = Task { () throws -> Answer in
            let response = try await slow.execute(request, timeout: .seconds(60))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return Answer(status: response.status, version: response.version, body: Array(buffer: bytes))
        }
        feed.yield(ByteBuffer(bytes: body[..<100]))

        // Wait until the server is reading that request.
        var started = false
        for _ in 0..<200 where !started {
            let metrics = try await probe.get("https://127.0.0.1:\(server.port)/metrics").text
            started = metrics.contains("gatehouse_admission_in_flight 1")
            if !started { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(started)

        await server.group.triggerGracefulShutdown()
        var draining = false
        for _ in 0..<200 where !draining {
            draining = server.server.readiness.isDraining
            if !draining { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(draining)
        let ready = try await probe.get("https://127.0.0.1:\(server.port)/readyz")
        #expect(ready.status == .serviceUnavailable)
        // HTTP/1.1 clients are told to take their next request elsewhere.
        #expect(ready.connection == "close")

        // After the delay the listener stops accepting; the request in flight is still served.
        var refused = false
        for _ in 0..<500 where !refused {
            refused = !TCPProbe.accepts(port: server.port)
            if !refused { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(refused)
        feed.yield(ByteBuffer(bytes: body[100...]))
        feed.finish()
        let answer = try await inFlight.value
        #expect(answer.status == .ok)
        #expect(answer.response["uid"] as? String == "in-flight")
        #expect(answer.allowed == false)
    }
}

/// curl as a second, independent client, the way an operator tries the webhook by hand (not a real
/// kube-apiserver: no cluster runs in these tests).
@Suite("API-server-like client: curl")
struct CurlClientTests {
    static let curl = "/usr/bin/curl"

    /// Runs curl and waits for it without blocking a concurrency thread (the server under test needs them),
    /// standard output into `output`.
    static func run(_ arguments: [String], output: URL?) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: curl)
        process.arguments = arguments
        if let output {
            FileManager.default.createFile(atPath: output.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: output)
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        process.standardError = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }

    @Test("curl --http2 posts a review and gets an HTTP/2 answer", .enabled(if: FileManager.default.isExecutableFile(atPath: curl)))
    func curlHTTP2() async throws {
        try await TestServer.with { server in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-curl-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let caFile = dir.appendingPathComponent("ca.pem")
            let reviewFile = dir.appendingPathComponent("review.json")
            try server.ca.caCertificatePEM.write(to: caFile, atomically: true, encoding: .utf8)
            try Reviews.review(object: Reviews.pod(privileged: true)).write(to: reviewFile, atomically: true, encoding: .utf8)
            let outFile = dir.appendingPathComponent("out.txt")
            let status = try await Self.run(
                [
                    "--silent", "--show-error", "--http2", "--max-time", "20", "--cacert", caFile.path,
                    "-H", "Content-Type: application/json", "--data-binary", "@\(reviewFile.path)",
                    "--write-out", "\n%{http_version} %{http_code}", server.validateURL,
                ], output: outFile)
            let data = try Data(contentsOf: outFile)
            let text = String(decoding: data, as: UTF8.self)
            #expect(status == 0)
            #expect(text.hasSuffix("\n2 200"))
            #expect(text.contains("\"allowed\":false"))
            #expect(text.contains("pod-privileged"))
        }
    }

    /// Header sizes, as docs/webhook.md states them: over 16 KiB of header fields is answered 431 on its own
    /// (HTTP/1.1 up to SwiftNIO's 80 KiB parser limit, 400 beyond); over HTTP/2 a 431 once the client has
    /// read the server's settings (the raised 64 KiB decoding limit), and the connection carries on serving
    /// its other requests.
    @Test("oversized headers are answered 431 without failing the connection", .enabled(if: FileManager.default.isExecutableFile(atPath: curl)))
    func headerSizeLimits() async throws {
        try await TestServer.with { server in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-headers-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let caFile = dir.appendingPathComponent("ca.pem")
            try server.ca.caCertificatePEM.write(to: caFile, atomically: true, encoding: .utf8)
            let url = "https://127.0.0.1:\(server.port)/healthz"
            /// One curl run that sends a request per entry of `headerBytes` (0: no padding) over one
            /// connection; returns curl's status and one "VERSION CODE CONNECTIONS" line per request.
            func requests(_ version: String, headerBytes: [Int]) async throws -> (status: Int32, answers: [String]) {
                let outFile = dir.appendingPathComponent("out-\(version)-\(headerBytes.map(String.init).joined(separator: "-")).txt")
                var arguments: [String] = []
                for (index, bytes) in headerBytes.enumerated() {
                    if index > 0 { arguments.append("--next") }
                    arguments += [
                        "--silent", "--output", "/dev/null", version, "--max-time", "20", "--cacert", caFile.path,
                        "--write-out", "%{http_version} %{http_code} %{num_connects}\\n",
                    ]
                    if bytes > 0 { arguments += ["-H", "X-Padding: " + String(repeating: "a", count: bytes)] }
                    arguments.append(url)
                }
                let status = try await Self.run(arguments, output: outFile)
                let text = String(decoding: try Data(contentsOf: outFile), as: UTF8.self)
                return (status, text.split(separator: "\n").map(String.init))
            }
            let http1 = try await requests("--http1.1", headerBytes: [8_000, 20_000, 100_000])
            #expect(http1.answers.map { $0.prefix(7) } == ["1.1 200", "1.1 431", "1.1 400"])

            // The first request reads the server's settings; the 431 then leaves the connection open for the
            // third request (no new connection: num_connects 0).
            let http2 = try await requests("--http2", headerBytes: [0, 20_000, 0, 60_000, 0])
            #expect(http2.status == 0)
            #expect(http2.answers == ["2 200 1", "2 431 0", "2 200 0", "2 431 0", "2 200 0"])

            // Past the decoding limit the connection fails, as SwiftNIO HTTP/2 fails it.
            let tooLarge = try await requests("--http2", headerBytes: [0, 70_000])
            #expect(tooLarge.answers.first == "2 200 1")
            #expect(tooLarge.answers.dropFirst().allSatisfy { !$0.hasPrefix("2 200") && !$0.hasPrefix("2 431") })
        }
    }

    @Test("TLS 1.1 is refused", .enabled(if: FileManager.default.isExecutableFile(atPath: curl)))
    func oldTLSRefused() async throws {
        try await TestServer.with { server in
            let status = try await Self.run(
                ["--silent", "--insecure", "--tlsv1.1", "--tls-max", "1.1", "--max-time", "10",
                 "https://127.0.0.1:\(server.port)/healthz"], output: nil)
            #expect(status != 0)
        }
    }
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`, by a plain connect(2) (no retries).
enum TCPProbe {
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

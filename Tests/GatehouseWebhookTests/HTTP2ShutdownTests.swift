import AsyncHTTPClient
import Foundation
import GatehouseWebhook
import NIOCore
import Testing

/// The API server speaks HTTP/2 and multiplexes reviews on one connection: a rollout's SIGTERM must let every
/// stream already open on it finish.
@Suite("HTTP/2 shutdown")
struct HTTP2ShutdownTests {
    @Test("8 streams open on one HTTP/2 connection across SIGTERM are all answered")
    func streamsInFlightFinish() async throws {
        // Idle and read timeouts far beyond the test's pauses: a loaded machine must not turn them into the
        // stream cancellations this test looks for.
        try await TestServer.with(configure: {
            $0.shutdownDelay = .seconds(1)
            $0.readTimeout = .seconds(60)
            $0.idleTimeout = .seconds(60)
        }) { server in
            let client = try server.client()
            let probe = try server.client(http1Only: true)
            defer {
                Task { try? await client.shutdown(); try? await probe.shutdown() }
            }
            let streams = 8
            var feeds: [AsyncStream<ByteBuffer>.Continuation] = []
            var answers: [Task<Answer, any Error>] = []
            var bodies: [[UInt8]] = []
            for i in 0..<streams {
                let body = Array(Reviews.review(uid: "stream-\(i)", object: Reviews.pod(privileged: i % 2 == 0)).utf8)
                let (parts, feed) = AsyncStream.makeStream(of: ByteBuffer.self)
                var request = HTTPClientRequest(url: server.validateURL)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .stream(parts, length: .known(Int64(body.count)))
                answers.append(Task {
                    let response = try await client.execute(request, timeout: .seconds(60))
                    let bytes = try await response.body.collect(upTo: 1 << 20)
                    return Answer(status: response.status, version: response.version, body: Array(buffer: bytes))
                })
                feed.yield(ByteBuffer(bytes: body[..<100]))
                feeds.append(feed)
                bodies.append(body)
            }
            // Wait until the server is reading every one of them.
            var reading = false
            for _ in 0..<300 where !reading {
                let metrics = try await probe.get("https://127.0.0.1:\(server.port)/metrics").text
                reading = metrics.contains("gatehouse_admission_in_flight \(streams)")
                if !reading { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(reading)

            await server.group.triggerGracefulShutdown()
            // The listener stops accepting after the drain delay; the open streams are still served.
            var refused = false
            for _ in 0..<500 where !refused {
                refused = !TCPProbe.accepts(port: server.port)
                if !refused { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(refused)
            try await Task.sleep(for: .milliseconds(500))
            for (feed, body) in zip(feeds, bodies) {
                feed.yield(ByteBuffer(bytes: body[100...]))
                feed.finish()
            }
            for (i, pending) in answers.enumerated() {
                let answer = try await pending.value
                #expect(answer.status == .ok)
                #expect(answer.version.major == 2)
                #expect(answer.response["uid"] as? String == "stream-\(i)")
                #expect(answer.allowed == (i % 2 != 0))
            }
        }
    }
}

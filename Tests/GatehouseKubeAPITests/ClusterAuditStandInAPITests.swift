import Foundation
import GatehouseKubeAPI
import KubeModel
import Testing
import TestSupport

/// `gatehouse audit --cluster` against the stand-in API server (a loopback HTTPS server answering as
/// kube-apiserver does; there is no API server on these machines). The command runs as a user runs it, with a
/// kubeconfig pointing at the stand-in; the client code is the one a real cluster gets.
@Suite(.serialized)
struct ClusterAuditStandInAPITests {
    static let sources = ["examples", "Tests/Fixtures/cluster-export/export.yaml"].map { Repository.url($0).path }

    /// Runs `body` with a started stand-in serving the example objects, and a scratch folder.
    static func withStandIn(
        _ behaviour: StandInAPIServer.Behaviour = .init(),
        _ body: (StandInAPIServer, String) async throws -> Void
    ) async throws {
        let folder = NSTemporaryDirectory() + "gatehouse-standin-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try StandInAPIServer(stored: try StandInAPIServer.Stored.from(files: sources), behaviour: behaviour)
        try await server.start()
        do {
            try await body(server, folder)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func auditCluster(_ server: StandInAPIServer, _ folder: String, export: String, extra: [String] = []) async throws -> CLI.Run {
        try await CLI.runAwaiting(
            ["audit", "--cluster", "--kubeconfig", try server.kubeconfig(in: folder), "--export-to", export,
             "--format", "json", "--fail-on", "never", "--quiet"] + extra)
    }

    @Test func theClusterAuditEqualsTheAuditOfItsExportByteForByte() async throws {
        try await Self.withStandIn { server, folder in
            let export = folder + "/snapshot"
            let live = try await Self.auditCluster(server, folder, export: export)
            #expect(live.status == 0, "\(live.stderr)")
            let files = try await CLI.runAwaiting(["audit", export, "--format", "json", "--fail-on", "never", "--quiet"])
            #expect(files.status == 0)
            #expect(live.stdout == files.stdout)
            // Every served object was audited, and the rules found what they find in the files.
            let stored = try StandInAPIServer.Stored.from(files: Self.sources)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(live.stdout.utf8)) as? [String: Any])
            let summary = try #require(report["summary"] as? [String: Any])
            #expect(summary["objects"] as? Int == stored.reduce(0) { $0 + $1.items.count })
            #expect((summary["findings"] as? Int ?? 0) > 50)
            #expect((report["errors"] as? [Any])?.isEmpty == true)
            // The client asked for pages, across all namespaces, with the bearer token.
            let lists = server.requests.filter { $0.path == "/apis/apps/v1/deployments" }
            #expect(lists.count == 1 && lists[0].query == "limit=500")
        }
    }

    /// The same objects as files (each item with its apiVersion and kind, as kubectl exports them) give the same
    /// findings: rule, severity, object, field path and message; only where they were read differs.
    @Test func theClusterAuditFindsWhatTheSameObjectsAsFilesGive() async throws {
        try await Self.withStandIn { server, folder in
            let live = try await Self.auditCluster(server, folder, export: folder + "/snapshot")
            var exported = #"{"apiVersion":"v1","kind":"List","items":["#
            var first = true
            for entry in try StandInAPIServer.Stored.from(files: Self.sources) {
                for item in entry.items {
                    exported += (first ? "\n" : ",\n") + #"{"apiVersion":"\#(entry.resource.apiVersion)","kind":"\#(entry.resource.kind)","#
                        + item.dropFirst()
                    first = false
                }
            }
            exported += "\n]}\n"
            let file = folder + "/kubectl-export.json"
            try exported.write(toFile: file, atomically: true, encoding: .utf8)
            let files = try await CLI.runAwaiting(["audit", file, "--format", "json", "--fail-on", "never", "--quiet"])
            let (a, b) = (try Self.findings(live.stdout), try Self.findings(files.stdout))
            #expect(a == b, "\(Set(a).subtracting(b).sorted().prefix(3)) vs \(Set(b).subtracting(a).sorted().prefix(3))")
            #expect(try Self.findings(live.stdout).count > 50)
        }
    }

    /// Findings without their location, sorted.
    static func findings(_ json: String) throws -> [String] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        return findings.map { finding in
            var copy = finding
            copy["location"] = nil
            copy["chain"] = (finding["chain"] as? [[String: Any]])?.map { link in
                var link = link
                for key in ["location", "file", "document", "item", "line", "column"] { link[key] = nil }
                return link
            }
            let data = try? JSONSerialization.data(withJSONObject: copy, options: [.sortedKeys])
            return String(decoding: data ?? Data(), as: UTF8.self)
        }.sorted()
    }

    @Test func pagesAreFollowedWithEscapedContinueTokens() async throws {
        var behaviour = StandInAPIServer.Behaviour()
        behaviour.maximumPage = 2
        try await Self.withStandIn(behaviour) { server, folder in
            let export = folder + "/snapshot"
            let live = try await Self.auditCluster(server, folder, export: export, extra: ["--chunk-size", "3"])
            #expect(live.status == 0, "\(live.stderr)")
            let files = try await CLI.runAwaiting(["audit", export, "--format", "json", "--fail-on", "never", "--quiet"])
            #expect(live.stdout == files.stdout)
            let deployments = server.requests.filter { $0.path == "/apis/apps/v1/deployments" }.map(\.query)
            #expect(deployments.first == "limit=3")
            #expect(deployments.dropFirst().first == "limit=3&continue=%2B%2Fpage%3D2")
            #expect(deployments.count >= 2)
            // Paged or not, the report is the same.
            let whole = try await Self.auditCluster(server, folder, export: folder + "/whole")
            #expect(try Self.findings(whole.stdout) == Self.findings(live.stdout))
        }
    }

    @Test func anExpiredContinueTokenRestartsTheListWithoutDuplicates() async throws {
        var behaviour = StandInAPIServer.Behaviour()
        behaviour.maximumPage = 1
        behaviour.expireContinueOnce = ["deployments"]
        try await Self.withStandIn(behaviour) { server, folder in
            let live = try await Self.auditCluster(server, folder, export: folder + "/snapshot")
            #expect(live.status == 0, "\(live.stderr)")
            let deployments = server.requests.filter { $0.path == "/apis/apps/v1/deployments" }.map(\.query)
            #expect(deployments.filter { !$0.contains("continue") }.count == 2, "\(deployments)")
            server.setBehaviour(StandInAPIServer.Behaviour())
            let clean = try await Self.auditCluster(server, folder, export: folder + "/clean")
            #expect(try Self.findings(clean.stdout) == Self.findings(live.stdout))
            let report = try #require(try JSONSerialization.jsonObject(with: Data(live.stdout.utf8)) as? [String: Any])
            let cleanReport = try #require(try JSONSerialization.jsonObject(with: Data(clean.stdout.utf8)) as? [String: Any])
            #expect((report["summary"] as? [String: Any])?["objects"] as? Int == (cleanReport["summary"] as? [String: Any])?["objects"] as? Int)
        }
    }

    @Test func tooManyRequestsAndUnavailableAreRetriedHonouringRetryAfter() async throws {
        var behaviour = StandInAPIServer.Behaviour()
        behaviour.tooManyRequests = ["pods": 2]
        behaviour.unavailable = ["deployments": 1]
        try await Self.withStandIn(behaviour) { server, folder in
            let started = Date()
            let live = try await Self.auditCluster(server, folder, export: folder + "/snapshot")
            let elapsed = Date().timeIntervalSince(started)
            #expect(live.status == 0, "\(live.stderr)")
            // Two answers said "Retry-After: 1".
            #expect(elapsed >= 2)
            #expect(server.requests.filter { $0.path == "/api/v1/pods" }.count == 3)
            #expect(server.requests.filter { $0.path == "/apis/apps/v1/deployments" }.count == 2)
            server.setBehaviour(StandInAPIServer.Behaviour())
            let clean = try await Self.auditCluster(server, folder, export: folder + "/clean")
            #expect(clean.stdout == live.stdout.replacingOccurrences(of: folder + "/snapshot", with: folder + "/clean"))
        }
    }

    @Test func aForbiddenKindIsAnInputErrorNamingItAndTheRestIsAudited() async throws {
        var behaviour = StandInAPIServer.Behaviour()
        behaviour.forbidden = ["pods"]
        try await Self.withStandIn(behaviour) { server, folder in
            let live = try await Self.auditCluster(server, folder, export: folder + "/snapshot")
            #expect(live.status == 2)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(live.stdout.utf8)) as? [String: Any])
            let errors = try #require(report["errors"] as? [[String: Any]])
            #expect(errors.count == 1)
            let message = errors.first?["message"] as? String ?? ""
            #expect(message.contains("cannot list Pod (v1)"))
            #expect(message.contains("answered 403"))
            #expect(message.contains("grant get and list on pods"))
            #expect((errors.first?["file"] as? String)?.hasSuffix("/api/v1/pods?limit=500") == true)
            // The Deployments were still read and judged.
            let findings = try Self.findings(live.stdout)
            #expect(findings.contains { $0.contains(#""kind":"Deployment""#) })
            #expect(!findings.contains { $0.contains(#""kind":"Pod""#) })
        }
    }

    @Test func aSlowPageIsWaitedForWithinTheRequestTimeout() async throws {
        var behaviour = StandInAPIServer.Behaviour()
        behaviour.maximumPage = 2
        behaviour.slowPages = ["deployments": .seconds(2)]
        try await Self.withStandIn(behaviour) { server, folder in
            let live = try await Self.auditCluster(server, folder, export: folder + "/snapshot")
            #expect(live.status == 0, "\(live.stderr)")
            server.setBehaviour(StandInAPIServer.Behaviour())
            let clean = try await Self.auditCluster(server, folder, export: folder + "/clean")
            #expect(try Self.findings(clean.stdout) == Self.findings(live.stdout))
        }
    }

    /// A page slower than the request timeout is tried again, and when it stays slow the kind is an input
    /// error naming the request (library call: the command's timeout is a minute).
    @Test func aPageSlowerThanTheTimeoutEndsAsAnInputError() async throws {
        var behaviour = StandInAPIServer.Behaviour()
        behaviour.maximumPage = 2
        behaviour.slowPages = ["deployments": .seconds(3)]
        try await Self.withStandIn(behaviour) { server, folder in
            let connection = try ClusterConnection.kubeconfig(paths: [try server.kubeconfig(in: folder)], context: nil)
            var retry = KubeAPIClient.RetryPolicy()
            retry.attempts = 2
            retry.firstWait = .milliseconds(10)
            let client = try KubeAPIClient(connection, retry: retry, requestTimeout: .seconds(1))
            var snapshot = ClusterSnapshot(client: client, folder: folder + "/snapshot")
            snapshot.pageSize = 2
            let outcome = try await snapshot.take()
            await client.shutdown()
            #expect(outcome.errors.count == 1)
            #expect(outcome.errors.first?.message.contains("cannot list Deployment (apps/v1)") == true)
            #expect(outcome.errors.first?.file.contains("/apis/apps/v1/deployments?limit=2&continue=") == true)
            #expect(outcome.objects > 0)
            // What was read before the slow page is still a complete list, audited beside the error.
            for file in outcome.files {
                var objects = 0
                let loaded = Manifests.load(contentsOf: file) { _ in objects += 1 }
                #expect(loaded.errors.isEmpty, "\(file): \(loaded.errors)")
                if file.hasSuffix("apps.v1.deployments.json") { #expect(objects == 2) }
            }
        }
    }

    @Test func aWrongTokenIsRefusedAndSaidSo() async throws {
        try await Self.withStandIn { server, folder in
            let kubeconfig = try server.kubeconfig(in: folder, user: "    token: wrong")
            let run = try await CLI.runAwaiting(["audit", "--cluster", "--kubeconfig", kubeconfig, "--format", "json", "--quiet"])
            #expect(run.status == 2)
            #expect(run.stderr.contains("GET https://127.0.0.1:\(server.port)/apis answered 401: Unauthorized"), "\(run.stderr)")
        }
    }
}

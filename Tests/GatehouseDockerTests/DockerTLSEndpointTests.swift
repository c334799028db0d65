import Foundation
import GatehouseDocker
import GatehouseEngine
import GatehouseRules
import KubeModel
import Testing
import TestSupport

/// `--host tcp://...` with TLS client certificates, against a real dockerd that verifies its clients
/// (`--tlsverify`): the audit reads it with the client certificate, is refused without one, and the daemon's
/// TLS setting (CIS 2.7) passes.
@Suite(.serialized)
struct DockerTLSEndpointTests {
    /// A CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl command.
    struct Certificates {
        let directory: String
        var ca: String { directory + "/ca.pem" }
        var serverCertificate: String { directory + "/server.pem" }
        var serverKey: String { directory + "/server-key.pem" }
        var clientCertificate: String { directory + "/cert.pem" }
        var clientKey: String { directory + "/key.pem" }

        init(in directory: String) throws {
            self.directory = directory
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".write(
                toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
            try "extendedKeyUsage=clientAuth\n".write(toFile: directory + "/client.ext", atomically: true, encoding: .utf8)
            try OpenSSL.run([
                "req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 1 -subj /CN=gatehouse-test-ca",
                "req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj /CN=127.0.0.1",
                "x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem -days 1 -extfile server.ext",
                "req -newkey rsa:2048 -nodes -keyout key.pem -out client.csr -subj /CN=gatehouse-test-client",
                "x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out cert.pem -days 1 -extfile client.ext",
            ], in: directory)
        }
    }

    @Test(
        .enabled(
            if: PrivateDockerd.missing == nil && OpenSSL.isInstalled,
            "needs root, dockerd, the docker CLI, /bin/busybox and openssl"),
        .timeLimit(.minutes(1)))
    func auditOverTLSWithAClientCertificate() async throws {
        let certificates = try Certificates(in: NSTemporaryDirectory() + "gatehouse-tls-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(atPath: certificates.directory) }
        let port = Int.random(in: 30000..<60000)
        let dockerd: PrivateDockerd
        do {
            dockerd = try PrivateDockerd.start(arguments: [
                "-H", "tcp://127.0.0.1:\(port)", "--tlsverify", "--tlscacert", certificates.ca,
                "--tlscert", certificates.serverCertificate, "--tlskey", certificates.serverKey,
            ])
        } catch {
            print("skipped: a private dockerd cannot run here: \(error)")
            return
        }
        defer { dockerd.stop() }

        let tls = DockerEndpoint.TLSFiles(
            caCertificate: certificates.ca, certificate: certificates.clientCertificate, key: certificates.clientKey)
        let endpoint = try DockerEndpoint("tcp://127.0.0.1:\(port)", tls: tls)
        #expect(endpoint.description == "tcp://127.0.0.1:\(port)")
        let client = try await DockerEngineClient.connect(endpoint)
        let snapshot = await DockerSnapshot.read(from: client, root: "/")
        await client.shutdown()
        #expect(snapshot.errors.isEmpty, "\(snapshot.errors)")
        #expect(snapshot.objects.first?.subject == .dockerHost)

        // The daemon verifies clients: with the CA alone (no client certificate) the handshake is refused, and the
        // error names the endpoint.
        let anonymous = try DockerEndpoint(
            "tcp://127.0.0.1:\(port)", tls: DockerEndpoint.TLSFiles(caCertificate: certificates.ca, certificate: nil, key: nil))
        await #expect(throws: DockerError.self) { _ = try await DockerEngineClient.connect(anonymous) }
        do {
            _ = try await DockerEngineClient.connect(anonymous)
        } catch let error as DockerError {
            #expect(error.description.contains("tcp://127.0.0.1:\(port)"))
        }

        // CIS 2.7 passes: the TCP listener requires verified client certificates (read from dockerd's flags).
        var policy = Policy()
        policy.profile = .cisDocker
        let report = DockerAuditRequest.report(
            of: snapshot, engine: try Engine(policy: policy), policy: policy, hostFilesRead: true)
        #expect(!report.findings.contains { $0.ruleID == "docker-tls" }, "\(report.findings.filter { $0.ruleID == "docker-tls" }.map(\.message))")
    }
}

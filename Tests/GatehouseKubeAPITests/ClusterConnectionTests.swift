import Foundation
import GatehouseKubeAPI
import GatehouseWebhook
import NIOSSL
import Testing
import TestSupport

/// How `audit --cluster` finds its cluster and credentials: kubeconfig contexts, credential plugins and the
/// pod's own service account, each tried against the stand-in API server where it connects.
@Suite(.serialized)
struct ClusterConnectionTests {
    static func scratch() throws -> String {
        let folder = NSTemporaryDirectory() + "gatehouse-kubeconfig-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    static func stored() throws -> [StandInAPIServer.Stored] {
        try StandInAPIServer.Stored.from(files: [Repository.url("examples/rbac.yaml").path])
    }

    /// Connects with `connection` and lists the stand-in's objects.
    static func listedObjects(_ connection: ClusterConnection, folder: String) async throws -> ClusterSnapshot.Outcome {
        let client = try KubeAPIClient(connection)
        let outcome = try await ClusterSnapshot(client: client, folder: folder + "/snapshot").take()
        await client.shutdown()
        return outcome
    }

    @Test func anExecCredentialPluginGivesTheToken() async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try StandInAPIServer(stored: try Self.stored())
        try await server.start()
        defer { Task { await server.stop() } }
        // The plugin checks what client-go passes it, then prints an ExecCredential (as kubelogin does).
        let plugin = folder + "/bin/fake-kubelogin"
        try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
        try """
            #!/bin/sh
            case "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) echo "no exec info" >&2; exit 3;; esac
            [ "$1" = get-token ] && [ "$AAD_LOGIN_METHOD" = workloadidentity ] || { echo "bad args $*" >&2; exit 4; }
            printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"%s","expirationTimestamp":"2026-12-03T10:00:00Z"}}' "\(server.token)"
            """.write(toFile: plugin, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plugin)
        let kubeconfig = try server.kubeconfig(in: folder, user: """
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: bin/fake-kubelogin
                  args: [get-token, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]
                  env:
                  - name: AAD_LOGIN_METHOD
                    value: workloadidentity
                  installHint: install kubelogin from https://aka.ms/kubelogin
                  interactiveMode: Never
            """)
        let connection = try ClusterConnection.kubeconfig(paths: [kubeconfig], context: nil)
        let outcome = try await Self.listedObjects(connection, folder: folder)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.objects == 4)
    }

    @Test func aFailingPluginIsNamedWithItsInstallHint() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try StandInAPIServer(stored: [])
        let kubeconfig = try server.kubeconfig(in: folder, user: """
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: gatehouse-no-such-plugin
                  installHint: install it from example.com
            """)
        let connection = try ClusterConnection.kubeconfig(paths: [kubeconfig], context: nil)
        #expect {
            _ = try KubeAPIClient(connection)
        } throws: { error in
            let text = "\(error)"
            return text.contains("credential plugin gatehouse-no-such-plugin was not found on PATH")
                && text.contains("install it from example.com") && text.contains("\(kubeconfig):")
        }
    }

    @Test func thePodsServiceAccountIsUsedInCluster() async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try StandInAPIServer(stored: try Self.stored())
        try await server.start()
        defer { Task { await server.stop() } }
        let account = folder + "/serviceaccount"
        try FileManager.default.createDirectory(atPath: account, withIntermediateDirectories: true)
        try (server.token + "\n").write(toFile: account + "/token", atomically: true, encoding: .utf8)
        try server.ca.caCertificatePEM.write(toFile: account + "/ca.crt", atomically: true, encoding: .utf8)
        let connection = try ClusterConnection.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": "\(server.port)"],
            directory: account)
        #expect(connection.name == "in-cluster")
        let outcome = try await Self.listedObjects(connection, folder: folder)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.objects == 4)
    }

    /// A kubeconfig user with a client certificate and key (files beside the kubeconfig), against a stand-in
    /// that requires one in the TLS handshake.
    @Test(.enabled(if: OpenSSL.isInstalled, "needs the openssl command")) func aClientCertificateAuthenticates() async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clientCA = try SelfSignedCA()
        try clientCA.caCertificatePEM.write(toFile: folder + "/client-ca.pem", atomically: true, encoding: .utf8)
        try clientCA.caKeyPEM.write(toFile: folder + "/client-ca-key.pem", atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: folder + "/client.ext", atomically: true, encoding: .utf8)
        try OpenSSL.run([
            "req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout auditor-key.pem -subj /CN=gatehouse-auditor -out auditor.csr",
            "x509 -req -in auditor.csr -CA client-ca.pem -CAkey client-ca-key.pem -CAcreateserial -out auditor.pem -days 1 -extfile client.ext",
        ], in: folder)
        let server = try StandInAPIServer(
            stored: try Self.stored(), clientCA: try NIOSSLCertificate.fromPEMBytes(Array(clientCA.caCertificatePEM.utf8)))
        try await server.start()
        defer { Task { await server.stop() } }
        let kubeconfig = try server.kubeconfig(in: folder, user: "    client-certificate: auditor.pem\n    client-key: auditor-key.pem")
        let outcome = try await Self.listedObjects(try ClusterConnection.kubeconfig(paths: [kubeconfig], context: nil), folder: folder)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.objects == 4)
        // Without the certificate the handshake fails, and the client says so at once.
        var anonymous = try ClusterConnection.kubeconfig(paths: [kubeconfig], context: nil)
        anonymous.clientCertificatePEM = nil
        anonymous.clientKeyPEM = nil
        var once = KubeAPIClient.RetryPolicy()
        once.attempts = 1
        let client = try KubeAPIClient(anonymous, retry: once)
        await #expect(throws: KubeAPIError.self) { _ = try await ClusterSnapshot(client: client, folder: folder + "/none").take() }
        await client.shutdown()
    }

    @Test func aCertificateFromAnotherAuthorityIsRefused() async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try StandInAPIServer(stored: try Self.stored())
        try await server.start()
        defer { Task { await server.stop() } }
        var connection = try ClusterConnection.kubeconfig(paths: [try server.kubeconfig(in: folder)], context: nil)
        connection.certificateAuthorityPEM = Array(try SelfSignedCA().caCertificatePEM.utf8)
        var retry = KubeAPIClient.RetryPolicy()
        retry.attempts = 1
        let client = try KubeAPIClient(connection, retry: retry)
        // At once, not after the connect timeout: a certificate that does not verify will not verify later.
        let started = Date()
        await #expect {
            _ = try await ClusterSnapshot(client: client, folder: folder + "/snapshot").take()
        } throws: { error in
            "\(error)".contains("GET https://127.0.0.1:\(server.port)/apis failed: TLS")
        }
        #expect(Date().timeIntervalSince(started) < 5)
        await client.shutdown()
    }

    /// A server that offers a resource named like a path gets it ignored: names become request paths and the
    /// snapshot's file names.
    @Test func resourceNamesThatAreNotLabelsAreIgnored() async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let escape = APIResource(group: "", version: "v1", resource: "../../escape", kind: "Pod", namespaced: true)
        let server = try StandInAPIServer(stored: [StandInAPIServer.Stored(resource: escape, items: [#"{"metadata":{"name":"x","namespace":"y"},"spec":{"containers":[]}}"#])])
        try await server.start()
        defer { Task { await server.stop() } }
        let outcome = try await Self.listedObjects(
            try ClusterConnection.kubeconfig(paths: [try server.kubeconfig(in: folder)], context: nil), folder: folder)
        #expect(outcome.objects == 0 && outcome.files.isEmpty && outcome.errors.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder + "/escape.json"))
        #expect(!server.requests.contains { $0.path.contains("escape") })
    }

    @Test func kubeconfigMistakesAreNamed() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/config"
        try """
            apiVersion: v1
            kind: Config
            clusters:
            - name: prod
              cluster: {server: "https://prod.example:6443"}
            users:
            - name: old
              user:
                auth-provider: {name: azure}
            contexts:
            - name: prod
              context: {cluster: prod, user: old}
            - name: dev
              context: {cluster: dev, user: old}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        func message(_ context: String?) -> String {
            do {
                _ = try ClusterConnection.kubeconfig(paths: [path], context: context)
                return ""
            } catch { return "\(error)" }
        }
        #expect(message(nil) == "\(path): no current-context is set; name one with --context")
        #expect(message("staging") == "\(path): no context \"staging\" (contexts: dev, prod)")
        #expect(message("dev").contains("context \"dev\" names no cluster this kubeconfig defines"))
        #expect(message("prod").contains("uses an auth-provider, which kubectl removed in 1.26"))
        #expect(message("prod").hasPrefix("\(path):9:"))
    }

    @Test func relativeFilesAreReadFromTheKubeconfigsFolder() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "CA".write(toFile: folder + "/ca.pem", atomically: true, encoding: .utf8)
        try "CERT".write(toFile: folder + "/client.pem", atomically: true, encoding: .utf8)
        try "token-from-file".write(toFile: folder + "/token", atomically: true, encoding: .utf8)
        let path = folder + "/config"
        try """
            apiVersion: v1
            kind: Config
            current-context: c
            clusters:
            - {name: k, cluster: {server: "https://k.example", certificate-authority: ca.pem}}
            users:
            - {name: u, user: {client-certificate: client.pem, client-key-data: S0VZ, tokenFile: token}}
            contexts:
            - {name: c, context: {cluster: k, user: u}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let connection = try ClusterConnection.kubeconfig(paths: [path], context: nil)
        #expect(connection.certificateAuthorityPEM == Array("CA".utf8))
        #expect(connection.clientCertificatePEM == Array("CERT".utf8))
        #expect(connection.clientKeyPEM == Array("KEY".utf8))
        guard case .tokenFile(let file) = connection.credentials else {
            Issue.record("expected a token file")
            return
        }
        #expect(file == folder + "/token")
    }

    @Test func outsideAPodWithoutKubeconfigTheMessageSaysWhatToGive() {
        #expect {
            _ = try ClusterConnection.resolve(kubeconfig: nil, context: nil, environment: ["HOME": "/nonexistent"])
        } throws: { error in
            "\(error)".contains("give --kubeconfig, set KUBECONFIG, or run in the cluster")
        }
    }
}

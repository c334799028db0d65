import Foundation
import KubeModel

/// A client-go credential plugin (`users[].user.exec` in a kubeconfig), such as kubelogin on AKS or a cloud
/// CLI: a command that prints an `ExecCredential` whose `status` holds a bearer token or a client certificate.
///
/// Spec: Kubernetes "client-go credential plugins" (`client.authentication.k8s.io/v1` and `v1beta1`). The
/// plugin gets `KUBERNETES_EXEC_INFO` (the ExecCredential request, `spec.interactive: false`: an auditor has
/// no terminal to prompt on) and the `env` entries on top of Gatehouse's environment; its standard input is
/// empty. A plugin found nowhere, or failing, is an error carrying its `installHint` and what it printed on
/// standard error.
public struct ExecCredentialPlugin: Sendable {
    public var apiVersion: String
    public var command: String
    public var arguments: [String]
    public var environment: [String: String]
    public var installHint: String?
    /// Where the plugin was configured, for messages (`kubeconfig:12`).
    public var origin: String

    /// What the plugin answered.
    public struct Credential: Sendable {
        public var token: String?
        public var clientCertificatePEM: [UInt8]?
        public var clientKeyPEM: [UInt8]?
    }

    static let versions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    init(_ exec: Value, file: KubeconfigFile) throws {
        origin = "\(file.path):\(exec.position.line)"
        guard let version = exec["apiVersion"]?.string, Self.versions.contains(version) else {
            throw ClusterConfigError(
                "\(origin): exec plugin apiVersion must be one of \(Self.versions.joined(separator: ", "))")
        }
        guard let command = exec["command"]?.string, !command.isEmpty else {
            throw ClusterConfigError("\(origin): exec plugin has no command")
        }
        apiVersion = version
        // A command with a slash is a path, relative to the kubeconfig; a bare name is looked up on PATH.
        self.command = command.contains("/") ? file.resolve(command) : command
        arguments = exec["args"]?.items.compactMap(\.string) ?? []
        var environment: [String: String] = [:]
        for entry in exec["env"]?.items.map({ $0 }) ?? [] {
            if let name = entry["name"]?.string { environment[name] = entry["value"]?.string ?? "" }
        }
        self.environment = environment
        installHint = exec["installHint"]?.string
    }

    /// Runs the plugin and reads its credential. `timeout` bounds a plugin that hangs (one waiting for a
    /// browser login that will never come).
    public func run(timeout: TimeInterval = 120) throws -> Credential {
        let process = Process()
        if command.contains("/") {
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [command] + arguments
        }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        env["KUBERNETES_EXEC_INFO"] =
            #"{"apiVersion":"\#(apiVersion)","kind":"ExecCredential","spec":{"interactive":false}}"#
        process.environment = env
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            throw failure("cannot be started: \(error.localizedDescription)")
        }
        let deadline = DispatchTime.now() + timeout
        // Both pipes are drained while the plugin runs, so a chatty plugin never blocks on a full pipe.
        let printed = ReadAll(output.fileHandleForReading)
        let complained = ReadAll(errors.fileHandleForReading)
        if finished.wait(timeout: deadline) == .timedOut {
            process.terminate()
            throw failure("did not answer within \(Int(timeout)) s")
        }
        let stdout = printed.wait()
        let stderr = String(decoding: complained.wait().prefix(2000), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            // `env` exits 127 when it finds no such command.
            let reason = process.terminationStatus == 127 ? "was not found on PATH" : "exited with status \(process.terminationStatus)"
            throw failure(reason + (stderr.isEmpty ? "" : ": \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))"))
        }
        return try credential(from: stdout)
    }

    private func credential(from bytes: [UInt8]) throws -> Credential {
        let parsed = bytes.withUnsafeBytes { JSONLoader.parse($0) }
        guard case .success(let tree) = parsed, tree.root["kind"]?.string == "ExecCredential",
            let status = tree.root["status"]
        else {
            throw failure("did not print an ExecCredential with a status")
        }
        var credential = Credential()
        credential.token = status["token"]?.string
        credential.clientCertificatePEM = status["clientCertificateData"]?.string.map { Array($0.utf8) }
        credential.clientKeyPEM = status["clientKeyData"]?.string.map { Array($0.utf8) }
        guard credential.token != nil || (credential.clientCertificatePEM != nil && credential.clientKeyPEM != nil) else {
            throw failure("gave neither a token nor a client certificate and key")
        }
        return credential
    }

    private func failure(_ reason: String) -> ClusterConfigError {
        var message = "\(origin): credential plugin \(command) \(reason)"
        if let installHint, !installHint.isEmpty { message += "\n\(installHint)" }
        return ClusterConfigError(message)
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class ReadAll: @unchecked Sendable {
    // @unchecked: `bytes` is written once by the reading thread before `done` is signalled, and read after.
    private var bytes: [UInt8] = []
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            bytes = Array(handle.readDataToEndOfFile())
            done.signal()
        }
    }

    func wait() -> [UInt8] {
        done.wait()
        return bytes
    }
}

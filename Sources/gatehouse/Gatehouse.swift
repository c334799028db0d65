import ArgumentParser
import GatehouseReports

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `gatehouse` command. Subcommands only parse options and call the libraries.
///
/// `@main` on an `AsyncParsableCommand` with an async `main()`: `serve` is async, and a synchronous entry point
/// would never run it.
@main
struct Gatehouse: AsyncParsableCommand {
    /// Every subcommand, in help order. A new door is one line here.
    static let commands: [any ParsableCommand.Type] = [
        AuditCommand.self,
        FixCommand.self,
        AlertsCommand.self,
        DockerCommand.self,
        VulnsCommand.self,
        Serve.self,
        RulesCommand.self,
        WhoCanCommand.self,
        AccessCommand.self,
        VersionCommand.self,
    ]

    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Container security: Kubernetes hardening (AKS, Pod Security Standards), Docker hosts (CIS), runtime alerts.",
        version: GatehouseInfo.version,
        subcommands: commands
    )

    /// Runs the command line with Gatehouse's exit codes: usage errors exit 2 (not ArgumentParser's 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Glibc.exit(0)
            }
            if !message.isEmpty { writeStandardError(message) }
            Glibc.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Writes one line to standard error, as is.
func writeStandardError(_ message: String) {
    var line = message
    if !line.hasSuffix("\n") { line += "\n" }
    var bytes = Array(line.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

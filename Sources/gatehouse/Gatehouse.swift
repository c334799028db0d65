import ArgumentParser

/// The root command. Other commands (audit, serve, rules, version) register here too.
///
/// `@main` on an `AsyncParsableCommand` (not top-level code in main.swift): top-level `Gatehouse.main()`
/// resolves to the synchronous entry point, which never runs an async subcommand such as `serve`.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Kubernetes admission webhook, auditor and CLI for AKS hardening rules.",
        subcommands: [WhoCanCommand.self, AccessCommand.self, BenchClusterCommand.self, Serve.self]
    )
}

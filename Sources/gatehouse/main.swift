import ArgumentParser

/// The root command. Other commands (audit, serve, rules, version) register here too.
struct Gatehouse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Kubernetes admission webhook, auditor and CLI for AKS hardening rules.",
        subcommands: [WhoCanCommand.self, AccessCommand.self, BenchClusterCommand.self]
    )
}

Gatehouse.main()

import ArgumentParser

/// The `gatehouse` command: one rule engine behind the webhook, the auditor and the rule browser.
///
/// `@main` (not top-level code in main.swift): top-level `Gatehouse.main()` resolves to the synchronous
/// overload, which never runs an async subcommand.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Kubernetes admission webhook and auditor for AKS hardening and Pod Security Standards.",
        subcommands: [Serve.self]
    )
}

import ArgumentParser

/// The `gatehouse` command: one rule engine behind the webhook, the auditor and the rule browser.
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Kubernetes admission webhook and auditor for AKS hardening and Pod Security Standards.",
        subcommands: [Serve.self]
    )
}

await Gatehouse.main()

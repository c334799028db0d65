import ArgumentParser

/// `gatehouse-bench`: benchmarks of the audit's and the webhook's inner paths. It is not shipped; the scripts
/// under `scripts/` build and run it. Each command prints figures and asserts nothing.
@main
struct GatehouseBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse-bench",
        abstract: "Benchmarks of Gatehouse's inner paths (figures only; not part of the shipped command).",
        subcommands: [ClusterBenchmark.self, ReviewBenchmark.self, SinkBatchBenchmark.self, VulnerabilityBenchmark.self]
    )
}

import KubeModel

extension FuzzTarget {
    /// The JSON loader as the audit uses it: the list stream (`kind: List` items one at a time, the list's kind
    /// found by the backward read or the forward skim), each object's shape checked, JSON Lines recovery for
    /// `.jsonl` inputs, and the single-document parse the webhook uses. The skim splits over two threads only
    /// above 16 MB, far beyond `-max_len`: that split is left to the tests.
    public static let json = FuzzTarget(
        name: "json",
        summary: "JSON loader: list stream and skim, JSON Lines recovery, single-document parse",
        maxLength: 16384,
        seeds: SeedFiles(extensions: ["json", "jsonl", "log"])
    ) { bytes in
        for file in ["fuzz.json", "fuzz.jsonl"] {
            _ = Manifests.load(bytes, file: file, format: .json) { _ in }
        }
        _ = JSONLoader.parse(bytes, limits: LoadLimits(maxDepth: 64))
    }
}

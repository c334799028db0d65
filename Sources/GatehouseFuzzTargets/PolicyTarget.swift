import GatehouseEngine

extension FuzzTarget {
    /// A policy file's text through the policy parser and validator, and a valid policy into an engine.
    public static let policy = FuzzTarget(
        name: "policy",
        summary: "policy file parser and validator (GatehouseEngine PolicyLoader), then an engine from a valid policy",
        seeds: SeedFiles(extensions: ["yaml", "yml"], marker: "gatehouse.io/v1")
    ) { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        guard let policy = try? Policy.parse(text, file: "fuzz-policy.yaml") else { return }
        _ = try? Engine(policy: policy)
    }
}

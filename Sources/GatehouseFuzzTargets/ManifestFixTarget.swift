import GatehouseAudit
import GatehouseEngine
import GatehouseRules

extension FuzzTarget {
    /// Every rule of the `all` profile, built once for the process.
    private static let fixEngine: Engine? = {
        var policy = Policy()
        policy.profile = .all
        return try? Engine(policy: policy)
    }()

    /// A YAML text through `gatehouse fix`'s planner and text editor (GatehouseAudit ManifestTextFixer), which
    /// checks itself that the edited text reads back as the fixed objects. The target adds one more invariant:
    /// a text fixed without error needs no further fix.
    public static let manifestFix = FuzzTarget(
        name: "manifest-fix",
        summary: "gatehouse fix's planner and YAML text editor (GatehouseAudit ManifestTextFixer): fixed text needs no second fix",
        seeds: SeedFiles(extensions: ["yaml", "yml"], marker: "containers")
    ) { bytes in
        guard let engine = fixEngine else { FuzzCheck.fail("the all profile did not build an engine") }
        let fixer = ManifestTextFixer(engine: engine)
        let first = fixer.fix(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
        guard let fixed = first.text, first.errors.isEmpty else { return }
        let second = fixer.fix(fixed, file: "fuzz.yaml")
        if second.text != nil { FuzzCheck.fail("a fixed text was fixed again: \(second.fixes.keys.sorted())") }
    }
}

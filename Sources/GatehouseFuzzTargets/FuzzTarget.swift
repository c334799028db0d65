/// One fuzz target: a name `scripts/fuzz.sh` and the fuzz driver select it by, and the function that runs one
/// input through a product path.
///
/// The function is the whole target: the libFuzzer driver (`Sources/GatehouseFuzz`, built only with
/// `GATEHOUSE_FUZZ=1`) calls it for every generated input, and the tests call the same function on every
/// committed crash input (`Tests/Fixtures/fuzz/<name>/`), so a crash found once is replayed by `swift test`
/// for good. A target returns normally for any input the product handles, and traps (``FuzzCheck/fail(_:)``)
/// when an invariant it checks does not hold; a crash inside the product traps by itself.
public struct FuzzTarget: Sendable {
    /// The name on the command line (`scripts/fuzz.sh yaml-block`) and of the fixture folder.
    public let name: String
    /// What the target feeds and what it checks, for `--help` and the docs.
    public let summary: String
    /// libFuzzer's `-max_len` for this target: large enough for the structures the path reads.
    public let maxLength: Int
    /// Which files of the tests' fixtures, `examples/` and the shared corpus seed this target's corpus.
    public let seeds: SeedFiles
    /// Runs one input.
    public let run: @Sendable (UnsafeRawBufferPointer) -> Void

    public init(
        name: String, summary: String, maxLength: Int = 8192, seeds: SeedFiles,
        run: @escaping @Sendable (UnsafeRawBufferPointer) -> Void
    ) {
        self.name = name
        self.summary = summary
        self.maxLength = maxLength
        self.seeds = seeds
        self.run = run
    }

    /// Runs one input held in an array (tests, replays).
    public func run(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { run($0) }
    }
}

/// The files a target's corpus starts from: those with one of `extensions` that contain `marker` (when
/// given). `scripts/fuzz.sh` reads this through `gatehouse-fuzz --list`.
public struct SeedFiles: Sendable {
    public let extensions: [String]
    public let marker: String?

    public init(extensions: [String], marker: String? = nil) {
        self.extensions = extensions
        self.marker = marker
    }

    public static let yaml = SeedFiles(extensions: ["yaml", "yml"])
}

/// Every fuzz target. Adding one is a file defining `static let <name>: FuzzTarget` in an extension of
/// ``FuzzTarget`` and a line here.
extension FuzzTarget {
    public static let all: [FuzzTarget] = [
        .yamlBlock, .yamlLibYAML, .yamlDifferential, .json, .admissionReview, .policy, .auditEvents, .scanReports,
        .manifestFix,
    ]

    /// The target called `name`, if there is one.
    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}

/// How a target reports a broken invariant: a trap with the message, which libFuzzer records as a crash
/// (saving the input) and a test run as a failure.
public enum FuzzCheck {
    public static func fail(_ message: String) -> Never {
        fatalError("fuzz invariant broken: \(message)")
    }
}

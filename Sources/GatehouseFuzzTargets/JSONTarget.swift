import KubeModel

extension FuzzTarget {
    /// The JSON loader as the audit uses it: the list stream (`kind: List` items one at a time, the list's kind
    /// found by the backward read or the forward skim), JSON Lines recovery for `.jsonl` inputs, and the
    /// single-document parse the webhook uses. Whether the spare core skims must not change what is read.
    public static let json = FuzzTarget(
        name: "json",
        summary: "JSON loader: list stream and skim (one and two threads), JSON Lines recovery, single-document parse",
        maxLength: 16384,
        seeds: SeedFiles(extensions: ["json", "jsonl", "log"])
    ) { bytes in
        let oneThread = JSONReading.read(bytes, file: "fuzz.json", spareCore: false)
        let twoThreads = JSONReading.read(bytes, file: "fuzz.json", spareCore: true)
        if oneThread != twoThreads {
            FuzzCheck.fail(
                "skimming on a spare core changed what was read: \(oneThread) alone, \(twoThreads) with the spare core\n"
                    + "input: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
        _ = JSONReading.read(bytes, file: "fuzz.jsonl", spareCore: false)
        _ = JSONLoader.parse(bytes, limits: LoadLimits(maxDepth: 64))
    }
}

/// What loading one JSON input produced, in a form two readings can be compared by.
struct JSONReading: Equatable, CustomStringConvertible {
    var objects: [String]
    var notes: [String]
    var errors: [String]
    var documents: Int

    static func read(_ bytes: UnsafeRawBufferPointer, file: String, spareCore: Bool) -> JSONReading {
        var limits = LoadLimits.default
        limits.skimsListsOnSpareCore = spareCore
        var objects: [String] = []
        let outcome = Manifests.load(bytes, file: file, format: .json, limits: limits) { object in
            objects.append("\(object.source) \(object.kind) \(object.name)")
        }
        return JSONReading(
            objects: objects, notes: outcome.notes.map { "\($0.position) \($0.message)" },
            errors: outcome.errors.map(\.description), documents: outcome.documents)
    }

    var description: String {
        "\(documents) documents, objects \(objects), notes \(notes), errors \(errors)"
    }
}

import GatehouseRules

/// Makes equal strings in findings share one buffer, so a million findings saying
/// `container "app" has no limits.cpu` at `spec.template.spec.containers[0].resources.limits.cpu` cost one copy
/// of each text instead of a million.
///
/// One interner per input and thread (no locking). The table stops growing at `capacity` distinct strings so
/// an input of all-unique messages costs no more than without interning.
struct FindingInterner {
    private var table: [String: String] = [:]
    private let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    mutating func intern(_ findings: inout [Finding]) {
        for i in findings.indices {
            findings[i].message = intern(findings[i].message)
            findings[i].path = intern(findings[i].path)
            if let image = findings[i].image { findings[i].image = intern(image) }
        }
    }

    private mutating func intern(_ text: String) -> String {
        // Short strings are stored inline in the String itself: nothing to share.
        guard text.utf8.count > 15 else { return text }
        if let shared = table[text] { return shared }
        if table.count < capacity { table[text] = text }
        return text
    }
}

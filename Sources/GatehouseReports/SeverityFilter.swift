import GatehouseRules

/// Findings left out of a report by `gatehouse audit --min-severity`: the lowest severity kept and how many
/// findings were below it.
///
/// The filter applies to every format; the exit status (`--fail-on`) is decided over all findings, hidden ones
/// included, before the report is filtered.
public struct SeverityFilter: Sendable, Hashable {
    /// The lowest severity the report lists.
    public var minimum: Severity
    /// Findings below ``minimum``, counted but not listed.
    public var hiddenCount: Int

    public init(minimum: Severity, hiddenCount: Int) {
        self.minimum = minimum
        self.hiddenCount = hiddenCount
    }
}

extension FindingList {
    /// The findings at or above `minimum`, in the same order (the string and object tables are shared).
    public func keeping(atLeast minimum: Severity) -> FindingList {
        var kept = self
        kept.records = []
        kept.wide = [:]
        for i in records.indices where records[i].severity >= minimum {
            if let position = wide[i] { kept.wide[kept.records.count] = position }
            kept.records.append(records[i])
        }
        return kept
    }
}

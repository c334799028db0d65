import GatehouseRules

/// How the text report arranges findings for triage: by severity (highest first), then rule, namespace, object
/// and position; a finding of another rule on the same object and field path is folded into the entry that
/// comes first, so a field reported by several rules is read once.
///
/// Findings without a field path are never folded: nothing says they are about the same thing.
struct TriageLayout {
    /// One listed finding and the findings of other rules folded into it.
    struct Entry {
        /// Index in the report's ``FindingList``.
        var lead: Int
        /// Indexes of the other rules' findings on the same object and path, in triage order.
        var folded: [Int] = []
    }

    /// The findings of one rule at one severity.
    struct RuleGroup {
        var severity: Severity
        var ruleID: String
        /// Every finding of the rule at this severity, listed here or folded into another rule's entry.
        var findingCount = 0
        /// The actions of all those findings.
        var actions: Set<Action> = []
        var entries: [Entry] = []
        /// The rules whose entries hold this group's folded findings, in triage order, with how many each holds.
        var foldedInto: [(ruleID: String, count: Int)] = []

        var foldedCount: Int { foldedInto.reduce(0) { $0 + $1.count } }
    }

    /// Groups in triage order: severity descending, then rule id.
    private(set) var groups: [RuleGroup] = []

    init(_ findings: FindingList) {
        // Canonical order is rule, namespace, object, position; a stable sort by severity then rule keeps the rest.
        let order = findings.indices.sorted { a, b in
            let (sa, sb) = (findings.severity(at: a), findings.severity(at: b))
            if sa != sb { return sa > sb }
            let (ra, rb) = (findings.ruleID(at: a), findings.ruleID(at: b))
            return ra != rb ? ra < rb : a < b
        }
        /// Where the first entry for an object and path is: group and entry index.
        var firstEntry: [FieldKey: (group: Int, entry: Int)] = [:]
        for index in order {
            let finding = findings[index]
            if groups.last.map({ $0.severity != finding.severity || $0.ruleID != finding.ruleID }) ?? true {
                groups.append(RuleGroup(severity: finding.severity, ruleID: finding.ruleID))
            }
            let current = groups.count - 1
            groups[current].findingCount += 1
            groups[current].actions.insert(finding.action)
            let key = FieldKey(object: finding.object, path: finding.path)
            if !finding.path.isEmpty, let (group, entry) = firstEntry[key],
                groups[group].ruleID != finding.ruleID
            {
                groups[group].entries[entry].folded.append(index)
                groups[current].noteFolded(into: groups[group].ruleID)
                continue
            }
            groups[current].entries.append(Entry(lead: index))
            if !finding.path.isEmpty, firstEntry[key] == nil {
                firstEntry[key] = (current, groups[current].entries.count - 1)
            }
        }
    }

    private struct FieldKey: Hashable {
        var object: ObjectRef
        var path: String
    }
}

extension TriageLayout.RuleGroup {
    fileprivate mutating func noteFolded(into ruleID: String) {
        if let i = foldedInto.firstIndex(where: { $0.ruleID == ruleID }) {
            foldedInto[i].count += 1
        } else {
            foldedInto.append((ruleID, 1))
        }
    }
}

import GatehouseReports
import GatehouseRules
import KubeModel
import Testing

/// The compact finding store gives back exactly the findings it was given, and sorts like the definition.
struct FindingListTests {
    private func object(_ name: String, namespace: String? = "shop", item: Int? = nil) -> ObjectRef {
        ObjectRef(apiVersion: "apps/v1", kind: "Deployment", namespace: namespace, name: name,
                  source: SourceRef(file: "all.json", document: 0, item: item))
    }

    @Test func roundTripsEveryField() {
        var cross = Finding(
            ruleID: "netpol-pod-unselected", severity: .medium, action: .warn, message: "selected by none",
            path: "spec.template.metadata.labels", position: SourcePosition(line: 3, column: 9), container: nil,
            image: nil, object: object("web", item: 1))
        cross.chain = [ChainLink(object: object("policy"), detail: "does not select it")]
        let findings = [
            Finding(
                ruleID: "pod-privileged", severity: .high, message: "container \"app\" is privileged",
                path: "spec.template.spec.containers[0].securityContext.privileged",
                position: SourcePosition(line: 1, column: 5_000_000_000), container: "app", image: "nginx:1",
                object: object("web", namespace: nil, item: 0), check: "privileged"),
            cross,
            Finding(
                ruleID: "pod-privileged", severity: .high, message: "container \"app\" is privileged",
                path: "spec.template.spec.containers[0].securityContext.privileged",
                position: SourcePosition(line: 7, column: 2), container: "app", image: "nginx:1", object: object("db", item: 2)),
        ]
        let list = FindingList(findings)
        #expect(Array(list) == findings)
        #expect(list.ruleID(at: 1) == "netpol-pod-unselected")
        #expect(list.severity(at: 0) == .high)
        #expect(list.action(at: 1) == .warn)
    }

    /// Per-object groups, lists merged from several inputs, and single findings about objects seen before
    /// (cross-object rules) all come back in order, and sort as ``AuditReport/canonicalOrder`` says.
    @Test func buildsFromGroupsAndMergesInOrder() {
        func finding(_ rule: String, _ object: ObjectRef, line: Int, message: String = "m") -> Finding {
            Finding(ruleID: rule, severity: .low, message: message, path: "spec", position: SourcePosition(line: line, column: 1),
                    container: nil, image: nil, object: object)
        }
        let a = object("a", item: 0)
        let b = object("b", item: 1)
        let firstInput = [[finding("r2", a, line: 4), finding("r1", a, line: 2)], [finding("r1", b, line: 9)]]
        let secondInput = [[finding("r1", object("c", namespace: "other", item: 0), line: 1, message: "x")]]
        let crossObject = [finding("r1", a, line: 1, message: "cross"), finding("r3", b, line: 9)]

        var first = FindingList.Builder()
        for group in firstInput { first.append(objectFindings: group) }
        var second = FindingList.Builder()
        for group in secondInput { second.append(objectFindings: group) }
        var all = FindingList.Builder()
        all.append(contentsOf: first)
        all.append(contentsOf: second)
        for f in crossObject { all.append(f) }
        let expected = firstInput.flatMap { $0 } + secondInput.flatMap { $0 } + crossObject
        #expect(Array(all.finish()) == expected)

        var combined = FindingList.Builder()
        combined.append(contentsOf: first)
        combined.append(contentsOf: second)
        for f in crossObject { combined.append(f) }
        let report = AuditReport(
            profile: .aks, activeRules: [], files: [], objectCount: 3, findings: combined.finish(), errors: [], notes: [])
        #expect(Array(report.findings) == expected.sorted(by: AuditReport.canonicalOrder))
    }

    /// Two sorted lists merge into the canonical order of all their findings: rule by rule when their rules are
    /// disjoint (per-object and cross-object findings), by sorting again when a rule is in both.
    @Test(arguments: [false, true])
    func mergingSortedListsGivesTheCanonicalOrder(shareARule: Bool) {
        func finding(_ rule: String, _ name: String, line: Int, chain: Bool = false) -> Finding {
            var f = Finding(
                ruleID: rule, severity: .medium, message: "about \(name)", path: "spec",
                position: SourcePosition(line: line, column: 1), container: chain ? nil : "app", image: nil,
                object: object(name, item: line))
            if chain { f.chain = [ChainLink(object: object("policy"), detail: "selects nothing")] }
            return f
        }
        let perObject = [
            finding("pod-b", "web", line: 7), finding("pod-d", "db", line: 2), finding("pod-b", "api", line: 1),
            finding("pod-a", "web", line: 5_000_000_000),
        ]
        let crossObject = [
            finding("netpol-c", "web", line: 3, chain: true), finding(shareARule ? "pod-b" : "netpol-a", "db", line: 2, chain: true),
            finding("netpol-c", "api", line: 9, chain: true),
        ]
        var first = FindingList(perObject)
        first.sortCanonically()
        var second = FindingList(crossObject)
        second.sortCanonically()
        let merged = FindingList.merging(first, second)
        #expect(Array(merged) == (perObject + crossObject).sorted(by: AuditReport.canonicalOrder))
        #expect(Array(FindingList.merging(FindingList(), second)) == Array(second))
    }
}

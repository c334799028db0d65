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
}

import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel

/// What evaluating some objects produced: their findings, stored compactly, and the exemptions' trace
/// (findings an exemption suppressed, and exemption annotations that were ignored) for the report.
struct EvaluatedObjects: Sendable {
    var findings = FindingList.Builder()
    var exempted: [ExemptedFinding] = []
    var exemptionNotes: [ExemptionNote] = []

    /// Adds one object's evaluation.
    mutating func add(_ result: consuming EvaluationResult, of object: KubeObject) {
        findings.append(objectFindings: result.findings)
        // Most objects have neither: the checks keep the common case to the findings alone.
        if !result.exempted.isEmpty { exempted += result.exempted }
        if !result.notes.isEmpty {
            let ref = ObjectRef(object)
            for note in result.notes {
                exemptionNotes.append(ExemptionNote(object: ref, position: object.position, message: note))
            }
        }
    }

    /// Appends `other`, which came after these objects.
    mutating func append(contentsOf other: consuming EvaluatedObjects) {
        findings.append(contentsOf: other.findings)
        exempted += other.exempted
        exemptionNotes += other.exemptionNotes
    }
}

import GatehouseRules
import KubeModel

/// An object's own exemption: `gatehouse.io/exempt: "rule-a,rule-b"` (or `"*"`) with
/// `gatehouse.io/exempt-reason`, read from the object's annotations or, for workloads, its pod template's
/// (which the Pods it creates inherit, so the workload and its Pods are treated alike). When both carry one,
/// the object's own applies.
///
/// Only rules the policy's `annotationExemptions.rules` allows can be exempted, and without a reason the
/// annotation is ignored when the policy requires one. Whatever is ignored is said in ``notes``, so an
/// exemption that did not apply is never silent: also an annotation whose key is the exemption key spelled
/// another way (`Gatehouse.io/exempt`, a trailing space), which Kubernetes treats as another annotation.
struct AnnotationExemption {
    private(set) var rules: Set<String> = []
    private(set) var all = false
    /// Rules the annotation names that the policy does not let annotations exempt (each has its note).
    private(set) var refused: Set<String> = []
    /// The exemption that applies, `nil` when there is none or it was ignored.
    private(set) var source: ExemptionSource?
    private(set) var notes: [String] = []

    init(object: KubeObject, template: PodTemplate?, settings: AnnotationExemptions, known: Set<String>) {
        let key = AnnotationExemptions.exemptKey
        let reasonKey = AnnotationExemptions.reasonKey
        notes += Self.misspelledKeys(in: object.metadata, where: "")
        if let template, !template.isPod {
            notes += Self.misspelledKeys(in: template.metadata, where: " on the pod template")
        }
        let fromObject = object.annotation(key)
        guard let text = fromObject ?? template?.annotation(key) else { return }
        let reason = (fromObject != nil ? object.annotation(reasonKey) : template?.annotation(reasonKey))
            .map { String($0.trimmingCharacters(in: " \t\n")) }.flatMap { $0.isEmpty ? nil : $0 }
        guard settings.allowed else {
            notes.append("annotation \(key) ignored: this policy does not allow annotation exemptions")
            return
        }
        if settings.requireReason && (reason ?? "").isEmpty {
            notes.append("annotation \(key) ignored: it needs a \(reasonKey) annotation saying why")
            return
        }
        if text.trimmingCharacters(in: " \t\n").isEmpty {
            notes.append("annotation \(key) names no rule; write rule ids separated by commas, or \"*\"")
            return
        }
        if text == "true" {
            notes.append("annotation \(key): \"true\" is not a rule list; write rule ids separated by commas, or \"*\" for every rule")
            return
        }
        for part in text.split(separator: ",") {
            let id = String(part.trimmingCharacters(in: " \t\n"))
            if id.isEmpty { continue }
            if id == "*" {
                all = true
            } else if !known.contains(id) {
                var note = "annotation \(key) names unknown rule \"\(id)\""
                if let near = Suggestion.closest(to: id, in: known) { note += "; did you mean \"\(near)\"?" }
                notes.append(note)
            } else if !settings.rules.anyMatches(id) {
                notes.append("annotation \(key) cannot exempt rule \"\(id)\": this policy does not allow it")
                refused.insert(id)
            } else {
                rules.insert(id)
            }
        }
        if all || !rules.isEmpty {
            source = .annotation(value: text, reason: reason, onTemplate: fromObject == nil)
        }
    }

    /// Whether the annotation exempts rule `id` (the engine has already checked the policy allows it).
    func exempts(_ id: String) -> Bool { all || rules.contains(id) }

    /// The note for a rule the annotation's `"*"` takes in but the policy does not let annotations exempt,
    /// so an object's author sees why its findings of that rule still count.
    static func notExemptible(_ id: String) -> String {
        "annotation \(AnnotationExemptions.exemptKey) \"*\" cannot exempt rule \"\(id)\": this policy does not allow it"
    }

    private static let comparedLengths =
        AnnotationExemptions.exemptKey.utf8.count...(AnnotationExemptions.reasonKey.utf8.count + 8)

    /// Notes for annotation keys that differ from the exemption keys only in case or surrounding whitespace:
    /// they exempt nothing, and whoever wrote them believes they do.
    private static func misspelledKeys(in metadata: Value?, where place: String) -> [String] {
        guard let annotations = metadata?["annotations"], annotations.isMapping else { return [] }
        var notes: [String] = []
        for (k, _) in annotations.pairs {
            // Only keys about as long as the exemption keys are compared (most annotations are not).
            guard let written = k.string, Self.comparedLengths.contains(written.utf8.count) else { continue }
            let normalized = String(written.lowercased().trimmingCharacters(in: " \t\n"))
            for key in [AnnotationExemptions.exemptKey, AnnotationExemptions.reasonKey]
            where normalized == key && written != key {
                notes.append(
                    "annotation \"\(written)\"\(place) ignored: the key is \(key), exactly (annotation keys are case-sensitive)")
            }
        }
        return notes
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return s
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return s
    }
}

import GatehouseRules
import KubeModel

/// An object's own exemption: `gatehouse.io/exempt: "rule-a,rule-b"` (or `"*"`) with
/// `gatehouse.io/exempt-reason`, read from the object's annotations or, for workloads, its pod template's
/// (which the Pods it creates inherit, so the workload and its Pods are treated alike).
///
/// Only rules the policy's `annotationExemptions.rules` allows can be exempted, and without a reason the
/// annotation is ignored when the policy requires one. Whatever is ignored is said in ``notes``.
struct AnnotationExemption {
    private(set) var rules: Set<String> = []
    private(set) var all = false
    private(set) var reason: String?
    private(set) var notes: [String] = []

    init(object: KubeObject, template: PodTemplate?, settings: AnnotationExemptions, known: Set<String>) {
        let key = AnnotationExemptions.exemptKey
        let reasonKey = AnnotationExemptions.reasonKey
        let fromObject = object.annotation(key)
        guard let text = fromObject ?? template?.annotation(key) else { return }
        let reason = (fromObject != nil ? object.annotation(reasonKey) : template?.annotation(reasonKey))
            .map { String($0.trimmingCharacters(in: " \t\n")) }
        guard settings.allowed else {
            notes.append("annotation \(key) ignored: this policy does not allow annotation exemptions")
            return
        }
        if settings.requireReason && (reason ?? "").isEmpty {
            notes.append("annotation \(key) ignored: it needs a \(reasonKey) annotation saying why")
            return
        }
        self.reason = reason
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
            } else {
                rules.insert(id)
            }
        }
    }

    /// Whether the annotation exempts rule `id` (the engine has already checked the policy allows it).
    func exempts(_ id: String) -> Bool { all || rules.contains(id) }
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

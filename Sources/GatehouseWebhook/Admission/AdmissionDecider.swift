import GatehouseEngine
import GatehouseRules
import KubeModel

/// What to answer when a well-formed review's object cannot be evaluated (missing, not an object, no
/// apiVersion or kind in the object nor in `request.kind`). `deny` matches a webhook registered with `failurePolicy: Fail`.
public enum OnErrorPolicy: String, Sendable, CaseIterable {
    case allow, deny
}

/// Turns an admission request into a decision with the engine and the policy's admission settings.
///
/// The rules, in order:
/// 1. CONNECT is allowed without evaluation; so is any subresource other than `pods/ephemeralcontainers`
///    (status, exec, log, binding, eviction...), whose object is not the pod spec the user controls.
///    A DELETE is NEVER denied. It is evaluated only by the rules that judge deletes
///    (``RuleDescription/judgesDeletes``: `events-deleted`, `coredns-config-modified`), on the object being
///    deleted (`request.oldObject`, or, when the API server sends none, a minimal object built from the
///    request's kind, namespace and name); every finding is answered as an audit annotation, and also as a
///    warning when its action is warn. A DELETE of a kind no such rule reads is allowed without evaluation.
///    Deleting a Namespace also forgets its pod-security labels.
/// 2. The engine evaluates the object with the request (``AdmissionInfo``): requests by exempt users or
///    groups, or in exempt or excluded namespaces, are skipped (allowed, with an `exempt` audit annotation
///    saying why); per-namespace actions and the policy's `podTemplates.action` (which replaces `deny` and `warn`
///    on workload templates, so templates can warn while Pods are denied) are applied by the engine.
/// 3. UPDATE (including `pods/ephemeralcontainers`): the engine also evaluates `oldObject`; a finding whose
///    rule id, field path and message the old object already had was not introduced by this update (a label
///    change, a finalizer removal, scaling a non-compliant Deployment) and is not denied: it is answered as a
///    warning marked "pre-existing". Anything the update introduces or changes (a new container, a changed
///    value or image, a container moved to another index) is judged as on CREATE. This generalises Pod
///    Security Admission's "significant update" check to every rule and kind. An UPDATE without a usable
///    `oldObject` is judged exactly as a CREATE.
/// 4. Any deny finding denies (403, a message listing rule ids, paths and remediation). Warn findings become
///    `warnings`, audit findings `auditAnnotations`, whatever the outcome.
/// 5. Exemptions leave a trace without changing the outcome: an exemption annotation that was not applied
///    (no reason, a rule the policy does not let annotations exempt, annotations not allowed) is a warning
///    saying why, ahead of the findings' warnings, so a user whose request is denied knows; findings an
///    exemption suppressed are named in an `exempted` audit annotation.
public struct AdmissionDecider: Sendable {
    public let engine: Engine
    public let onError: OnErrorPolicy
    /// Namespaces admitted so far, whose pod-security labels decide their pods' level under `pss-*` profiles.
    public let namespaces: NamespaceLabels
    let remediations: [String: String]
    /// The rules of `engine` that judge DELETE requests, with the same policy.
    let deletions: Engine?

    public init(engine: Engine, onError: OnErrorPolicy = .deny, namespaces: NamespaceLabels = NamespaceLabels()) {
        self.engine = engine
        // Cannot throw: `engine` was built from the same policy and rules.
        self.deletions = try? engine.restricted(to: \.judgesDeletes)
        self.onError = onError
        self.namespaces = namespaces
        var remediations: [String: String] = [:]
        for rule in Registry.rules {
            remediations[rule.description.id] = rule.description.remediation
        }
        self.remediations = remediations
    }

    public var policy: Policy { engine.policy }

    public func decide(_ request: AdmissionRequest) -> AdmissionDecision {
        let operation: AdmissionInfo.Operation
        switch request.operation {
        case .delete:
            if request.kind.kind == "Namespace", request.kind.group.isEmpty { namespaces.forget(request.name) }
            return decideDeletion(request)
        case .connect:
            return AdmissionDecision(allowed: true, reason: .operationNotEvaluated)
        case .create:
            operation = .create
        case .update:
            operation = .update
        }
        if !request.subResource.isEmpty, !(request.resource == "pods" && request.subResource == "ephemeralcontainers") {
            return AdmissionDecision(allowed: true, reason: .subresourceNotEvaluated)
        }
        guard let root = request.object else {
            return unevaluable(request, "request.object is missing or null")
        }
        guard root.isMapping else {
            return unevaluable(request, "request.object is not a JSON object")
        }
        let source = SourceRef(file: "admission:\(request.uid)")
        guard
            let object = KubeObject(
                admitted: root, source: source, requestNamespace: request.namespace, requestType: request.objectType)
        else {
            return unevaluable(request, "request.object has no apiVersion or kind, and request.kind names none")
        }
        let admission = AdmissionInfo(
            user: request.username, groups: request.groups, operation: operation, namespace: request.namespace)

        // Under a pss-* profile, the pod's namespace may enforce another level or version (PSA semantics).
        let pss = engine.podSecurity.map { namespaces.podSecurity(in: object.namespace, defaults: $0) }
        let result: EvaluationResult
        if request.operation == .update, let oldRoot = request.oldObject, oldRoot.isMapping,
            let old = KubeObject(
                admitted: oldRoot, source: source, requestNamespace: request.namespace, requestType: request.objectType)
        {
            result = engine.evaluate(object, oldObject: old, admission: admission, pss: pss)
        } else {
            result = engine.evaluate(object, admission: admission, pss: pss)
        }
        if let skipped = result.skipped {
            var decision = AdmissionDecision(allowed: true, reason: Self.reason(for: skipped))
            decision.auditAnnotations.append(("exempt", skipped.description))
            return decision
        }
        var findings = result.findings.filter { $0.action != .off }
        for var finding in result.preexisting where finding.action != .off {
            if finding.action == .deny { finding.action = .warn }
            finding.message += " (pre-existing; not changed by this update)"
            findings.append(finding)
        }
        var decision = decision(for: object, findings: findings)
        if !result.notes.isEmpty {
            decision.warnings = WarningList.make(
                findings.filter { $0.action == .warn }, notes: result.notes.map { "gatehouse: " + $0 })
        }
        if let exempted = AuditAnnotationList.exempted(result.exempted) { decision.auditAnnotations.append(exempted) }
        if decision.allowed, object.kind == "Namespace", !request.dryRun { namespaces.record(object) }
        return decision
    }

    /// A DELETE, judged by the rules that judge deletes and always allowed (see the type's documentation).
    func decideDeletion(_ request: AdmissionRequest) -> AdmissionDecision {
        guard let deletions, !deletions.activeRuleIDs.isEmpty, request.subResource.isEmpty else {
            return AdmissionDecision(allowed: true, reason: .operationNotEvaluated)
        }
        let source = SourceRef(file: "admission:\(request.uid)")
        var object: KubeObject?
        if let old = request.oldObject, old.isMapping {
            object = KubeObject(
                admitted: old, source: source, requestNamespace: request.namespace, requestType: request.objectType)
        }
        if object == nil {
            object = Self.deletedObject(request, source: source)
        }
        guard let object, deletions.hasRule(applyingTo: object) else {
            return AdmissionDecision(allowed: true, reason: .operationNotEvaluated)
        }
        let admission = AdmissionInfo(
            user: request.username, groups: request.groups, operation: .delete, namespace: request.namespace)
        let result = deletions.evaluate(object, admission: admission)
        if let skipped = result.skipped {
            var decision = AdmissionDecision(allowed: true, reason: Self.reason(for: skipped))
            decision.auditAnnotations.append(("exempt", skipped.description))
            return decision
        }
        var findings: [Finding] = []
        for var finding in result.findings where finding.action != .off {
            if finding.action == .deny { finding.action = .audit }
            findings.append(finding)
        }
        var decision = AdmissionDecision(allowed: true, reason: .evaluated)
        decision.findings = findings
        decision.warnings = WarningList.make(findings.filter { $0.action == .warn })
        decision.auditAnnotations = AuditAnnotationList.make(findings)
        return decision
    }

    /// The object a DELETE names, for a request without `oldObject`: apiVersion, kind, namespace and name
    /// only, so rules about who deletes what still see it.
    static func deletedObject(_ request: AdmissionRequest, source: SourceRef) -> KubeObject? {
        guard !request.kind.kind.isEmpty, !request.kind.version.isEmpty else { return nil }
        var json = JSONEmitter(style: .compact, capacity: 160)
        json.beginObject()
        json.field("apiVersion", request.kind.apiVersion)
        json.field("kind", request.kind.kind)
        json.key("metadata")
        json.beginObject()
        json.field("name", request.name)
        if let namespace = request.namespace, !namespace.isEmpty { json.field("namespace", namespace) }
        json.endObject()
        json.endObject()
        let parsed = json.bytes.withUnsafeBytes { JSONLoader.parse($0) }
        guard case .success(let tree) = parsed else { return nil }
        return KubeObject(admitted: tree.root, source: source, requestNamespace: request.namespace)
    }

    static func reason(for skipped: SkipReason) -> AdmissionDecision.Reason {
        switch skipped {
        case .excludedNamespace, .exemptNamespace: .exemptNamespace
        case .exemptUser: .exemptUser
        case .exemptGroup: .exemptGroup
        }
    }

    func decision(for object: KubeObject, findings: [Finding]) -> AdmissionDecision {
        let denials = findings.filter { $0.action == .deny }
        var decision: AdmissionDecision
        if denials.isEmpty {
            decision = AdmissionDecision(allowed: true, reason: .evaluated)
        } else {
            decision = AdmissionDecision(
                allowed: false, reason: .evaluated, code: 403,
                message: DenialMessage.make(object: object, denials: denials, remediations: remediations))
        }
        decision.findings = findings
        decision.warnings = WarningList.make(findings.filter { $0.action == .warn })
        decision.auditAnnotations = AuditAnnotationList.make(findings.filter { $0.action == .audit })
        return decision
    }

    func unevaluable(_ request: AdmissionRequest, _ problem: String) -> AdmissionDecision {
        let allowed = onError == .allow
        let message = "gatehouse could not evaluate \(request.kind.kind) \(request.name): \(problem)"
        var decision = AdmissionDecision(
            allowed: allowed, reason: .unevaluable, code: allowed ? nil : 400, message: allowed ? nil : message)
        if allowed {
            decision.warnings = [WarningList.clip(message + " (allowed by --on-error allow)")]
        }
        decision.auditAnnotations.append(("error", problem))
        return decision
    }
}

/// The denial text `kubectl` shows after `admission webhook "..." denied the request:`.
///
/// One line per finding (`rule-id path: message`), then one remediation line per rule. Kept under
/// ``maxLength`` so it is shown whole: findings and fixes that do not fit are each summarised by an
/// "and N more" line, which always has room (findings stop ``fixesReserve`` bytes early, and each fix line
/// but the last leaves ``moreLineReserve`` bytes free).
enum DenialMessage {
    static let maxLength = 2048
    static let maxRemediation = 200
    static let fixesReserve = 200
    /// Room for the longest "and N more" line.
    static let moreLineReserve = 100

    /// The most severe denials come first (in the engine's order within a severity), so the length limit
    /// never leaves out a critical finding while showing a lower one, and their fixes come first too.
    static func make(object: KubeObject, denials: [Finding], remediations: [String: String]) -> String {
        let denials = denials.enumerated()
            .sorted { $0.element.severity != $1.element.severity ? $0.element.severity > $1.element.severity : $0.offset < $1.offset }
            .map(\.element)
        let what = object.namespace.map { "\(object.kind) \($0)/\(object.name)" } ?? "\(object.kind) \(object.name)"
        var text = "Gatehouse denied \(what): \(denials.count) violation\(denials.count == 1 ? "" : "s")"
        var shown = 0
        for f in denials {
            let line = "\n- \(f.ruleID) \(f.path): \(f.message)"
            if text.utf8.count + line.utf8.count > maxLength - fixesReserve { break }
            text += line
            shown += 1
        }
        if shown < denials.count {
            text += "\n- and \(denials.count - shown) more (run `gatehouse audit` on the manifest for the full list)"
        }
        var seen = Set<String>()
        let fixes: [(rule: String, fix: String)] = denials.compactMap { f in
            guard seen.insert(f.ruleID).inserted, let fix = remediations[f.ruleID], !fix.isEmpty else { return nil }
            return (f.ruleID, fix)
        }
        var fixesShown = 0
        for (i, entry) in fixes.enumerated() {
            let line = "\nFix \(entry.rule): \(clip(oneLine(entry.fix), maxRemediation))"
            let reserve = i == fixes.count - 1 ? 0 : moreLineReserve
            if text.utf8.count + line.utf8.count + reserve > maxLength { break }
            text += line
            fixesShown += 1
        }
        if fixesShown < fixes.count {
            let more = fixes.count - fixesShown
            text += "\nFix: and \(more) more (run `gatehouse rules explain RULE-ID` for each rule's remediation)"
        }
        return text
    }

    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters() }.joined(separator: " ")
    }

    static func clip(_ s: String, _ max: Int) -> String {
        s.count <= max ? s : String(s.prefix(max - 3)) + "..."
    }
}

extension Substring {
    func trimmingCharacters() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }
}

/// Warnings within the API server's limits (k8s.io/apiserver `filters/warning.go`): once the warnings of a
/// request exceed 4,096 runes in total, every warning is cut to 256 runes, and a warning with non-printable
/// characters is dropped. Each warning here is one finding, at most 256 characters (most fit the
/// recommended 120), printable only, and the list stops before 4,000 characters with an "and N more" line,
/// so the API server never needs to cut anything.
enum WarningList {
    static let maxItem = 256
    static let maxTotal = 4000
    /// At most this many notes (about 2,000 characters), so the findings' warnings keep room.
    static let maxNotes = 8

    /// The warnings for `findings`, after `notes` (each already a warning's text): notes come first, so the
    /// limit never drops one.
    static func make(_ findings: [Finding], notes: [String] = []) -> [String] {
        var result: [String] = []
        var total = 0
        for note in notes.prefix(maxNotes) {
            let text = clip(note)
            total += text.count
            result.append(text)
        }
        for (i, f) in findings.enumerated() {
            let text = clip("\(f.ruleID): \(f.message) (\(f.path))")
            let reserve = i == findings.count - 1 ? 0 : 64
            if total + text.count + reserve > maxTotal {
                result.append("gatehouse: and \(findings.count - i) more warnings (run `gatehouse audit` for the full list)")
                break
            }
            total += text.count
            result.append(text)
        }
        return result
    }

    /// Printable, one line, at most ``maxItem`` characters.
    static func clip(_ s: String) -> String {
        var out = String()
        out.reserveCapacity(min(s.utf8.count, maxItem))
        var count = 0
        for scalar in s.unicodeScalars {
            if count == maxItem - 3 {
                out += "..."
                return out
            }
            let printable = scalar.value >= 0x20 && scalar.value != 0x7F && !(0x80...0x9F).contains(scalar.value)
            out.unicodeScalars.append(printable ? scalar : " ")
            count += 1
        }
        return out
    }
}

/// Audit annotations from audit findings: one key per rule id (a qualified-name part, at most 63
/// characters; the API server adds the webhook's name as the prefix), the value listing paths and messages,
/// at most ``maxValue`` bytes: entries that do not fit are counted in a closing "; and N more" (the first
/// entry is cut short ``moreReserve`` bytes early and later ones must leave that much free, so it fits).
enum AuditAnnotationList {
    static let maxValue = 2048
    static let moreReserve = 32

    static func make(_ findings: [Finding]) -> [(key: String, value: String)] {
        var order: [String] = []
        var values: [String: String] = [:]
        var dropped: [String: Int] = [:]
        for f in findings {
            let key = qualifiedNamePart(f.ruleID)
            let entry = "\(f.path): \(f.message)"
            if let existing = values[key] {
                if existing.utf8.count + entry.utf8.count + 2 + moreReserve <= maxValue {
                    values[key] = existing + "; " + entry
                } else {
                    dropped[key, default: 0] += 1
                }
            } else {
                order.append(key)
                let room = maxValue - moreReserve
                values[key] = entry.utf8.count <= room ? entry : clipUTF8(entry, room - 3) + "..."
            }
        }
        return order.map { key in
            let value = values[key]!
            guard let more = dropped[key] else { return (key, value) }
            return (key, value + "; and \(more) more")
        }
    }

    /// The `exempted` audit annotation: each finding an exemption suppressed (`rule path: exemption: reason`),
    /// within ``maxValue`` bytes with "; and N more"; `nil` when nothing was exempted.
    static func exempted(_ exempted: [ExemptedFinding]) -> (key: String, value: String)? {
        guard !exempted.isEmpty else { return nil }
        var value = ""
        var shown = 0
        for item in exempted {
            let entry = "\(item.finding.ruleID) \(item.finding.path): \(item.exemption.label)"
                + (item.exemption.reason.map { " (\($0))" } ?? "")
            let candidate = value.isEmpty ? entry : value + "; " + entry
            if candidate.utf8.count + moreReserve > maxValue {
                if value.isEmpty {
                    value = clipUTF8(entry, maxValue - moreReserve - 3) + "..."
                    shown = 1
                }
                break
            }
            value = candidate
            shown += 1
        }
        if shown < exempted.count { value += "; and \(exempted.count - shown) more" }
        return ("exempted", value)
    }

    /// The longest prefix of `s` of at most `bytes` UTF-8 bytes, whole characters only.
    static func clipUTF8(_ s: String, _ bytes: Int) -> String {
        var out = ""
        var count = 0
        for c in s {
            count += c.utf8.count
            if count > bytes { break }
            out.append(c)
        }
        return out
    }

    /// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63 characters: other characters become `-`.
    static func qualifiedNamePart(_ s: String) -> String {
        var chars = Array(s.unicodeScalars.prefix(63)).map { c -> Character in
            let ok = ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
                || c == "-" || c == "_" || c == "."
            return ok ? Character(c) : "-"
        }
        while let first = chars.first, !first.isLetter && !first.isNumber { chars.removeFirst() }
        while let last = chars.last, !last.isLetter && !last.isNumber { chars.removeLast() }
        return chars.isEmpty ? "finding" : String(chars)
    }
}

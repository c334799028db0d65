import KubeModel

/// A check over one Kubernetes object.
///
/// A rule is a small value built from its parameters once (per policy), then asked to check many objects
/// concurrently, so it must be `Sendable` and keep no mutable state. It declares defaults only: the policy
/// decides severity and action.
public protocol Rule: Sendable {
    static var description: RuleDescription { get }

    /// Builds the rule from policy parameters. Throws ``ParameterError`` for values it cannot use
    /// (the policy loader has already checked names and types against ``RuleDescription/parameters``).
    init(parameters: RuleParameters) throws

    /// Reports every violation in `object`. Called only for objects in the rule's ``Scope``;
    /// `context.template` is set when the object runs pods.
    func check(_ object: KubeObject, _ context: inout CheckContext)
}

extension Rule {
    public var description: RuleDescription { Self.description }
}

/// What a rule gets while checking one object, and where it reports.
public struct CheckContext {
    public let object: KubeObject
    /// The pod template, for objects that run pods.
    public let template: PodTemplate?
    /// The admission request, at admission; `nil` in the auditor.
    public var request: AdmissionInfo?
    /// The Pod Security Standards level and version to judge by, when a PSS profile (or a namespace's
    /// pod-security labels) decides; `nil` under the `aks` profile. Pod rules that map to PSS checks apply
    /// PSA's versioned semantics when it is set and their Azure semantics and parameters otherwise.
    public var pss: PSSContext?
    /// The Docker host a Docker container or image lives on, when a Docker audit judges one: container rules
    /// read the daemon's defaults here (a daemon-wide no-new-privileges, whether AppArmor or SELinux is on).
    public var dockerHost: DockerHostView?
    /// The scanner reports of this audit or webhook, indexed by image; `nil` when none were given, and the
    /// vulnerability rules then report nothing (an image is "not scanned" only when there are scans to miss).
    public var vulnerabilities: VulnerabilityIndex?
    /// The image a `ScannedImage` subject stands for, when the engine judges one.
    public var scannedImage: ScannedImage?
    /// The findings reported so far for this object.
    public private(set) var findings: [Finding] = []
    public private(set) var ruleID: String
    private(set) var severity: Severity
    /// The identity every finding of this object carries, made on the first finding and shared by the rest.
    private var objectRef: ObjectRef?
    /// The object's `rules` (its PolicyRules), read on first use: a dozen RBAC rules look at every Role and
    /// ClusterRole.
    private var policyRulesRead: [(rule: PolicyRule, value: Value)]?

    public init(
        object: KubeObject, template: PodTemplate?, ruleID: String, severity: Severity,
        request: AdmissionInfo? = nil, pss: PSSContext? = nil
    ) {
        self.object = object
        self.template = template
        self.request = request
        self.ruleID = ruleID
        self.severity = severity
        self.pss = pss
    }

    /// Checks the context's object (`object`, the one the context was made for) with `rule` (whose scope the
    /// caller has checked), reporting as `ruleID` with `severity`. Its findings are appended to ``findings``,
    /// after those of the rules run before; returns where they start. The engine runs all rules of an object
    /// through one context this way: building a context per rule copied the object, template and request (a
    /// dozen reference counts) for every rule, and an array per rule copied every finding once more.
    public mutating func run(_ rule: some Rule, on object: KubeObject, ruleID: String, severity: Severity) -> Int {
        self.ruleID = ruleID
        self.severity = severity
        let start = findings.count
        // `object` is the caller's (the context's own): passing it in, rather than copying `self.object` out
        // for the call, saves a copy of the object per rule.
        rule.check(object, &self)
        return start
    }

    /// Settles the findings from index `start` on in place: `settle` adjusts each one and returns whether it
    /// stays; those it turns away are removed, the rest keep their order.
    public mutating func settleFindings(from start: Int, _ settle: (inout Finding) -> Bool) {
        var kept = start
        for i in start..<findings.count where settle(&findings[i]) {
            if kept != i { findings.swapAt(kept, i) }
            kept += 1
        }
        if kept < findings.count { findings.removeSubrange(kept...) }
    }

    /// The findings reported so far, leaving the context without them.
    public mutating func takeFindings() -> [Finding] {
        var taken: [Finding] = []
        swap(&taken, &findings)
        return taken
    }

    /// ``PolicyRule/rules(of:)`` of the context's object, read once for all the rules that ask.
    public mutating func policyRules() -> [(rule: PolicyRule, value: Value)] {
        if let policyRulesRead { return policyRulesRead }
        let read = PolicyRule.rules(of: object)
        policyRulesRead = read
        return read
    }

    /// Reports a violation at `path`, positioned at `value` (or at the nearest existing parent when the
    /// offending field is missing). `container` scopes the finding so a container exemption can cover it.
    /// `check` names the PSS check the finding fails, when it was judged by a PSS level.
    ///
    /// `severity` gives this finding another severity than the rule's default, for rules whose facts grade
    /// their findings (a ClusterRole reading Secrets is worse than a Role doing so). The rule's spec must say
    /// when it does. A severity the policy sets for the rule still wins over it, for every finding of the rule.
    ///
    /// `image` names the image a finding is about when no container does (a scanned image), so policy
    /// exemptions by image cover it; `position` places a finding whose subject has no document to point into
    /// (a scanned image: the line of its worst vulnerability in the report).
    public mutating func report(
        _ message: String, path: String, at value: Value?, container: Container? = nil, check: String? = nil,
        severity: Severity? = nil, image: String? = nil, position: SourcePosition? = nil
    ) {
        let ref = objectRef ?? ObjectRef(object)
        objectRef = ref
        findings.append(
            Finding(
                ruleID: ruleID, severity: severity ?? self.severity, message: message, path: path,
                position: position ?? value?.position ?? object.position,
                container: container?.name, image: container?.image ?? image, object: ref, check: check))
    }
}

extension Rule {
    /// Checks `object` if it is in the rule's scope and returns the findings, with the rule's default
    /// severity. The engine and the example tests both evaluate through here.
    public func evaluate(_ object: KubeObject, template: PodTemplate?, request: AdmissionInfo? = nil) -> [Finding] {
        evaluate(object, template: template, pss: nil, request: request)
    }

    /// Checks `object` judged by a Pod Security Standards level and version (`pss`), or by the rule's own
    /// (Azure) semantics and parameters when `pss` is `nil`. Rules that map to no PSS check ignore `pss`.
    /// `request` is the admission request, `nil` in the auditor.
    public func evaluate(
        _ object: KubeObject, template: PodTemplate?, pss: PSSContext?, request: AdmissionInfo? = nil
    ) -> [Finding] {
        let d = Self.description
        guard d.scope.applies(to: object, template: template) else { return [] }
        var context = CheckContext(
            object: object, template: template, ruleID: d.id, severity: d.severity, request: request, pss: pss)
        check(object, &context)
        return context.findings
    }

    public func evaluate(_ object: KubeObject, request: AdmissionInfo? = nil) -> [Finding] {
        evaluate(object, template: PodTemplate(of: object), request: request)
    }
}

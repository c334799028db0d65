import KubeModel

/// The identity of the object a finding is about.
///
/// Its fields live in one shared, immutable box: every finding of an object carries the object's identity, and
/// copying findings (the engine, the audit's finding store, sorting) then costs one reference count instead of
/// one per string. Setting a field gives this value a box of its own.
public struct ObjectRef: Sendable, Hashable, Comparable {
    private final class Box: Sendable {
        let apiVersion: String
        let kind: String
        let namespace: String?
        let name: String
        let source: SourceRef

        init(apiVersion: String, kind: String, namespace: String?, name: String, source: SourceRef) {
            self.apiVersion = apiVersion
            self.kind = kind
            self.namespace = namespace
            self.name = name
            self.source = source
        }
    }

    private var box: Box

    public var apiVersion: String {
        get { box.apiVersion }
        set { box = Box(apiVersion: newValue, kind: kind, namespace: namespace, name: name, source: source) }
    }
    public var kind: String {
        get { box.kind }
        set { box = Box(apiVersion: apiVersion, kind: newValue, namespace: namespace, name: name, source: source) }
    }
    public var namespace: String? {
        get { box.namespace }
        set { box = Box(apiVersion: apiVersion, kind: kind, namespace: newValue, name: name, source: source) }
    }
    public var name: String {
        get { box.name }
        set { box = Box(apiVersion: apiVersion, kind: kind, namespace: namespace, name: newValue, source: source) }
    }
    public var source: SourceRef {
        get { box.source }
        set { box = Box(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name, source: newValue) }
    }

    public init(apiVersion: String, kind: String, namespace: String?, name: String, source: SourceRef) {
        box = Box(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name, source: source)
    }

    public init(_ object: KubeObject) {
        self.init(
            apiVersion: object.apiVersion, kind: object.kind, namespace: object.namespace, name: object.name,
            source: object.source)
    }

    public static func == (a: ObjectRef, b: ObjectRef) -> Bool {
        if a.box === b.box { return true }
        return a.apiVersion == b.apiVersion && a.kind == b.kind && a.namespace == b.namespace && a.name == b.name
            && a.source == b.source
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(apiVersion)
        hasher.combine(kind)
        hasher.combine(namespace)
        hasher.combine(name)
        hasher.combine(source)
    }

    public static func < (a: ObjectRef, b: ObjectRef) -> Bool {
        if a.box === b.box { return false }
        return (a.namespace ?? "", a.kind, a.name, a.source) < (b.namespace ?? "", b.kind, b.name, b.source)
    }

    public var displayName: String {
        if let namespace { return "\(kind) \(namespace)/\(name)" }
        return "\(kind) \(name)"
    }
}

/// One violation of one rule by one object (or one container of it).
///
/// The same text reaches the webhook's denial, its warnings and every audit report.
public struct Finding: Sendable, Hashable {
    public var ruleID: String
    /// The rule's default, or the severity the rule gave this finding (``CheckContext/report(_:path:at:container:check:severity:)``);
    /// the engine replaces it with the policy's severity for the rule when the policy sets one.
    public var severity: Severity
    /// Set by the engine from the policy; `.deny` until then.
    public var action: Action = .deny
    /// A short reason and the exact offending detail, e.g.
    /// `container "app" must not set securityContext.privileged=true`.
    public var message: String
    /// The field path of the offending value, e.g. `spec.template.spec.containers[1].securityContext.privileged`.
    public var path: String
    public var position: SourcePosition
    /// The container the finding is about, when it is about one.
    public var container: String?
    public var image: String?
    public var object: ObjectRef
    /// For cross-object findings (audit only): the objects that prove the finding, in order, starting with
    /// the entry point (e.g. the exposed Service) and ending with the permission. Empty for per-object rules.
    public var chain: [ChainLink] = []
    /// The Pod Security Standards check id this finding fails (`privileged`, `runAsNonRoot`,
    /// `seccompProfile_restricted`...), set when the finding was judged by a PSS level; `nil` otherwise.
    public var check: String?
    /// Whether the rule's mechanical fix (``RuleDescription/fix``) applies, and how: 0 when it does not, else
    /// 1 + the number of the fix path's segments the object already has. With the rule and ``path`` that is
    /// all its JSON patch depends on (``FixIntent/patch(existingDepth:)``), so a report renders it without the
    /// object, and storing it costs a byte.
    public var fixDepth: UInt8 = 0

    public init(
        ruleID: String, severity: Severity, action: Action = .deny, message: String, path: String,
        position: SourcePosition, container: String?, image: String?, object: ObjectRef, check: String? = nil
    ) {
        self.ruleID = ruleID
        self.severity = severity
        self.action = action
        self.message = message
        self.path = path
        self.position = position
        self.container = container
        self.image = image
        self.object = object
        self.check = check
    }
}

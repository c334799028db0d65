import KubeModel

/// A rule that reports each `rules[]` entry of a Role or ClusterRole granting some verbs of ``permissions``,
/// once per entry, at `rules[i]`: "<reason>: rules[i] grants <verbs> on <resources>". Such a rule is its
/// ``RuleDescription``, its permissions and its reason; checking, and skipping Kubernetes' own roles unless
/// `includeSystem` is true, are shared.
public protocol PermissionGrantRule: Rule {
    /// The permissions whose grant is reported, in the order the message names them.
    static var permissions: [Permission] { get }

    /// The start of each message: what holding the permissions lets `object`'s subjects do.
    static func reason(_ object: KubeObject) -> String

    /// The severity of findings about `object`; `nil` (the default) keeps the rule's.
    static func severity(of object: KubeObject) -> Severity?

    /// Whether Kubernetes' own roles are checked too (the `includeSystem` parameter).
    var includeSystem: Bool { get }

    init(includeSystem: Bool)
}

extension PermissionGrantRule {
    public init(parameters: RuleParameters) {
        self.init(includeSystem: RoleChecks.includeSystem(parameters))
    }

    public static func severity(of object: KubeObject) -> Severity? { nil }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        RoleChecks.reportGrants(
            object, &context, includeSystem: includeSystem, permissions: Self.permissions,
            severity: Self.severity(of: object), reason: Self.reason(object))
    }
}

import GatehouseRules
import KubeModel

/// Findings a policy suppresses: those of the listed rules on objects and containers that match every
/// matcher given. An empty matcher list matches anything; a non-empty one needs one of its entries to match.
///
/// `containers` and `images` look at the container a finding names, so an exemption for the `istio-proxy`
/// sidecar leaves the same rule's findings on the application container standing. A finding about the pod
/// as a whole (no container) never matches an exemption that lists containers or images.
///
/// `users` and `groups` look at the actor of an alert: the effective identity (the impersonated user and
/// groups when the request impersonates; at admission, the request's user info). A finding about an object
/// has no actor, so an exemption that lists users or groups never matches one.
public struct Exemption: Sendable {
    /// Rule ids, or globs over them (`["*"]` for every rule).
    public var rules: [Glob]
    /// Namespace globs.
    public var namespaces: [Glob] = []
    /// Object name globs.
    public var names: [Glob] = []
    /// Object kinds, exactly as written in manifests (`Deployment`).
    public var kinds: [String] = []
    /// Matches the object's own `metadata.labels`.
    public var labelSelector: LabelSelector?
    /// Container name globs.
    public var containers: [Glob] = []
    /// Image references as a user writes them; see ``KubeModel/ImageReference/matches(_:)``.
    public var images: [String] = []
    /// User name globs, matched byte for byte against the alert's effective user
    /// (`system:serviceaccount:NS:NAME` for service accounts).
    public var users: [Glob] = []
    /// Group globs; one of the alert's effective groups must match.
    public var groups: [Glob] = []
    /// Why, as written; reports show it next to the findings it suppresses.
    public var reason: String?
    /// A name for reports to call the exemption by (`name:` in the policy file); reports fall back to its
    /// index in `exemptions`.
    public var name: String?
    /// Where the exemption is written, so a report can point at it.
    public var position: SourcePosition = .unknown

    public init(
        rules: [Glob], namespaces: [Glob] = [], names: [Glob] = [], kinds: [String] = [],
        labelSelector: LabelSelector? = nil, containers: [Glob] = [], images: [String] = [],
        users: [Glob] = [], groups: [Glob] = [], reason: String? = nil, name: String? = nil, position: SourcePosition = .unknown
    ) {
        self.rules = rules
        self.namespaces = namespaces
        self.names = names
        self.kinds = kinds
        self.labelSelector = labelSelector
        self.containers = containers
        self.images = images
        self.users = users
        self.groups = groups
        self.reason = reason
        self.name = name
        self.position = position
    }

    /// Whether the exemption is about rule `id` at all.
    public func covers(rule id: String) -> Bool { rules.anyMatches(id) }

    /// Whether the exemption looks at actors (`users` or `groups`): then it is for alerts only.
    public var namesActors: Bool { !users.isEmpty || !groups.isEmpty }

    /// Whether the actor matchers (users, groups) match the effective identity `user` with `groups`.
    func matchesActor(user: String, groups actorGroups: [String]) -> Bool {
        if !users.isEmpty, !users.anyMatches(user) { return false }
        if !groups.isEmpty, !actorGroups.contains(where: { groups.anyMatches($0) }) { return false }
        return true
    }

    /// Whether the object-level matchers (namespace, name, kind, labels) match.
    /// `labels` returns `nil` when the object's labels are unknown; a label selector then does not match.
    func matchesObject(kind: String, name: String, namespace: String?, labels: () -> [String: String]?) -> Bool {
        if !namespaces.isEmpty {
            guard let namespace, namespaces.anyMatches(namespace) else { return false }
        }
        if !names.isEmpty, !names.anyMatches(name) { return false }
        if !kinds.isEmpty, !kinds.contains(kind) { return false }
        if let labelSelector {
            guard let labels = labels(), labelSelector.matches(labels) else { return false }
        }
        return true
    }

    /// Whether the container-level matchers match the container `finding` names.
    func matchesContainer(of finding: Finding) -> Bool {
        if containers.isEmpty && images.isEmpty { return true }
        guard finding.container != nil || finding.image != nil else { return false }
        if !containers.isEmpty {
            guard let name = finding.container, containers.anyMatches(name) else { return false }
        }
        if !images.isEmpty {
            guard let written = finding.image, let image = ImageReference(written),
                images.contains(where: { image.matches($0) })
            else { return false }
        }
        return true
    }
}

/// Why a finding was suppressed: enough for a report to name the exemption and where it is written.
public enum ExemptionSource: Sendable, Hashable {
    /// The policy's `exemptions[index]`, with its optional `name`, its reason and where it is written.
    case policy(index: Int, name: String?, reason: String?, position: SourcePosition)
    /// The object's `gatehouse.io/exempt` annotation: its value as written, its `gatehouse.io/exempt-reason`,
    /// and whether it sits on the object's pod template rather than on the object itself.
    case annotation(value: String, reason: String?, onTemplate: Bool)

    /// The reason as written, if any.
    public var reason: String? {
        switch self {
        case .policy(_, _, let reason, _), .annotation(_, let reason, _): reason
        }
    }

    /// `policy` or `annotation`: the kind of exemption, as reports label it.
    public var kind: String {
        switch self {
        case .policy: "policy"
        case .annotation: "annotation"
        }
    }

    /// The exemption in a few words, the same in every report: `policy exemption "istio" (exemptions[1],
    /// line 128)`, or `annotation gatehouse.io/exempt: "pod-privileged" on the pod template`.
    public var label: String {
        switch self {
        case .policy(let index, let name, _, let position):
            let place = position == .unknown ? "exemptions[\(index)]" : "exemptions[\(index)], line \(position.line)"
            return name.map { "policy exemption \"\($0)\" (\(place))" } ?? "policy exemption \(place)"
        case .annotation(let value, _, let onTemplate):
            return "annotation \(AnnotationExemptions.exemptKey): \"\(value)\""
                + (onTemplate ? " on the pod template" : "")
        }
    }
}

/// A finding that an exemption suppressed: not enforced, but counted and listable in reports.
public struct ExemptedFinding: Sendable, Hashable {
    public var finding: Finding
    public var exemption: ExemptionSource

    public init(finding: Finding, exemption: ExemptionSource) {
        self.finding = finding
        self.exemption = exemption
    }
}

import KubeModel

/// One entry of a Role's or ClusterRole's `rules`, with Kubernetes RBAC matching semantics.
///
/// Matching follows `k8s.io/component-helpers/auth/rbac/validation` (`VerbMatches`, `APIGroupMatches`,
/// `ResourceMatches`, `ResourceNameMatches`, `NonResourceURLMatches`):
/// - `*` in verbs, apiGroups or resources matches anything;
/// - a resource is asked for in its combined form, `pods` or `pods/exec`. The rule entry `pods` does **not**
///   grant `pods/exec`; `*` grants every resource and subresource; `*/exec` grants the `exec` subresource of
///   every resource;
/// - an empty `resourceNames` grants every name; otherwise only the listed names (a request without a name,
///   such as `list` or `create`, is not granted by a rule with resourceNames);
/// - non-resource URLs match exactly, or by prefix when the rule entry ends in `*`.
///
/// Holds plain strings only (no reference to the source tree), so the cluster index can keep thousands of
/// them cheaply.
public struct PolicyRule: Sendable, Hashable {
    public var verbs: [String]
    public var apiGroups: [String]
    public var resources: [String]
    public var resourceNames: [String]
    public var nonResourceURLs: [String]
    /// Index of this entry in the role's `rules`, for field paths (`rules[2]`).
    public var index: Int

    public init(
        verbs: [String], apiGroups: [String] = [""], resources: [String] = [], resourceNames: [String] = [],
        nonResourceURLs: [String] = [], index: Int = 0
    ) {
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
        self.nonResourceURLs = nonResourceURLs
        self.index = index
    }

    /// Reads one `rules[]` entry. Non-string list items are ignored (they cannot match anything).
    public init(_ value: Value, index: Int) {
        func strings(_ key: String) -> [String] { value[key]?.items.compactMap(\.string) ?? [] }
        self.init(
            verbs: strings("verbs"), apiGroups: strings("apiGroups"), resources: strings("resources"),
            resourceNames: strings("resourceNames"), nonResourceURLs: strings("nonResourceURLs"), index: index)
    }

    /// The rules of a Role or ClusterRole object (`rules`), each with the Value it was read from.
    public static func rules(of object: KubeObject) -> [(rule: PolicyRule, value: Value)] {
        guard let list = object.root["rules"], list.isSequence else { return [] }
        return list.items.enumerated().compactMap { i, item in
            item.isMapping ? (PolicyRule(item, index: i), item) : nil
        }
    }

    public func matchesVerb(_ verb: String) -> Bool {
        verbs.contains { $0 == "*" || $0 == verb }
    }

    public func matchesGroup(_ group: String) -> Bool {
        apiGroups.contains { $0 == "*" || $0 == group }
    }

    /// `resource` in combined form: `pods`, `pods/exec`.
    public func matchesResource(_ resource: String) -> Bool {
        for entry in resources where entry == "*" || entry == resource { return true }
        // `*/exec` grants the exec subresource of every resource.
        guard let slash = resource.utf8.firstIndex(of: UInt8(ascii: "/")) else { return false }
        let subresource = resource.utf8[slash...]
        return resources.contains { entry in
            entry.utf8.first == UInt8(ascii: "*") && entry.utf8.dropFirst().elementsEqual(subresource)
        }
    }

    /// `name == nil` asks for "any object" (list, create, watch without a name).
    public func matchesName(_ name: String?) -> Bool {
        if resourceNames.isEmpty { return true }
        guard let name else { return false }
        return resourceNames.contains(name)
    }

    public func matchesNonResourceURL(_ url: String) -> Bool {
        nonResourceURLs.contains { entry in
            if entry == "*" || entry == url { return true }
            if entry.hasSuffix("*") { return url.hasPrefix(entry.dropLast()) }
            return false
        }
    }

    /// Whether this entry allows `verb` on `resource` (combined form) in `group`, for the object `name`
    /// (`nil`: a request without a name). Exactly the authorizer's decision for one rule.
    public func allows(verb: String, group: String, resource: String, name: String? = nil) -> Bool {
        matchesVerb(verb) && matchesGroup(group) && matchesResource(resource) && matchesName(name)
    }

    /// Whether this entry allows `verb` on `resource` for **some** object, ignoring resourceNames. Rules that
    /// look for dangerous permissions use this: a grant limited to named objects is still a grant.
    public func allowsSome(verb: String, group: String, resource: String) -> Bool {
        matchesVerb(verb) && matchesGroup(group) && matchesResource(resource)
    }

    public var isRestrictedToNames: Bool { !resourceNames.isEmpty }

    /// Whether this entry grants everything `other` grants, read literally: each of `other`'s verbs, groups,
    /// resources and URLs is listed here or covered by a `*` here, and a name restriction here is kept there.
    public func covers(_ other: PolicyRule) -> Bool {
        func within(_ mine: [String], _ theirs: [String]) -> Bool {
            mine.contains("*") || theirs.allSatisfy { mine.contains($0) }
        }
        let names = resourceNames.isEmpty || (!other.resourceNames.isEmpty && other.resourceNames.allSatisfy { resourceNames.contains($0) })
        return within(verbs, other.verbs) && within(apiGroups, other.apiGroups) && within(resources, other.resources)
            && within(nonResourceURLs, other.nonResourceURLs) && names
    }

    /// The verbs among `wanted` this entry allows on `resource` in `group` (any name), in `wanted`'s order.
    public func allowedVerbs(_ wanted: [String], group: String, resource: String) -> [String] {
        guard matchesGroup(group), matchesResource(resource) else { return [] }
        return wanted.filter(matchesVerb)
    }

    /// A one-line rendering such as `get, list secrets ("" group) names: a, b`.
    public var summary: String {
        var text = verbs.joined(separator: ",")
        if !resources.isEmpty {
            let groups = apiGroups.map { $0.isEmpty ? "\"\"" : $0 }.joined(separator: ",")
            text += " on \(resources.joined(separator: ",")) [apiGroups \(groups)]"
        }
        if !resourceNames.isEmpty { text += " names \(resourceNames.joined(separator: ","))" }
        if !nonResourceURLs.isEmpty { text += " urls \(nonResourceURLs.joined(separator: ","))" }
        return text
    }
}

/// One permission a rule looks for: some verbs on a resource of an API group.
public struct Permission: Sendable, Hashable {
    public let verbs: [String]
    public let group: String
    /// Combined form, `pods` or `pods/exec`.
    public let resource: String
    /// `create, update, patch on pods`: how a message names the whole permission, made once.
    public let text: String

    public init(_ verbs: [String], _ resource: String, group: String = "") {
        self.verbs = verbs
        self.group = group
        self.resource = resource
        self.text = Self.text(verbs, on: resource)
    }

    /// `get, list on secrets`.
    public static func text(_ verbs: [String], on resource: String) -> String {
        "\(verbs.joined(separator: ", ")) on \(resource)"
    }

    /// The verbs of this permission `rule` grants (for some object).
    public func granted(by rule: PolicyRule) -> [String] {
        rule.allowedVerbs(verbs, group: group, resource: resource)
    }
}

/// The object kinds that run pods, as RBAC resources: who may create them may run any image, with any
/// service account of the namespace.
public enum WorkloadResources {
    public static let all: [(group: String, resource: String)] = [
        ("", "pods"), ("", "replicationcontrollers"), ("", "podtemplates"),
        ("apps", "deployments"), ("apps", "replicasets"), ("apps", "statefulsets"), ("apps", "daemonsets"),
        ("batch", "jobs"), ("batch", "cronjobs"),
    ]
}

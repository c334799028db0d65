import KubeModel

/// Someone RBAC can grant permissions to.
///
/// Written `User:alice`, `Group:devs`, `ServiceAccount:namespace:name`, or the service account's user name
/// `system:serviceaccount:namespace:name`.
public struct Subject: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case user = "User", group = "Group", serviceAccount = "ServiceAccount"
    }

    public let kind: Kind
    public let name: String
    /// Service accounts only.
    public let namespace: String?

    public init(kind: Kind, name: String, namespace: String? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    /// Parses the textual forms above; `nil` with anything else.
    public init?(parsing text: String) {
        if text.hasPrefix("system:serviceaccount:") {
            let rest = text.dropFirst("system:serviceaccount:".count).split(separator: ":", omittingEmptySubsequences: false)
            guard rest.count == 2, !rest[0].isEmpty, !rest[1].isEmpty else { return nil }
            self.init(kind: .serviceAccount, name: String(rest[1]), namespace: String(rest[0]))
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let kindText = text[..<colon].lowercased()
        let rest = String(text[text.index(after: colon)...])
        guard !rest.isEmpty else { return nil }
        switch kindText {
        case "user": self.init(kind: .user, name: rest)
        case "group": self.init(kind: .group, name: rest)
        case "serviceaccount", "sa":
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
            self.init(kind: .serviceAccount, name: String(parts[1]), namespace: String(parts[0]))
        default: return nil
        }
    }

    public var description: String {
        kind == .serviceAccount ? "ServiceAccount:\(namespace ?? ""):\(name)" : "\(kind.rawValue):\(name)"
    }

    /// Does the binding subject `s` (in a binding of `bindingNamespace`) name this subject, directly or
    /// through one of `groups`? As `appliesToUser` in Kubernetes' RBAC authorizer.
    func isNamed(by s: BindingSubject, groups: Set<String>) -> Bool {
        switch s.kind {
        case "User": return s.name == userName
        case "Group": return groups.contains(s.name)
        case "ServiceAccount":
            return kind == .serviceAccount && s.name == name && s.namespace == namespace
        default: return false
        }
    }

    /// The user name the API server sees.
    public var userName: String {
        kind == .serviceAccount ? "system:serviceaccount:\(namespace ?? ""):\(name)" : name
    }

    /// The groups the API server puts an authenticated subject in: for service accounts
    /// `system:serviceaccounts`, `system:serviceaccounts:<ns>` and `system:authenticated`; for users
    /// `system:authenticated` plus `extraGroups` (which only the identity provider knows).
    public func groups(extra: [String] = []) -> Set<String> {
        switch kind {
        case .group: return [name]
        case .user: return Set(extra + ["system:authenticated"])
        case .serviceAccount:
            return ["system:serviceaccounts", "system:serviceaccounts:\(namespace ?? "")", "system:authenticated"]
        }
    }
}

/// A request to authorize: a verb on a resource (combined form, `pods/exec`) of an API group, in a
/// namespace (`nil`: cluster-scoped, or "in every namespace"), optionally for one named object; or a verb on a
/// non-resource URL such as `/metrics`.
public struct AccessRequest: Sendable, Hashable {
    public var verb: String
    public var group: String
    public var resource: String
    public var namespace: String?
    public var name: String?
    /// Set for non-resource requests (`get /healthz`); `resource` and `group` are then ignored.
    public var nonResourceURL: String?

    public init(verb: String, group: String = "", resource: String, namespace: String? = nil, name: String? = nil) {
        self.verb = verb
        self.group = group
        self.resource = resource
        self.namespace = namespace
        self.name = name
    }

    /// A request for a non-resource URL. Only ClusterRoleBindings grant these.
    public init(verb: String, nonResourceURL: String) {
        self.init(verb: verb, resource: "")
        self.nonResourceURL = nonResourceURL
    }

    /// The resource without its subresource (`pods` for `pods/exec`).
    public var baseResource: String { String(resource.split(separator: "/", maxSplits: 1).first ?? "") }
}

/// One way a subject holds a permission: the binding, the role it points to, and the rule that matches.
public struct Grant: Sendable, Hashable {
    public let binding: Anchor
    public let bindingKind: String
    public let bindingName: String
    /// Where the grant applies: `nil` for every namespace (ClusterRoleBinding), else the RoleBinding's namespace.
    public let namespace: String?
    public let role: Anchor?
    public let roleKind: String
    public let roleName: String
    /// When the rule came from another ClusterRole through aggregation: that ClusterRole's name.
    public let aggregatedFrom: String?
    /// The role is not among the inputs: it is one of Kubernetes' defaults, which every cluster has
    /// (`role` is then `nil`).
    public let roleIsBuiltIn: Bool
    public let rule: PolicyRule
    /// The binding subject this grant was found through (for who-can), e.g. `Group:devs`.
    public let subject: BindingSubject

    public var scope: String { namespace.map { "namespace \($0)" } ?? "cluster-wide" }

    /// `ClusterRoleBinding x → ClusterRole y rules[0]` (with the aggregated ClusterRole when there is one).
    public var path: String {
        var text = "\(bindingKind) \(namespace.map { "\($0)/" } ?? "")\(bindingName) → \(roleKind) "
        if roleKind == "Role", let namespace { text += "\(namespace)/" }
        text += roleName
        if roleIsBuiltIn { text += " (built in)" }
        if let aggregatedFrom { return text + " (aggregated from ClusterRole \(aggregatedFrom) rules[\(rule.index)])" }
        return text + " rules[\(rule.index)]"
    }

    /// The objects that prove this grant, from binding to role.
    public var chain: [ChainLink] {
        var detail = "binds \(subject.text) to \(roleKind) \(roleName), \(scope)"
        if roleIsBuiltIn {
            detail += "; the role is Kubernetes' own (\(KubernetesDefaults.sourceName)), "
                + (aggregatedFrom.map { "aggregated from ClusterRole \($0) " } ?? "") + "rules[\(rule.index)]: \(rule.summary)"
        }
        var links = [ChainLink(object: binding.ref, detail: detail)]
        if let role {
            let detail = aggregatedFrom.map { "aggregated from ClusterRole \($0) rules[\(rule.index)]: \(rule.summary)" }
                ?? "rules[\(rule.index)]: \(rule.summary)"
            links.append(ChainLink(object: role.ref, detail: detail))
        }
        return links
    }
}

/// Roles with aggregation resolved and bindings indexed by subject: answers "who can" and "what can".
///
/// Semantics as Kubernetes' RBAC authorizer: a ClusterRoleBinding grants its role in every namespace and on
/// cluster-scoped resources; a RoleBinding grants its Role, or a ClusterRole, only in its own namespace and
/// never on cluster-scoped resources; a ClusterRole with an aggregationRule holds the rules of every ClusterRole
/// whose labels match one of its selectors (transitively, as the aggregation controller converges); bindings
/// to missing roles grant nothing. Roles that no input defines but Kubernetes creates in every cluster
/// (``KubernetesDefaults``: cluster-admin, admin, edit, view...) are known with their default rules.
public struct RBACGraph: Sendable {
    /// A role's rules, each with the ClusterRole it was aggregated from (`nil` for its own).
    struct ResolvedRole: Sendable {
        let entry: RoleEntry
        let rules: [(rule: PolicyRule, from: String?)]
        /// Taken from ``KubernetesDefaults`` because no input defines the role.
        let isBuiltIn: Bool
    }

    let clusterRoles: [String: ResolvedRole]
    let roles: [String: ResolvedRole]
    /// Bindings in input order (sorted where order shows: who-can output, finding chains).
    let bindings: [BindingEntry]
    /// Binding indexes by subject key (``BindingSubject/text``, or `User:<name>` for service accounts named
    /// by their user name), so a subject's grants are found without scanning every binding.
    let bindingsBySubject: [String: [Int]]

    public init(_ index: ClusterIndex) {
        var plain: [String: RoleEntry] = [:]
        var namespaced: [String: ResolvedRole] = [:]
        // With duplicate names (two inputs disagreeing), the first in source order wins, whatever the input order.
        func earlier(_ a: RoleEntry, than b: RoleEntry) -> Bool { a.anchor.ref.source < b.anchor.ref.source }
        for role in index.roles {
            if role.isClusterRole {
                if let existing = plain[role.name], !earlier(role, than: existing) { continue }
                plain[role.name] = role
            } else {
                let key = "\(role.namespace ?? "")/\(role.name)"
                if let existing = namespaced[key], !earlier(role, than: existing.entry) { continue }
                namespaced[key] = ResolvedRole(entry: role, rules: role.rules.map { ($0, nil) }, isBuiltIn: false)
            }
        }
        // Every cluster has Kubernetes' default roles; an input's definition of one (an export) wins.
        var builtIn = Set<String>()
        for role in KubernetesDefaults.roles {
            if role.isClusterRole {
                guard plain[role.name] == nil else { continue }
                plain[role.name] = role
                builtIn.insert(role.name)
            } else {
                let key = "\(role.namespace ?? "")/\(role.name)"
                guard namespaced[key] == nil else { continue }
                namespaced[key] = ResolvedRole(entry: role, rules: role.rules.map { ($0, nil) }, isBuiltIn: true)
            }
        }
        let byName = plain.values.sorted { $0.name < $1.name }
        var resolved: [String: ResolvedRole] = [:]
        for (name, role) in plain {
            resolved[name] = ResolvedRole(entry: role, rules: Self.aggregate(role, byName), isBuiltIn: builtIn.contains(name))
        }
        clusterRoles = resolved
        roles = namespaced
        bindings = index.bindings
        var bySubject: [String: [Int]] = [:]
        for (i, binding) in index.bindings.enumerated() {
            for subject in binding.subjects {
                let key = subject.text
                if bySubject[key]?.last != i { bySubject[key, default: []].append(i) }
            }
        }
        bindingsBySubject = bySubject
    }

    /// Own rules plus, for aggregating ClusterRoles, the rules of every matching ClusterRole, transitively.
    /// `all` is sorted by name, so the result does not depend on input order. In an export the aggregation
    /// controller has already copied the matched rules into the role; such a copy is attributed to the
    /// ClusterRole it came from, which is what an auditor wants to see.
    static func aggregate(_ role: RoleEntry, _ all: [RoleEntry]) -> [(rule: PolicyRule, from: String?)] {
        guard !role.aggregationSelectors.isEmpty else { return role.rules.map { ($0, nil) } }
        var result: [(PolicyRule, String?)] = []
        var seen: Set<String> = [role.name]
        var queue = [role]
        var seenRules = Set<RuleKey>()
        while let current = queue.popLast() {
            for candidate in all where !seen.contains(candidate.name) {
                guard current.aggregationSelectors.contains(where: { $0.matches(candidate.labels) }) else { continue }
                seen.insert(candidate.name)
                queue.append(candidate)
                for rule in candidate.rules where seenRules.insert(RuleKey(rule)).inserted {
                    result.append((rule, candidate.name))
                }
            }
        }
        let own = role.rules.filter { seenRules.insert(RuleKey($0)).inserted }.map { ($0, String?.none) }
        return own + result
    }

    /// A rule without its index, so the same rule aggregated twice counts once.
    struct RuleKey: Hashable {
        let verbs, groups, resources, names, urls: [String]
        init(_ r: PolicyRule) {
            verbs = r.verbs
            groups = r.apiGroups
            resources = r.resources
            names = r.resourceNames
            urls = r.nonResourceURLs
        }
    }

    /// The role a binding points to, with its resolved rules; `nil` when it is neither in the input nor one of
    /// the modelled defaults.
    func role(of binding: BindingEntry) -> ResolvedRole? {
        switch binding.roleKind {
        case "ClusterRole": return clusterRoles[binding.roleName]
        case "Role":
            guard let namespace = binding.namespace else { return nil }
            return roles["\(namespace)/\(binding.roleName)"]
        default: return nil
        }
    }

    /// Every rule granted to `subject` (with `extraGroups` for users), with where it applies.
    /// In binding source order.
    public func grants(to subject: Subject, extraGroups: [String] = []) -> [Grant] {
        bindings(naming: subject, extraGroups: extraGroups).flatMap { grants(of: $0.binding, through: $0.subject) }
    }

    /// The bindings that name `subject` (directly or through its groups), each with the first binding subject
    /// that does, in binding source order.
    func bindings(naming subject: Subject, extraGroups: [String] = []) -> [(binding: BindingEntry, subject: BindingSubject)] {
        let groups = subject.groups(extra: extraGroups)
        var keys = ["User:\(subject.userName)"] + groups.map { "Group:\($0)" }
        if subject.kind == .serviceAccount { keys.append(subject.description) }
        var candidates = Set<Int>()
        for key in keys { candidates.formUnion(bindingsBySubject[key] ?? []) }
        return candidates.sorted(by: { bindings[$0].anchor.ref < bindings[$1].anchor.ref }).compactMap { i in
            let binding = bindings[i]
            return binding.subjects.first(where: { subject.isNamed(by: $0, groups: groups) }).map { (binding, $0) }
        }
    }

    /// The bindings naming `subject` whose role this graph does not know (see ``unknownRoleNote(_:)``).
    public func unknownRoles(of subject: Subject, extraGroups: [String] = [], namespace: String? = nil) -> [String] {
        unknownRoleNotes(bindings(naming: subject, extraGroups: extraGroups).map(\.binding), namespace: namespace)
    }

    /// The bindings that apply in `namespace` (every binding when `nil`) whose role this graph does not know.
    public func unknownRoles(namespace: String?) -> [String] {
        unknownRoleNotes(bindings, namespace: namespace)
    }

    func unknownRoleNotes(_ candidates: [BindingEntry], namespace: String?) -> [String] {
        candidates
            .filter { role(of: $0) == nil && (namespace == nil || $0.namespace == nil || $0.namespace == namespace) }
            .sorted { $0.anchor.ref < $1.anchor.ref }
            .map(Self.unknownRoleNote)
    }

    /// Why a binding grants nothing in the answers: `RoleBinding shop/x points at Role y, which is neither
    /// built in nor in the input: what it grants is unknown`.
    static func unknownRoleNote(_ binding: BindingEntry) -> String {
        let kind = binding.isClusterBinding ? "ClusterRoleBinding" : "RoleBinding"
        var role = "\(binding.roleKind) \(binding.roleName)"
        if binding.roleKind == "Role", let namespace = binding.namespace { role = "Role \(namespace)/\(binding.roleName)" }
        let known = binding.roleKind == "ClusterRole" && KubernetesDefaults.clusterRoleNames.contains(binding.roleName)
        return "\(kind) \(binding.namespace.map { "\($0)/" } ?? "")\(binding.name) points at \(role), which is "
            + (known ? "a Kubernetes default whose rules are not modelled and not in the input" : "neither built in nor in the input")
            + ": what it grants is unknown"
    }

    func grants(of binding: BindingEntry, through subject: BindingSubject) -> [Grant] {
        guard let role = role(of: binding) else { return [] }
        return role.rules.map { rule, from in Self.grant(binding, role, rule, from: from, through: subject) }
    }

    static func grant(
        _ binding: BindingEntry, _ role: ResolvedRole, _ rule: PolicyRule, from: String?, through subject: BindingSubject
    ) -> Grant {
        Grant(
            binding: binding.anchor, bindingKind: binding.isClusterBinding ? "ClusterRoleBinding" : "RoleBinding",
            bindingName: binding.name, namespace: binding.namespace, role: role.isBuiltIn ? nil : role.entry.anchor,
            roleKind: binding.roleKind, roleName: binding.roleName, aggregatedFrom: from, roleIsBuiltIn: role.isBuiltIn,
            rule: rule, subject: subject)
    }



    /// Whether `grant` covers `request` (namespace scope, cluster-scoped resources, verb, group, resource, name).
    /// `anyName`: accept rules limited by resourceNames even when the request names no object (who-can then
    /// lists them as "only names: ...").
    public static func covers(_ grant: Grant, _ request: AccessRequest, anyName: Bool = false) -> Bool {
        if let url = request.nonResourceURL {
            return grant.namespace == nil && grant.rule.matchesVerb(request.verb) && grant.rule.matchesNonResourceURL(url)
        }
        if let scope = grant.namespace {
            if ClusterScope.isClusterScoped(request.baseResource, group: request.group) { return false }
            if let wanted = request.namespace, wanted != scope { return false }
        }
        let rule = grant.rule
        guard rule.matchesVerb(request.verb), rule.matchesGroup(request.group), rule.matchesResource(request.resource)
        else { return false }
        return anyName ? true : rule.matchesName(request.name)
    }

    /// Whether `subject` may do `request` (any grant covers it). With `request.namespace == nil` on a
    /// namespaced resource, only cluster-wide grants count (as `kubectl auth can-i --all-namespaces`).
    public func allows(_ subject: Subject, _ request: AccessRequest, extraGroups: [String] = []) -> Bool {
        grants(to: subject, extraGroups: extraGroups).contains { grant in
            if request.namespace == nil && grant.namespace != nil { return false }
            return Self.covers(grant, request)
        }
    }

    /// One answer of `who-can`: a binding subject and the grants through which it may do the request.
    public struct WhoCanEntry: Sendable {
        public let subject: BindingSubject
        public let grant: Grant
        /// The rule limits the grant to these object names (the request named none).
        public var onlyNames: [String] { grant.rule.resourceNames }
    }

    /// The binding subjects that may do `request`, with the binding, role and rule of each grant.
    ///
    /// With a namespace: ClusterRoleBindings and that namespace's RoleBindings. Without (`nil`): for a
    /// namespaced resource, every grant, each with its scope (cluster-wide, or the RoleBinding's namespace);
    /// for a cluster-scoped resource, ClusterRoleBindings only. When the request names no object, rules with
    /// resourceNames are included and say which names they are limited to.
    public func whoCan(_ request: AccessRequest) -> [WhoCanEntry] {
        var result: [WhoCanEntry] = []
        for binding in bindings {
            guard let role = role(of: binding) else { continue }
            for subject in binding.subjects {
                for (rule, from) in role.rules {
                    let grant = Self.grant(binding, role, rule, from: from, through: subject)
                    if Self.covers(grant, request, anyName: request.name == nil) {
                        result.append(WhoCanEntry(subject: subject, grant: grant))
                    }
                }
            }
        }
        return result.sorted { ($0.subject.text, $0.grant.path) < ($1.subject.text, $1.grant.path) }
    }
}

/// Built-in cluster-scoped resources: a RoleBinding never grants them, whatever its role says.
public enum ClusterScope {
    static let resources: Set<String> = [
        "nodes", "namespaces", "persistentvolumes", "clusterroles", "clusterrolebindings", "storageclasses",
        "customresourcedefinitions", "certificatesigningrequests", "mutatingwebhookconfigurations",
        "validatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings",
        "priorityclasses", "csidrivers", "csinodes", "runtimeclasses", "apiservices", "ingressclasses",
        "volumeattachments", "podsecuritypolicies", "tokenreviews", "subjectaccessreviews",
        "selfsubjectaccessreviews", "selfsubjectrulesreviews", "componentstatuses", "users", "groups",
        "signers", "flowschemas", "prioritylevelconfigurations",
    ]

    /// `namespaces` is excluded: a RoleBinding may grant `get` on its own namespace object. Custom resources
    /// are assumed namespaced.
    public static func isClusterScoped(_ resource: String, group: String) -> Bool {
        resource != "namespaces" && resources.contains(resource)
    }
}

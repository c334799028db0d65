import KubeModel

/// A resource as a user writes it on the command line: `secrets`, `pods/exec`, `deployments.apps`,
/// `deployments.v1.apps` or `cronjobs.batch/status`, resolved to an API group and the combined
/// `resource/subresource` form RBAC matches.
public struct ResourceSpec: Sendable, Hashable, CustomStringConvertible {
    public let resource: String
    public let group: String

    /// `group`: an explicit API group (overrides the one in the text). Without one, a `resource.group` suffix is
    /// used, else the group of a well-known built-in resource, else the core group (as for CRDs you must then
    /// write `widgets.example.com`).
    public init(_ text: String, subresource: String? = nil, group explicitGroup: String? = nil) {
        var base = text.lowercased()
        var sub: String? = subresource.map { $0.lowercased() }
        if let slash = base.firstIndex(of: "/") {
            if sub == nil { sub = String(base[base.index(after: slash)...]) }
            base = String(base[..<slash])
        }
        var group = ""
        if let dot = base.firstIndex(of: ".") {
            group = String(base[base.index(after: dot)...])
            base = String(base[..<dot])
            // `deployments.v1.apps`: drop the version.
            if let versionDot = group.firstIndex(of: "."), group[..<versionDot].first == "v",
                group[..<versionDot].dropFirst().first?.isNumber == true
            {
                group = String(group[group.index(after: versionDot)...])
            }
        } else if base != "*" {
            group = Self.knownGroups[base] ?? ""
        }
        if let explicitGroup { group = explicitGroup }
        self.group = group
        self.resource = sub.map { "\(base)/\($0)" } ?? base
    }

    public var description: String { group.isEmpty ? resource : "\(resource) (\(group))" }

    /// Built-in resources outside the core group, by plural name.
    static let knownGroups: [String: String] = [
        "deployments": "apps", "replicasets": "apps", "statefulsets": "apps", "daemonsets": "apps",
        "controllerrevisions": "apps", "jobs": "batch", "cronjobs": "batch",
        "roles": "rbac.authorization.k8s.io", "rolebindings": "rbac.authorization.k8s.io",
        "clusterroles": "rbac.authorization.k8s.io", "clusterrolebindings": "rbac.authorization.k8s.io",
        "networkpolicies": "networking.k8s.io", "ingresses": "networking.k8s.io", "ingressclasses": "networking.k8s.io",
        "endpointslices": "discovery.k8s.io", "storageclasses": "storage.k8s.io", "csidrivers": "storage.k8s.io",
        "volumeattachments": "storage.k8s.io", "customresourcedefinitions": "apiextensions.k8s.io",
        "mutatingwebhookconfigurations": "admissionregistration.k8s.io",
        "validatingwebhookconfigurations": "admissionregistration.k8s.io",
        "certificatesigningrequests": "certificates.k8s.io", "signers": "certificates.k8s.io",
        "horizontalpodautoscalers": "autoscaling", "poddisruptionbudgets": "policy",
        "priorityclasses": "scheduling.k8s.io", "leases": "coordination.k8s.io", "tokenreviews": "authentication.k8s.io",
        "subjectaccessreviews": "authorization.k8s.io", "apiservices": "apiregistration.k8s.io",
        "runtimeclasses": "node.k8s.io",
    ]
}

/// `gatehouse who-can` and `gatehouse access` answers, rendered as text.
public enum AccessQueries {
    /// The lines of a who-can answer: one per subject and grant, sorted by subject.
    ///
    /// `SUBJECT  SCOPE  VIA` where VIA is `binding → role rules[i]`, with `only names: a, b` when the rule is
    /// limited to some objects and the request named none.
    public static func whoCanLines(_ graph: RBACGraph, _ request: AccessRequest) -> [String] {
        let entries = graph.whoCan(request)
        let rows = entries.map { entry -> [String] in
            var via = entry.grant.path
            if request.name == nil, !entry.onlyNames.isEmpty { via += " only names: \(entry.onlyNames.joined(separator: ", "))" }
            return [entry.subject.text, entry.grant.scope, via]
        }
        return table(["SUBJECT", "SCOPE", "VIA"], rows)
    }

    /// The lines of an access answer: every rule granted to `subject`, with scope and the binding and role
    /// that grant it, like `kubectl auth can-i --list --as`, across all namespaces.
    public static func accessLines(
        _ graph: RBACGraph, _ subject: Subject, extraGroups: [String] = [], namespace: String? = nil
    ) -> [String] {
        let grants = graph.grants(to: subject, extraGroups: extraGroups)
            .filter { namespace == nil || $0.namespace == nil || $0.namespace == namespace }
            .sorted { ($0.namespace ?? "", $0.path) < ($1.namespace ?? "", $1.path) }
        let rows = grants.map { grant -> [String] in
            let r = grant.rule
            let resources: String
            if !r.nonResourceURLs.isEmpty {
                resources = "urls " + r.nonResourceURLs.joined(separator: ",")
            } else {
                let groups = r.apiGroups.map { $0.isEmpty ? "core" : $0 }.joined(separator: ",")
                resources = r.resources.joined(separator: ",") + " [\(groups)]"
            }
            let names = r.resourceNames.isEmpty ? "" : r.resourceNames.joined(separator: ",")
            return [grant.scope, r.verbs.joined(separator: ","), resources, names, "\(grant.path) (as \(grant.subject.text))"]
        }
        return table(["SCOPE", "VERBS", "RESOURCES", "NAMES", "VIA"], rows)
    }

    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        guard !rows.isEmpty else { return [] }
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ").trimmingTrailingSpaces
        }
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// One grant as structured data, for `--output json`.
public struct GrantRecord: Sendable, Codable, Hashable {
    /// The binding subject the grant goes through: `User:alice`, `Group:devs`, `ServiceAccount:ns:name`.
    public let subject: String
    /// `cluster-wide` or `namespace X`.
    public let scope: String
    /// The RoleBinding's namespace; absent for ClusterRoleBindings.
    public let namespace: String?
    public let bindingKind: String
    public let binding: String
    public let roleKind: String
    public let role: String
    /// `true` when the role is one of Kubernetes' defaults that no input defines; absent otherwise.
    public let roleIsBuiltIn: Bool?
    /// The ClusterRole the rule was aggregated from, if not the role itself.
    public let aggregatedFrom: String?
    public let ruleIndex: Int
    public let verbs: [String]
    public let apiGroups: [String]
    public let resources: [String]
    public let resourceNames: [String]
    public let nonResourceURLs: [String]
    /// The file the binding was read from.
    public let source: String

    public init(_ grant: Grant) {
        subject = grant.subject.text
        scope = grant.scope
        namespace = grant.namespace
        bindingKind = grant.bindingKind
        binding = grant.bindingName
        roleKind = grant.roleKind
        role = grant.roleName
        roleIsBuiltIn = grant.roleIsBuiltIn ? true : nil
        aggregatedFrom = grant.aggregatedFrom
        ruleIndex = grant.rule.index
        verbs = grant.rule.verbs
        apiGroups = grant.rule.apiGroups
        resources = grant.rule.resources
        resourceNames = grant.rule.resourceNames
        nonResourceURLs = grant.rule.nonResourceURLs
        source = grant.binding.ref.source.file
    }
}

extension AccessQueries {
    /// who-can's answer as records, in the order of ``whoCanLines(_:_:)``.
    public static func whoCanRecords(_ graph: RBACGraph, _ request: AccessRequest) -> [GrantRecord] {
        graph.whoCan(request).map { GrantRecord($0.grant) }
    }

    /// access's answer as records, in the order of ``accessLines(_:_:extraGroups:namespace:)``.
    public static func accessRecords(
        _ graph: RBACGraph, _ subject: Subject, extraGroups: [String] = [], namespace: String? = nil
    ) -> [GrantRecord] {
        graph.grants(to: subject, extraGroups: extraGroups)
            .filter { namespace == nil || $0.namespace == nil || $0.namespace == namespace }
            .sorted { ($0.namespace ?? "", $0.path) < ($1.namespace ?? "", $1.path) }
            .map(GrantRecord.init)
    }
}

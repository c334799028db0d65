import KubeModel
import Testing

@testable import GatehouseRules

/// Which RBAC objects count as Kubernetes' own: those a cluster would have made (the bootstrap label, a default's
/// name, and for bindings its role and subjects), never a `system:` name or the label alone.
struct KubernetesDefaultsTests {
    static func object(_ yaml: String) throws -> KubeObject {
        try #require(Manifests.loadYAML(yaml).objects.first)
    }

    static let label = "labels: {kubernetes.io/bootstrapping: rbac-defaults}"

    @Test(arguments: [
        // A real default ClusterRole, Role and bindings, as an export shows them.
        ("ClusterRole", "{name: \"system:controller:job-controller\", \(label)}", "", true),
        ("Role", "{name: extension-apiserver-authentication-reader, namespace: kube-system, \(label)}", "", true),
        ("ClusterRoleBinding", "{name: cluster-admin, \(label)}", "ClusterRole/cluster-admin Group/system:masters", true),
        (
            "RoleBinding", "{name: \"system:controller:token-cleaner\", namespace: kube-system, \(label)}",
            "Role/system:controller:token-cleaner ServiceAccount/token-cleaner", true
        ),
        // A system: name without the label, the label on a made-up name, a default Role in another namespace.
        ("ClusterRole", "{name: \"system:evil\"}", "", false),
        ("ClusterRole", "{name: \"system:evil\", \(label)}", "", false),
        ("ClusterRole", "{name: admin}", "", false),
        ("Role", "{name: extension-apiserver-authentication-reader, namespace: shop, \(label)}", "", false),
        // A default binding's name with another role or another subject.
        ("ClusterRoleBinding", "{name: \"system:backdoor\", \(label)}", "ClusterRole/cluster-admin Group/system:authenticated", false),
        ("ClusterRoleBinding", "{name: \"system:discovery\", \(label)}", "ClusterRole/cluster-admin Group/system:authenticated", false),
        ("ClusterRoleBinding", "{name: cluster-admin, \(label)}", "ClusterRole/cluster-admin User/mallory", false),
    ])
    func builtIn(_ kind: String, _ metadata: String, _ binding: String, _ expected: Bool) throws {
        var yaml = "apiVersion: rbac.authorization.k8s.io/v1\nkind: \(kind)\nmetadata: \(metadata)\n"
        let parts = binding.split(separator: " ").map { $0.split(separator: "/", maxSplits: 1).map(String.init) }
        if parts.count == 2 {
            yaml += "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: \(parts[0][0]), name: \"\(parts[0][1])\"}\n"
            let namespace = parts[1][0] == "ServiceAccount" ? ", namespace: kube-system" : ""
            yaml += "subjects: [{kind: \(parts[1][0]), name: \"\(parts[1][1])\"\(namespace)}]\n"
        }
        #expect(RoleChecks.isBuiltIn(try Self.object(yaml)) == expected, "\(yaml)")
    }

    static let basicUser = """
        - {apiGroups: [authorization.k8s.io], resources: [selfsubjectaccessreviews, selfsubjectrulesreviews], verbs: [create]}
        - {apiGroups: [authentication.k8s.io], resources: [selfsubjectreviews], verbs: [create]}
        """
    static let aggregateToView = "{clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-view: \"true\"}}]}"

    /// A default role edited in place (anyone who may update RBAC objects can) is judged like a user's: rules
    /// beyond the default's, or an aggregating default whose selectors now pick other roles. Untouched defaults,
    /// and the smaller rule sets of older Kubernetes versions, are still Kubernetes' own.
    @Test(arguments: [
        ("view", "aggregationRule: \(aggregateToView)", true),
        // Aggregating every role labelled rbac-defaults, cluster-admin included, into view.
        ("view", "aggregationRule: {clusterRoleSelectors: [{matchLabels: {kubernetes.io/bootstrapping: rbac-defaults}}]}", false),
        ("view", "rules: []", false),
        ("\"system:basic-user\"", "rules:\n\(basicUser)", true),
        // An older version's rules (before selfsubjectreviews) are a subset.
        (
            "\"system:basic-user\"",
            "rules: [{apiGroups: [authorization.k8s.io], resources: [selfsubjectaccessreviews], verbs: [create]}]", true
        ),
        ("\"system:basic-user\"", "rules:\n\(basicUser)\n- {apiGroups: [\"*\"], resources: [\"*\"], verbs: [\"*\"]}", false),
        ("\"system:basic-user\"", "rules: [{apiGroups: [authorization.k8s.io], resources: [selfsubjectaccessreviews], verbs: [create, delete]}]", false),
        ("\"system:basic-user\"", "rules: [{apiGroups: [\"\"], resources: [secrets], verbs: [get]}]", false),
        ("\"system:basic-user\"", "rules: [{nonResourceURLs: [\"*\"], verbs: [get]}]", false),
    ])
    func editedDefaultRole(_ name: String, _ body: String, _ expected: Bool) throws {
        let yaml = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: \(name), \(Self.label)}\n\(body)\n"
        #expect(RoleChecks.isBuiltIn(try Self.object(yaml)) == expected, "\(yaml)")
    }

    /// A default Role's name restriction is part of what it grants: dropping it grants every ConfigMap.
    @Test func defaultRoleWithoutItsNameRestriction() throws {
        let yaml = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: extension-apiserver-authentication-reader, namespace: kube-system, \(Self.label)}
            rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}]
            """
        #expect(!RoleChecks.isBuiltIn(try Self.object(yaml)))
    }

    /// The modelled roles parse, are all defaults by the same test, and are the ones the name list promises.
    @Test func modelledRolesAreTheListedDefaults() {
        let clusterRoles = KubernetesDefaults.roles.filter(\.isClusterRole)
        #expect(clusterRoles.map(\.name).sorted() == KubernetesDefaults.modelledClusterRoles.sorted())
        #expect(KubernetesDefaults.roles.allSatisfy { $0.isBuiltIn })
        let roles = KubernetesDefaults.roles.filter { !$0.isClusterRole }.map { "\($0.namespace ?? "")/\($0.name)" }
        #expect(Set(roles) == KubernetesDefaults.roleNames)
        let plain = KubernetesDefaults.roles.filter { $0.aggregationSelectors.isEmpty }
        #expect(plain.allSatisfy { !$0.rules.isEmpty })
    }
}

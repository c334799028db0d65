import GatehouseEngine
import GatehouseRules
import KubeModel
import Testing

/// The RBAC, network and service rules decide at admission through the same engine as the audit.
struct AdmissionRulesTests {
    static func findings(_ yaml: String, policy: Policy = Policy()) throws -> [Finding] {
        let object = try #require(Manifests.loadYAML(yaml).objects.first)
        return try Engine(policy: policy).evaluate(object)
    }

    @Test func bindingEveryoneIsDenied() throws {
        let f = try Self.findings("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: open}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects: [{kind: Group, name: "system:authenticated"}]
            """)
        // cluster-admin also holds exec and attach into every pod (`*`), which rbac-pod-exec-attach reports at roleRef.
        #expect(f.map(\.ruleID) == ["rbac-cluster-admin-binding", "rbac-pod-exec-attach", "rbac-privileged-groups-binding"])
        #expect(f.map(\.action) == [.warn, .warn, .deny])
        #expect(f[1].path == "roleRef")
        #expect(f[1].message == "ClusterRoleBinding grants ClusterRole cluster-admin, which can exec and attach into pods, "
            + "in every namespace to Group:system:authenticated")
        #expect(f.last?.message == "ClusterRoleBinding grants cluster-admin to Group:system:authenticated, which is everyone or bypasses RBAC")
    }

    @Test func publicLoadBalancerWarns() throws {
        let f = try Self.findings("""
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop}
            spec: {type: LoadBalancer, selector: {app: postgres}, ports: [{port: 5432}], externalIPs: [1.2.3.4]}
            """)
        #expect(f.map(\.ruleID) == ["svc-external-ips", "svc-lb-internal", "svc-lb-source-ranges", "svc-sensitive-exposure", "svc-sensitive-exposure"])
        #expect(f.map(\.action) == [.deny, .warn, .warn, .warn, .warn])
    }

    /// Kubernetes' own roles (the bootstrap label and a default's name) are skipped; a `system:` name alone
    /// is anyone's to choose and is checked.
    @Test func systemRolesAreSkippedUnlessAsked() throws {
        let role = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: "system:controller:namespace-controller", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
            rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
            """
        #expect(try Self.findings(role).isEmpty)
        let lookalike = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: "system:controller:x"}
            rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
            """
        #expect(try Self.findings(lookalike).map(\.ruleID) == ["rbac-secrets-access"])
        var policy = Policy()
        policy.rules["rbac-secrets-access"] = RuleSettings(parameters: ParsedYAML.firstDocument("includeSystem: true"))
        #expect(try Self.findings(role, policy: policy).map(\.ruleID) == ["rbac-secrets-access"])
    }

    /// A default role edited in place to grant more than Kubernetes gives it is checked like anyone's.
    @Test func editedDefaultRoleIsChecked() throws {
        let role = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: "system:basic-user", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
            rules:
            - {apiGroups: [authorization.k8s.io], resources: [selfsubjectaccessreviews, selfsubjectrulesreviews], verbs: [create]}
            - {apiGroups: [""], resources: [secrets], verbs: [get]}
            """
        #expect(try Self.findings(role).map(\.ruleID) == ["rbac-secrets-access"])
    }

    @Test func allowedPortsIsOffUnlessEnabled() throws {
        let service = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {selector: {app: web}, ports: [{port: 8081}]}
            """
        #expect(try Self.findings(service).isEmpty)
        var policy = Policy()
        policy.rules["svc-allowed-ports"] = RuleSettings(action: .warn)
        #expect(try Self.findings(service, policy: policy).map(\.path) == ["spec.ports[0].port"])
    }
}

/// API audit log entries have no metadata: they are known by their audit ID and belong to the namespace of the
/// request they record, so the policy's namespace exclusions apply to them as they do at admission.
struct AuditLogEntryIdentityTests {
    static func entry(namespace: String) -> String {
        """
        {"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a1","stage":"ResponseComplete","verb":"delete",\
        "user":{"username":"mallory@example.com"},"objectRef":{"resource":"events","namespace":"\(namespace)",\
        "name":"web.17a1","apiVersion":"v1"},"responseStatus":{"code":200}}
        """
    }

    @Test func identityIsTheAuditIDInTheRequestsNamespace() throws {
        let entry = try object(Self.entry(namespace: "shop"))
        #expect(entry.name == "a1")
        #expect(entry.namespace == "shop")
        #expect(try Engine(policy: Policy()).evaluate(entry).map(\.ruleID) == ["events-deleted"])
    }

    @Test func excludedNamespacesCoverAuditLogEntries() throws {
        let result = try Engine(policy: Policy()).evaluate(object(Self.entry(namespace: "kube-system")), admission: nil)
        #expect(result.findings.isEmpty)
        #expect(result.skipped == .excludedNamespace("kube-system"))
    }
}

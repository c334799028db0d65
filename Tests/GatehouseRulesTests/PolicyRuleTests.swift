import GatehouseRules
import KubeModel
import Testing

/// Kubernetes RBAC matching for one rules[] entry (k8s.io/component-helpers/auth/rbac/validation).
struct PolicyRuleTests {
    @Test func wildcardsMatchEverything() {
        let all = PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])
        #expect(all.allows(verb: "delete", group: "apps", resource: "deployments"))
        #expect(all.allows(verb: "create", group: "", resource: "pods/exec"), "`*` covers subresources")
        #expect(all.allows(verb: "get", group: "", resource: "secrets", name: "x"))
    }

    @Test func resourceDoesNotGrantItsSubresources() {
        let pods = PolicyRule(verbs: ["create", "get"], resources: ["pods"])
        #expect(pods.allows(verb: "create", group: "", resource: "pods"))
        #expect(!pods.allows(verb: "create", group: "", resource: "pods/exec"))
        let exec = PolicyRule(verbs: ["create"], resources: ["pods/exec"])
        #expect(exec.allows(verb: "create", group: "", resource: "pods/exec"))
        #expect(!exec.allows(verb: "create", group: "", resource: "pods"))
        #expect(!exec.allows(verb: "create", group: "", resource: "pods/attach"))
    }

    @Test func starSlashSubresourceMatchesThatSubresourceOfAnyResource() {
        let status = PolicyRule(verbs: ["get"], apiGroups: ["*"], resources: ["*/status"])
        #expect(status.allows(verb: "get", group: "apps", resource: "deployments/status"))
        #expect(status.allows(verb: "get", group: "", resource: "pods/status"))
        #expect(!status.allows(verb: "get", group: "", resource: "pods"))
        #expect(!status.allows(verb: "get", group: "", resource: "pods/exec"))
        // `*/status` is not a prefix match on the subresource.
        #expect(!status.allows(verb: "get", group: "", resource: "pods/statusx"))
    }

    @Test func groupsMustMatch() {
        let core = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["deployments"])
        #expect(!core.allows(verb: "get", group: "apps", resource: "deployments"))
        let apps = PolicyRule(verbs: ["get"], apiGroups: ["apps"], resources: ["deployments"])
        #expect(apps.allows(verb: "get", group: "apps", resource: "deployments"))
        let none = PolicyRule(verbs: ["get"], apiGroups: [], resources: ["pods"])
        #expect(!none.allows(verb: "get", group: "", resource: "pods"), "a rule without apiGroups grants nothing")
    }

    @Test func resourceNamesLimitToThoseObjects() {
        let named = PolicyRule(verbs: ["get", "list"], resources: ["secrets"], resourceNames: ["tls"])
        #expect(named.allows(verb: "get", group: "", resource: "secrets", name: "tls"))
        #expect(!named.allows(verb: "get", group: "", resource: "secrets", name: "db"))
        #expect(!named.allows(verb: "list", group: "", resource: "secrets"), "a request without a name")
        #expect(named.allowsSome(verb: "list", group: "", resource: "secrets"))
        #expect(named.isRestrictedToNames)
    }

    @Test func nonResourceURLs() {
        let rule = PolicyRule(verbs: ["get"], apiGroups: [], nonResourceURLs: ["/healthz", "/metrics/*"])
        #expect(rule.matchesNonResourceURL("/healthz"))
        #expect(rule.matchesNonResourceURL("/metrics/cadvisor"))
        #expect(!rule.matchesNonResourceURL("/healthz/etcd"))
    }

    @Test func readsRulesFromARole() throws {
        let loaded = Manifests.loadYAML("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: r}
            rules:
            - {apiGroups: [""], resources: [pods], verbs: [get], resourceNames: [a]}
            - not-a-mapping
            - {nonResourceURLs: ["/healthz"], verbs: [get]}
            """)
        let object = try #require(loaded.objects.first)
        let rules = PolicyRule.rules(of: object)
        #expect(rules.map(\.rule.index) == [0, 2])
        #expect(rules[0].rule.resourceNames == ["a"])
        #expect(rules[1].rule.nonResourceURLs == ["/healthz"])
    }
}

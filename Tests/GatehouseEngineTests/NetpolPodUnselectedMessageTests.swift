import GatehouseEngine
import GatehouseRules
import KubeModel
import Testing

/// netpol-pod-unselected's message counts the policies that isolate ingress (the only ones that could have
/// selected the workload), not every policy of the namespace.
struct NetpolPodUnselectedMessageTests {
    static func messages(_ yaml: String) throws -> [String] {
        var index = ClusterIndex()
        for object in Manifests.loadYAML(yaml).objects { index.add(object) }
        return try CrossObjectEngine(policy: Policy()).findings(index)
            .filter { $0.ruleID == "netpol-pod-unselected" }.map(\.message)
    }

    static let workload = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: app, image: web:1}]}}}
        """

    static func policy(_ name: String, _ spec: String) -> String {
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: \(name), namespace: shop}\nspec: \(spec)\n"
    }

    @Test func countsOnlyThePoliciesThatIsolateIngress() throws {
        let egress = Self.policy("egress-a", "{podSelector: {}, policyTypes: [Egress]}")
            + Self.policy("egress-b", "{podSelector: {}, policyTypes: [Egress]}")
        let db = Self.policy("db", "{podSelector: {matchLabels: {app: db}}}")
        let api = Self.policy("api", "{podSelector: {matchLabels: {app: api}}}")
        #expect(try Self.messages(Self.workload + "\n" + egress + db) == [
            "Deployment shop/web is not selected by the one NetworkPolicy of its namespace that isolates ingress (pod labels: app=web)"
        ])
        #expect(try Self.messages(Self.workload + "\n" + egress + db + api) == [
            "Deployment shop/web is selected by none of the 2 NetworkPolicies of its namespace that isolate ingress (pod labels: app=web)"
        ])
        #expect(try Self.messages(Self.workload + "\n" + egress) == [
            "Deployment shop/web is selected by no NetworkPolicy that isolates ingress: the 2 policies of its namespace "
                + "isolate egress only (pod labels: app=web)"
        ])
    }
}

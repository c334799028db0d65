import GatehouseEngine
import GatehouseRules
import KubeModel
import Testing

struct ClusterIndexTests {
    /// A Namespace (and objects in it) defined in two files: the earliest definition is kept whether one index
    /// sees both files in order or two per-thread indexes are merged in either order (the audit's --jobs).
    @Test func duplicateDefinitionsResolveToTheEarliestWhateverTheMergeOrder() {
        func objects(_ file: String) -> [KubeObject] {
            Manifests.loadYAML("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings-\(file), namespace: team}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: team, labels: {from: \(file)}}
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: builder, namespace: team}
                automountServiceAccountToken: \(file == "a" ? "false" : "true")
                """, file: "\(file).yaml").objects
        }
        var sequential = ClusterIndex()
        for object in objects("a") + objects("b") { sequential.add(object) }
        var partA = ClusterIndex()
        var partB = ClusterIndex()
        for object in objects("a") { partA.add(object) }
        for object in objects("b") { partB.add(object) }
        var mergedAB = partA
        mergedAB.merge(partB)
        var mergedBA = partB
        mergedBA.merge(partA)
        for index in [sequential, mergedAB, mergedBA] {
            #expect(index.namespaceAnchor("team").ref.source.file == "a.yaml")
            #expect(index.namespaceLabels("team")["from"] == "a")
        }
        let engine = try? CrossObjectEngine(policy: Policy())
        let expected = engine?.findings(sequential).map { "\($0.ruleID) \($0.object.source.file):\($0.position)" }
        #expect(engine?.findings(mergedAB).map { "\($0.ruleID) \($0.object.source.file):\($0.position)" } == expected)
        #expect(engine?.findings(mergedBA).map { "\($0.ruleID) \($0.object.source.file):\($0.position)" } == expected)
    }

    static func index(_ yaml: String) -> ClusterIndex {
        var index = ClusterIndex()
        for object in Manifests.loadYAML(yaml, file: "in.yaml").objects { index.add(object) }
        return index
    }

    @Test func namespacelessObjectsGoToDefaultAndNamespacesAreAnchored() {
        let index = Self.index("""
            apiVersion: v1
            kind: Pod
            metadata: {name: a}
            spec: {containers: [{name: c, image: i}]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: r}
            """)
        #expect(index.objectCount == 2)
        #expect(index.allNamespaces == ["default"])
        let anchor = index.namespaceAnchor("default")
        #expect(anchor.ref.kind == "Namespace" && anchor.ref.name == "default")
        #expect(anchor.position.line == 1, "placed at the first object of the namespace")
        #expect(index.workloads.first?.serviceAccount == "default")
        #expect(index.workloads.first?.serviceAccountExplicit == false)
    }

    @Test func controlledObjectsAreJudgedThroughTheirController() {
        let index = Self.index("""
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              name: web-1
              namespace: n
              ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, controller: true}]
            spec: {template: {spec: {containers: [{name: c, image: i}]}}}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: orphan-1
              namespace: n
              ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: gone, controller: true}]
            spec: {containers: [{name: c, image: i}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: n}
            spec: {template: {spec: {containers: [{name: c, image: i}]}}}
            """)
        let analysis = ClusterAnalysis(index)
        #expect(analysis.allWorkloads.map(\.anchor.ref.name).sorted() == ["orphan-1", "web"])
    }

    @Test func addingWithAKnownTemplateIndexesTheSame() {
        let objects = Manifests.loadYAML("""
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: c, namespace: n}
            spec: {jobTemplate: {spec: {template: {metadata: {labels: {a: b}}, spec: {serviceAccountName: s, containers: [{name: c, image: i}]}}}}}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: m, namespace: n}
            """).objects
        var computed = ClusterIndex()
        var known = ClusterIndex()
        for object in objects {
            computed.add(object)
            known.add(object, template: PodTemplate(of: object))
        }
        #expect(known.workloads.map(\.podLabels) == computed.workloads.map(\.podLabels))
        #expect(known.workloads.map(\.serviceAccount) == ["s"])
        #expect(known.objectCount == 2)
    }

    @Test func networkPolicyTypesDefaultAsTheAPIServerDoes() {
        let index = Self.index("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: a, namespace: n}
            spec: {podSelector: {}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: b, namespace: n}
            spec: {podSelector: {}, egress: []}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: c, namespace: n}
            spec: {podSelector: {matchLabels: {app: x}}, egress: [{to: [{podSelector: {}}]}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: d, namespace: n}
            spec: {podSelector: {matchExpressions: [{key: app, operator: Like, values: [x]}]}}
            """)
        let p = Dictionary(uniqueKeysWithValues: index.networkPolicies.map { ($0.anchor.ref.name, $0) })
        #expect(p["a"]!.isDefaultDenyIngress && !p["a"]!.isolatesEgress)
        #expect(p["b"]!.isolatesIngress && !p["b"]!.isolatesEgress)
        #expect(p["c"]!.isolatesEgress && !p["c"]!.isDefaultDenyEgress)
        #expect(p["c"]!.selects(["app": "x"]) && !p["c"]!.selects(["app": "y"]))
        #expect(!p["d"]!.selects([:]), "an unreadable selector selects nothing")
    }

    @Test func servicesAndIngresses() {
        let index = Self.index("""
            apiVersion: v1
            kind: Service
            metadata:
              name: lb
              namespace: n
              annotations: {service.beta.kubernetes.io/azure-load-balancer-internal: "true"}
            spec: {type: LoadBalancer, selector: {app: x}}
            ---
            apiVersion: extensions/v1beta1
            kind: Ingress
            metadata: {name: old, namespace: n}
            spec:
              backend: {serviceName: default-svc, servicePort: 80}
              rules:
              - host: a.example.com
                http: {paths: [{backend: {serviceName: lb, servicePort: 80}}]}
            """)
        #expect(index.services.first?.isExternallyExposed == false, "internal load balancers are not internet-facing")
        #expect(index.services.first?.selects(["app": "x", "tier": "y"]) == true)
        #expect(index.ingresses.first?.backendServices == ["default-svc", "lb"])
        #expect(index.ingresses.first?.hosts.map(\.host) == ["a.example.com"])
    }
}

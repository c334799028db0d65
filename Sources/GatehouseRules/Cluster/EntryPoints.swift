import KubeModel

/// How traffic reaches a Service from outside the cluster: the Service itself (a public LoadBalancer, a
/// NodePort, externalIPs), or an Ingress routing to it. The attack-path rules start from these.
struct EntryPoint {
    /// The chain links the entry point contributes: the Service, or the Ingress then the Service.
    let links: [ChainLink]
    let service: ServiceEntry
    /// `LoadBalancer Service shop/web`, `Ingress shop/web → Service shop/web`.
    let text: String

    /// Every entry point whose Service passes `keep`, Services first then Ingresses, each sorted by object.
    /// A LoadBalancer with the Azure internal annotation counts only with `includeInternalLoadBalancers`.
    /// `keep` runs before an entry point is described, so the cost stays with the Services a rule cares about.
    static func all(
        in cluster: ClusterAnalysis, includeInternalLoadBalancers includeInternal: Bool, keep: (ServiceEntry) -> Bool
    ) -> [EntryPoint] {
        var entries: [EntryPoint] = []
        let exposed = cluster.index.services.filter {
            ($0.isExternallyExposed || (includeInternal && $0.type == "LoadBalancer")) && keep($0)
        }
        for service in exposed.sorted(by: { $0.anchor.ref < $1.anchor.ref }) {
            let kind = service.exposure
            entries.append(EntryPoint(
                links: [ChainLink(object: service.anchor.ref, detail: "\(kind), selector \(service.selectorText)")],
                service: service, text: "\(kind) Service \(service.namespace)/\(service.name)"))
        }
        for ingress in cluster.index.ingresses.sorted(by: { $0.anchor.ref < $1.anchor.ref }) {
            for name in ingress.backendServices {
                guard let service = cluster.servicesByNamespace[ingress.namespace]?.first(where: { $0.name == name }),
                    keep(service)
                else { continue }
                let hosts = ingress.hosts.map(\.host).joined(separator: ",")
                entries.append(EntryPoint(
                    links: [
                        ChainLink(object: ingress.anchor.ref, detail: "routes \(hosts.isEmpty ? "every host" : hosts) to Service \(name)"),
                        ChainLink(object: service.anchor.ref, detail: "\(service.type), selector \(service.selectorText)"),
                    ],
                    service: service,
                    text: "Ingress \(ingress.namespace)/\(ingress.anchor.ref.name) → Service \(service.namespace)/\(service.name)"))
            }
        }
        return entries
    }
}

/// Which top-level workloads a Service's selector picks, with a per-namespace table of pod labels built on
/// first use: a big namespace has thousands of workloads and hundreds of exposed Services, and each Service is
/// matched against the workloads that carry one of its selector's labels, not every workload.
struct ServiceSelection {
    let cluster: ClusterAnalysis
    /// Per namespace, the workloads carrying each pod label (key, value), in input order.
    private var byLabel: [String: [LabelPair: [Int]]] = [:]

    init(_ cluster: ClusterAnalysis) { self.cluster = cluster }

    /// The workloads `service` selects, in input order. A Service without selector selects nothing.
    mutating func workloads(selectedBy service: ServiceEntry) -> [WorkloadEntry] {
        let namespace = service.namespace
        let workloads = cluster.workloadsByNamespace[namespace] ?? []
        guard let first = service.selector.first else { return [] }
        if byLabel[namespace] == nil {
            var table: [LabelPair: [Int]] = [:]
            for (i, workload) in workloads.enumerated() {
                for (k, v) in workload.podLabels { table[LabelPair(key: k, value: v), default: []].append(i) }
            }
            byLabel[namespace] = table
        }
        return (byLabel[namespace]![LabelPair(key: first.key, value: first.value)] ?? []).map { workloads[$0] }.filter {
            service.selects($0.podLabels)
        }
    }
}

/// A pod label, as a table key.
private struct LabelPair: Hashable {
    let key: String
    let value: String
}

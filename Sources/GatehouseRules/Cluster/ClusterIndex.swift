import KubeModel

/// What the cross-object rules and `who-can` need to know about a whole cluster (or export), gathered from
/// every audited object.
///
/// Built once: call ``add(_:)`` for every object (one index per thread is fine; ``merge(_:)`` them), then
/// hand it to the engine's `CrossObjectEngine` (which applies a policy) or to ``RBACGraph``. It keeps plain
/// strings and small values only, never the parsed trees, so a 100,000-object audit does not hold every
/// document in memory twice.
///
/// Namespaced objects written without a namespace are filed under `default`, as `kubectl apply` would
/// create them.
public struct ClusterIndex: Sendable {
    public private(set) var objectCount = 0
    public internal(set) var namespaces: [String: NamespaceEntry] = [:]
    /// The first object seen in each namespace, for namespaces that have no Namespace object in the input.
    public internal(set) var namespaceAnchors: [String: Anchor] = [:]
    public internal(set) var workloads: [WorkloadEntry] = []
    public internal(set) var serviceAccounts: [String: ServiceAccountEntry] = [:]
    public internal(set) var roles: [RoleEntry] = []
    public internal(set) var bindings: [BindingEntry] = []
    public internal(set) var networkPolicies: [NetworkPolicyEntry] = []
    public internal(set) var services: [ServiceEntry] = []
    public internal(set) var ingresses: [IngressEntry] = []
    public internal(set) var limitRangeNamespaces: Set<String> = []
    public internal(set) var resourceQuotaNamespaces: Set<String> = []
    /// Namespaces holding Secrets that users write (not service-account tokens, bootstrap tokens or Helm
    /// release records).
    public internal(set) var userSecretNamespaces: Set<String> = []
    /// Namespaces with an external secret store in use: a SecretProviderClass (Secrets Store CSI driver, e.g.
    /// the Azure Key Vault provider) or an ExternalSecret / SecretStore (External Secrets Operator).
    public internal(set) var externalSecretStoreNamespaces: Set<String> = []
    /// Whether a cluster-wide external store (ClusterSecretStore) is among the inputs.
    public internal(set) var hasClusterSecretStore = false
    /// Shares equal strings, string lists and label sets between entries: a million objects repeat a few
    /// thousand distinct label sets, API versions and rule lists.
    var interner = IndexInterner()
    /// Whether workloads keep their containers' images and their host access (``WorkloadEntry/containers``,
    /// ``WorkloadEntry/hostAccess``), which only the vulnerability attack-path rule reads: set when scanner
    /// reports are loaded, so an audit without them holds no more per workload.
    public var recordsContainers = false

    public init() {}

    /// Records what cross-object rules need from `object`; other kinds only mark their namespace as used.
    public mutating func add(_ object: KubeObject) {
        add(object, template: .compute)
    }

    /// The same, reusing the pod template the caller already extracted for per-object rules
    /// (`PodTemplate(of: object)`, `nil` when the object runs no pods).
    public mutating func add(_ object: KubeObject, template: PodTemplate?) {
        add(object, template: .known(template))
    }

    enum TemplateSource {
        case compute
        case known(PodTemplate?)
    }

    mutating func add(_ object: KubeObject, template source: TemplateSource) {
        objectCount += 1
        var place = object.source
        place.file = interner.string(place.file)
        // Built whole: ObjectRef keeps its fields in one box, which each field setter would copy.
        let ref = ObjectRef(
            apiVersion: interner.string(object.apiVersion), kind: interner.string(object.kind),
            namespace: object.namespace, name: object.name, source: place)
        let anchor = Anchor(ref: ref, position: object.position)
        let namespace = object.namespace ?? "default"
        if object.kind != "Namespace", !Self.clusterScopedKinds.contains(object.kind) {
            namespaceAnchors[namespace] = Anchor.earlier(namespaceAnchors[namespace], anchor)
        }
        switch (object.group, object.kind) {
        case ("", "Namespace"):
            let labels = interner.labels(object.labels)
            // An object defined twice (in two files) is taken from its earliest definition, whatever order
            // the threads met them in, so the report does not depend on --jobs.
            if let existing = namespaces[object.name], existing.anchor.isEarlier(than: anchor) { break }
            namespaces[object.name] = NamespaceEntry(anchor: anchor, labels: labels)
        case ("", "ServiceAccount"):
            let automount = object.root["automountServiceAccountToken"]?.bool
            let key = ServiceAccountEntry.key(namespace, object.name)
            if let existing = serviceAccounts[key], existing.anchor.isEarlier(than: anchor) { break }
            serviceAccounts[key] = ServiceAccountEntry(
                anchor: anchor, namespace: namespace, name: object.name, automount: automount)
        case ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "ClusterRole"):
            let role = RoleEntry(object, anchor: anchor, interner: &interner)
            roles.append(role)
        case ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"):
            if let binding = BindingEntry(object, anchor: anchor) { bindings.append(binding) }
        case ("networking.k8s.io", "NetworkPolicy"):
            networkPolicies.append(NetworkPolicyEntry(object, anchor: anchor, namespace: namespace))
        case ("", "Service"):
            let service = ServiceEntry(object, anchor: anchor, namespace: namespace, interner: &interner)
            services.append(service)
        case ("networking.k8s.io", "Ingress"), ("extensions", "Ingress"):
            ingresses.append(IngressEntry(object, anchor: anchor, namespace: namespace))
        case ("", "LimitRange"):
            limitRangeNamespaces.insert(namespace)
        case ("", "ResourceQuota"):
            resourceQuotaNamespaces.insert(namespace)
        case ("", "Secret"):
            if !Self.generatedSecretTypes.contains(object.root["type"]?.string ?? "Opaque") {
                userSecretNamespaces.insert(namespace)
            }
        case ("secrets-store.csi.x-k8s.io", "SecretProviderClass"), ("external-secrets.io", "ExternalSecret"),
            ("external-secrets.io", "SecretStore"):
            externalSecretStoreNamespaces.insert(namespace)
        case ("external-secrets.io", "ClusterSecretStore"):
            hasClusterSecretStore = true
        default:
            let template: PodTemplate?
            switch source {
            case .compute: template = PodTemplate(of: object)
            case .known(let known): template = known
            }
            if let template {
                var workload = WorkloadEntry(object, template: template, anchor: anchor, namespace: namespace, interner: &interner)
                if recordsContainers { workload.recordContainers(of: object, template: template, interner: &interner) }
                workloads.append(workload)
            }
        }
    }

    /// Adds everything `other` holds. Order of entries follows the order of merging; analyses sort their
    /// output, so the result does not depend on how objects were split between indexes.
    public mutating func merge(_ other: ClusterIndex) {
        objectCount += other.objectCount
        namespaces.merge(other.namespaces) { a, b in a.anchor.isEarlier(than: b.anchor) ? a : b }
        namespaceAnchors.merge(other.namespaceAnchors) { a, b in a.isEarlier(than: b) ? a : b }
        workloads += other.workloads
        serviceAccounts.merge(other.serviceAccounts) { a, b in a.anchor.isEarlier(than: b.anchor) ? a : b }
        roles += other.roles
        bindings += other.bindings
        networkPolicies += other.networkPolicies
        services += other.services
        ingresses += other.ingresses
        limitRangeNamespaces.formUnion(other.limitRangeNamespaces)
        resourceQuotaNamespaces.formUnion(other.resourceQuotaNamespaces)
        userSecretNamespaces.formUnion(other.userSecretNamespaces)
        externalSecretStoreNamespaces.formUnion(other.externalSecretStoreNamespaces)
        hasClusterSecretStore = hasClusterSecretStore || other.hasClusterSecretStore
    }

    /// A namespace's labels: its Namespace object's, plus `kubernetes.io/metadata.name`, which the API server
    /// sets on every namespace (Kubernetes 1.21+).
    public func namespaceLabels(_ name: String) -> [String: String] {
        var labels = namespaces[name]?.labels ?? [:]
        labels["kubernetes.io/metadata.name"] = name
        return labels
    }

    /// Every namespace that has a Namespace object or holds some namespaced object.
    public var allNamespaces: [String] {
        Set(namespaces.keys).union(namespaceAnchors.keys).sorted()
    }

    /// The object a namespace-level finding is about: the Namespace object, else a Namespace reference placed
    /// at the first object seen in it.
    public func namespaceAnchor(_ name: String) -> Anchor {
        if let entry = namespaces[name] { return entry.anchor }
        let first = namespaceAnchors[name]
        let source = first?.ref.source ?? SourceRef(file: "-")
        return Anchor(
            ref: ObjectRef(apiVersion: "v1", kind: "Namespace", namespace: nil, name: name, source: source),
            position: first?.position ?? .unknown)
    }

    /// Secret types the cluster or a tool writes, not a user: they say nothing about where users keep secrets.
    static let generatedSecretTypes: Set<String> = [
        "kubernetes.io/service-account-token", "bootstrap.kubernetes.io/token", "helm.sh/release.v1",
    ]

    /// The kinds ``add(_:)`` files by API group and kind; every other kind is indexed only if it runs pods.
    static let clusterScopedKinds: Set<String> = [
        "ClusterRole", "ClusterRoleBinding", "Node", "PersistentVolume", "StorageClass", "CustomResourceDefinition",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "PriorityClass", "IngressClass",
        "APIService", "CSIDriver", "RuntimeClass", "ClusterIssuer", "PodSecurityPolicy",
    ]
}

/// An object's identity and where it starts, for findings.
public struct Anchor: Sendable, Hashable {
    public let ref: ObjectRef
    public let position: SourcePosition

    public init(ref: ObjectRef, position: SourcePosition) {
        self.ref = ref
        self.position = position
    }

    public init(_ object: KubeObject) {
        self.init(ref: ObjectRef(object), position: object.position)
    }

    /// Whether this object comes first in the inputs (file, document, list item, then position).
    func isEarlier(than other: Anchor) -> Bool {
        (ref.source, position) < (other.ref.source, other.position)
    }

    static func earlier(_ a: Anchor?, _ b: Anchor) -> Anchor {
        guard let a else { return b }
        return a.isEarlier(than: b) ? a : b
    }
}

public struct NamespaceEntry: Sendable {
    public let anchor: Anchor
    public let labels: [String: String]
}

/// A Pod or an object with a pod template.
public struct WorkloadEntry: Sendable {
    public let anchor: Anchor
    public let namespace: String
    public let podLabels: [String: String]
    /// `serviceAccountName` (or the deprecated `serviceAccount`), `default` when unset.
    public let serviceAccount: String
    /// Whether the pod spec names its service account (as opposed to getting `default` implicitly).
    public let serviceAccountExplicit: Bool
    /// The pod spec's `automountServiceAccountToken`, `nil` when unset.
    public let automount: Bool?
    /// The controlling owner (`ownerReferences[controller=true]`), as `Kind/name`.
    public let owner: String?
    /// The containers and their images, when the index records them (``ClusterIndex/recordsContainers``).
    public private(set) var containers: [WorkloadContainer] = []
    /// How the pods reach into their node, when the index records containers: `privileged container app`,
    /// `hostPath /var/run/docker.sock`, `hostNetwork`, `hostPID`, `hostIPC`.
    public private(set) var hostAccess: [String] = []

    init(_ object: KubeObject, template: PodTemplate, anchor: Anchor, namespace: String, interner: inout IndexInterner) {
        self.anchor = anchor
        self.namespace = namespace
        var labels: [String: String] = [:]
        if let pairs = template.metadata?["labels"]?.pairs {
            for (k, v) in pairs { if let key = k.string, let text = v.string { labels[key] = text } }
        }
        podLabels = interner.labels(labels)
        let name = template.spec["serviceAccountName"]?.string ?? template.spec["serviceAccount"]?.string
        serviceAccount = (name?.isEmpty == false) ? name! : "default"
        serviceAccountExplicit = name?.isEmpty == false
        automount = template.spec["automountServiceAccountToken"]?.bool
        var owner: String?
        for reference in list(object.metadata?["ownerReferences"]) where reference["controller"]?.isTrue == true {
            if let kind = reference["kind"]?.string, let name = reference["name"]?.string { owner = "\(kind)/\(name)" }
        }
        self.owner = owner
    }

    public var key: String { "\(anchor.ref.kind)/\(anchor.ref.name)" }

    mutating func recordContainers(of object: KubeObject, template: PodTemplate, interner: inout IndexInterner) {
        let running = RunningDigests.of(object)
        containers = template.containers.map { c in
            WorkloadContainer(
                name: interner.string(c.name), image: interner.string(c.image), imagePath: c.path("image"),
                runningDigest: running[c.name])
        }
        var access: [String] = []
        for c in template.containers where c.securityContext?["privileged"]?.isTrue == true {
            access.append("privileged container \(c.name)")
        }
        for volume in list(template.spec["volumes"]) {
            if let path = volume["hostPath"]?["path"]?.string { access.append("hostPath \(path)") }
        }
        for field in ["hostNetwork", "hostPID", "hostIPC"] where template.spec[field]?.isTrue == true {
            access.append(field)
        }
        hostAccess = access
    }
}

/// A container of a workload, as the vulnerability attack-path rule needs it.
public struct WorkloadContainer: Sendable {
    public let name: String
    public let image: String
    /// The field path of its image (`spec.template.spec.containers[0].image`).
    public let imagePath: String
    /// The digest a Pod's status says runs (`status.containerStatuses[].imageID`).
    public let runningDigest: String?
}

public struct ServiceAccountEntry: Sendable {
    public let anchor: Anchor
    public let namespace: String
    public let name: String
    public let automount: Bool?

    static func key(_ namespace: String, _ name: String) -> String { "\(namespace)/\(name)" }
}

/// A Role or ClusterRole.
public struct RoleEntry: Sendable {
    public let anchor: Anchor
    public let isClusterRole: Bool
    public let namespace: String?
    public let name: String
    /// A ClusterRole's labels (what aggregation selects on); empty for a Role.
    public let labels: [String: String]
    public let rules: [PolicyRule]
    /// `aggregationRule.clusterRoleSelectors`, for ClusterRoles that aggregate others.
    public let aggregationSelectors: [LabelSelector]
    /// Kubernetes' own, as ``RoleChecks/isBuiltIn(_:)`` tells.
    public let isBuiltIn: Bool

    init(_ object: KubeObject, anchor: Anchor, interner: inout IndexInterner) {
        self.anchor = anchor
        isClusterRole = object.kind == "ClusterRole"
        namespace = isClusterRole ? nil : (object.namespace ?? "default")
        name = object.name
        // Only aggregation reads labels, and it selects ClusterRoles only.
        labels = isClusterRole ? interner.labels(object.labels) : [:]
        rules = PolicyRule.rules(of: object).map { interner.rule($0.rule) }
        aggregationSelectors =
            object.root.at("aggregationRule", "clusterRoleSelectors")?.items.compactMap { try? LabelSelector($0) } ?? []
        isBuiltIn = RoleChecks.isBuiltIn(object)
    }
}

/// One subject of a binding.
public struct BindingSubject: Sendable, Hashable {
    public let kind: String
    public let name: String
    /// For service accounts: the subject's namespace, defaulted to the RoleBinding's as the authorizer does.
    public let namespace: String?
    public let index: Int

    /// `User:alice`, `Group:devs`, `ServiceAccount:ns:name`.
    public var text: String {
        kind == "ServiceAccount" ? "ServiceAccount:\(namespace ?? ""):\(name)" : "\(kind):\(name)"
    }
}

/// A RoleBinding or ClusterRoleBinding.
public struct BindingEntry: Sendable {
    public let anchor: Anchor
    public let isClusterBinding: Bool
    /// The RoleBinding's namespace; `nil` for ClusterRoleBindings.
    public let namespace: String?
    public let name: String
    public let roleKind: String
    public let roleName: String
    public let subjects: [BindingSubject]
    /// Kubernetes' own, as ``RoleChecks/isBuiltIn(_:)`` tells.
    public let isBuiltIn: Bool

    init?(_ object: KubeObject, anchor: Anchor) {
        guard let roleRef = object.root["roleRef"], let kind = roleRef["kind"]?.string,
            let role = roleRef["name"]?.string
        else { return nil }
        self.anchor = anchor
        isClusterBinding = object.kind == "ClusterRoleBinding"
        namespace = isClusterBinding ? nil : (object.namespace ?? "default")
        name = object.name
        roleKind = kind
        roleName = role
        isBuiltIn = RoleChecks.isBuiltIn(object)
        let bindingNamespace = namespace
        subjects = list(object.root["subjects"]).enumerated().compactMap { i, item in
            guard let kind = item["kind"]?.string, let name = item["name"]?.string else { return nil }
            let ns = item["namespace"]?.string
            return BindingSubject(
                kind: kind, name: name, namespace: kind == "ServiceAccount" ? (ns?.isEmpty == false ? ns : bindingNamespace) : ns,
                index: i)
        }
    }
}

/// A NetworkPolicy, reduced to what isolation analysis needs.
public struct NetworkPolicyEntry: Sendable {
    public let anchor: Anchor
    public let namespace: String
    /// `nil` when the selector cannot be read (it then selects nothing, as the API server would reject it).
    public let podSelector: LabelSelector?
    public let isolatesIngress: Bool
    public let isolatesEgress: Bool
    public let ingressRuleCount: Int
    public let egressRuleCount: Int
    /// Some ingress rule admits every source on every port (see netpol-allow-all).
    public let allowsAllIngress: Bool
    /// Ingress peers that select whole namespaces by label (a non-empty namespaceSelector with no or an empty
    /// podSelector), for checks that need every namespace's labels.
    public let namespaceWidePeers: [NamespaceWidePeer]

    init(_ object: KubeObject, anchor: Anchor, namespace: String) {
        self.anchor = anchor
        self.namespace = namespace
        let spec = object.root["spec"]
        podSelector = spec?["podSelector"].flatMap { $0.isNull ? LabelSelector() : try? LabelSelector($0) }
            ?? (spec?["podSelector"] == nil ? LabelSelector() : nil)
        let ingress = spec?["ingress"]
        let egress = spec?["egress"]
        ingressRuleCount = ingress?.count ?? 0
        egressRuleCount = egress?.count ?? 0
        if let types = spec?["policyTypes"], types.isSequence {
            let names = types.items.compactMap(\.string)
            isolatesIngress = names.contains("Ingress")
            isolatesEgress = names.contains("Egress")
        } else {
            // As the API server defaults policyTypes: Ingress always, Egress when there are egress rules.
            isolatesIngress = true
            isolatesEgress = egressRuleCount > 0
        }
        var allowsAll = false
        var wide: [NamespaceWidePeer] = []
        for (i, rule) in list(ingress).enumerated() {
            let hasPorts = (rule["ports"]?.count ?? 0) > 0
            let peers = list(rule["from"])
            if peers.isEmpty && !hasPorts { allowsAll = true }
            for (j, peer) in peers.enumerated() {
                if !hasPorts && NetworkPeer.isEverything(peer) { allowsAll = true }
                if let ns = peer["namespaceSelector"], !NetworkPeer.isEmptySelector(ns),
                    peer["podSelector"].map(NetworkPeer.isEmptySelector) ?? true,
                    let selector = try? LabelSelector(ns)
                {
                    wide.append(NamespaceWidePeer(rule: i, peer: j, selector: selector, hasPorts: hasPorts))
                }
            }
        }
        allowsAllIngress = allowsAll
        namespaceWidePeers = wide
    }

    /// Denies all ingress to every pod of the namespace: empty podSelector, Ingress type, no rules.
    public var isDefaultDenyIngress: Bool { podSelector?.isEmpty == true && isolatesIngress && ingressRuleCount == 0 }
    public var isDefaultDenyEgress: Bool { podSelector?.isEmpty == true && isolatesEgress && egressRuleCount == 0 }

    public func selects(_ labels: [String: String]) -> Bool { podSelector?.matches(labels) ?? false }
}

/// An ingress peer `{namespaceSelector: <non-empty>}`: every pod of the namespaces it matches.
public struct NamespaceWidePeer: Sendable {
    /// Index in spec.ingress.
    public let rule: Int
    /// Index in that rule's `from`.
    public let peer: Int
    public let selector: LabelSelector
    /// The rule limits ports.
    public let hasPorts: Bool

    public var path: String { "spec.ingress[\(rule)].from[\(peer)].namespaceSelector" }
}

public struct ServiceEntry: Sendable {
    public let anchor: Anchor
    public let namespace: String
    public let name: String
    public let type: String
    public let isInternalLoadBalancer: Bool
    /// `spec.selector`; empty for Services without one (they select no pods).
    public let selector: [String: String]
    /// `spec.externalIPs`: traffic to these addresses reaches the Service whatever its type.
    public let externalIPs: [String]

    init(_ object: KubeObject, anchor: Anchor, namespace: String, interner: inout IndexInterner) {
        self.anchor = anchor
        self.namespace = namespace
        name = anchor.ref.name
        // The same reading of the fields, and the same defaults, as the per-object Service rules.
        let service = ServiceView(object)
        type = interner.string(service.type)
        isInternalLoadBalancer = service.isInternal
        self.selector = interner.labels(service.selector)
        externalIPs = list(service.spec?["externalIPs"]).compactMap(\.string)
    }

    /// Reachable from outside the cluster network: a public LoadBalancer, a NodePort, or external IPs.
    public var isExternallyExposed: Bool {
        (type == "LoadBalancer" && !isInternalLoadBalancer) || type == "NodePort" || !externalIPs.isEmpty
    }

    /// How it is exposed, for messages: `public LoadBalancer`, `internal LoadBalancer`, `NodePort`, `external IPs`.
    public var exposure: String {
        switch type {
        case "LoadBalancer": isInternalLoadBalancer ? "internal LoadBalancer" : "public LoadBalancer"
        case "NodePort": "NodePort"
        default: externalIPs.isEmpty ? type : "\(type) with external IPs"
        }
    }

    /// Whether the Service routes to pods with `labels` (a Service selector is a plain equality match).
    public func selects(_ labels: [String: String]) -> Bool {
        !selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value }
    }

    public var selectorText: String { selector.keys.sorted().map { "\($0)=\(selector[$0]!)" }.joined(separator: ",") }
}

public struct IngressEntry: Sendable {
    public let anchor: Anchor
    public let namespace: String
    /// `spec.rules[i].host` values with their rule index.
    public let hosts: [(host: String, index: Int)]
    /// Names of the Services the Ingress routes to (networking.k8s.io/v1 and v1beta1 backend forms).
    public let backendServices: [String]

    init(_ object: KubeObject, anchor: Anchor, namespace: String) {
        self.anchor = anchor
        self.namespace = namespace
        let spec = object.root["spec"]
        var hosts: [(String, Int)] = []
        var backends: [String] = []
        func backend(_ value: Value?) {
            guard let value else { return }
            if let name = value.at("service", "name")?.string ?? value["serviceName"]?.string { backends.append(name) }
        }
        backend(spec?["defaultBackend"])
        backend(spec?["backend"])
        for (i, rule) in list(spec?["rules"]).enumerated() {
            if let host = rule["host"]?.string, !host.isEmpty { hosts.append((host, i)) }
            for path in list(rule.at("http", "paths")) { backend(path["backend"]) }
        }
        self.hosts = hosts
        var seen: Set<String> = []
        backendServices = backends.filter { seen.insert($0).inserted }
    }
}

/// The items of an optional sequence, empty when absent.
func list(_ value: Value?) -> [Value] { value.map { Array($0.items) } ?? [] }

/// The pairs of an optional mapping, empty when absent.
func pairs(_ value: Value?) -> [(key: Value, value: Value)] { value.map { Array($0.pairs) } ?? [] }

/// Equal strings, string lists, label sets and RBAC rules share one copy (Swift strings, arrays and
/// dictionaries are copy-on-write: an interned value is a reference to the first one seen).
struct IndexInterner: Sendable {
    private var strings: Set<String> = []
    private var lists: Set<[String]> = []
    private var labelSets: Set<[String: String]> = []

    mutating func string(_ text: String) -> String {
        // Up to 15 UTF-8 bytes a String holds its text inline: nothing to share.
        guard text.utf8.count > 15 else { return text }
        return strings.insert(text).memberAfterInsert
    }

    mutating func list(_ items: [String]) -> [String] {
        if items.isEmpty { return items }
        if let known = lists.firstIndex(of: items) { return lists[known] }
        var shared: [String] = []
        shared.reserveCapacity(items.count)
        for item in items { shared.append(string(item)) }
        lists.insert(shared)
        return shared
    }

    mutating func labels(_ set: [String: String]) -> [String: String] {
        if set.isEmpty { return set }
        if let known = labelSets.firstIndex(of: set) { return labelSets[known] }
        var shared: [String: String] = [:]
        shared.reserveCapacity(set.count)
        for (key, value) in set { shared[string(key)] = string(value) }
        labelSets.insert(shared)
        return shared
    }

    mutating func rule(_ rule: PolicyRule) -> PolicyRule {
        PolicyRule(
            verbs: list(rule.verbs), apiGroups: list(rule.apiGroups), resources: list(rule.resources),
            resourceNames: list(rule.resourceNames), nonResourceURLs: list(rule.nonResourceURLs), index: rule.index)
    }
}

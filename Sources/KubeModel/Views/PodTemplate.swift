/// The pod spec inside any object that runs pods, with the path to it.
///
/// Found in Pods (`spec`), PodTemplates (`template.spec`), CronJobs (`spec.jobTemplate.spec.template.spec`) and
/// any object whose `spec.template.spec` holds containers: Deployments, StatefulSets, DaemonSets, ReplicaSets,
/// Jobs, ReplicationControllers and workload CRDs such as Argo Rollouts or OpenKruise CloneSets.
public struct PodTemplate: Sendable {
    /// The PodSpec.
    public let spec: Value
    /// Field path of the PodSpec, e.g. `spec.template.spec`.
    public let specPath: String
    /// The pod's (or template's) metadata, where pod-level annotations live.
    public let metadata: Value?
    public let metadataPath: String
    /// Whether the object is a Pod itself (PSA enforces on Pods and only warns on templates).
    public let isPod: Bool

    /// Every container of the pod: initContainers, then containers, then ephemeralContainers, as PSA visits them.
    /// The one walker all rules use. Entries that are not mappings are skipped (type errors are reported by
    /// the loader's shape check, not by each rule).
    ///
    /// Listed once here rather than on each access: the engine builds one template per object and every pod
    /// rule walks the containers, so a computed list cost one array per rule per object.
    public let containers: [Container]

    public init(spec: Value, specPath: String, metadata: Value?, metadataPath: String, isPod: Bool) {
        self.spec = spec
        self.specPath = specPath
        self.metadata = metadata
        self.metadataPath = metadataPath
        self.isPod = isPod
        self.containers = Self.listContainers(of: spec, specPath: specPath)
    }

    private static func listContainers(of spec: Value, specPath: String) -> [Container] {
        var result: [Container] = []
        for list in Container.List.allCases {
            guard let items = spec[list.rawValue], items.isSequence else { continue }
            if result.isEmpty { result.reserveCapacity(items.count) }
            for (i, item) in items.items.enumerated() where item.isMapping {
                result.append(Container(value: item, list: list, index: i, specPath: specPath))
            }
        }
        return result
    }

    /// The pod template of `object`, or `nil` when it does not run pods.
    public init?(of object: KubeObject) {
        let root = object.root
        switch object.kind {
        case "Pod" where object.group == "":
            guard let spec = root["spec"], spec.isMapping else { return nil }
            self.init(spec: spec, specPath: "spec", metadata: root["metadata"], metadataPath: "metadata", isPod: true)
        case "PodTemplate" where object.group == "":
            guard let template = root["template"], let spec = template["spec"], spec.isMapping else { return nil }
            self.init(
                spec: spec, specPath: "template.spec", metadata: template["metadata"],
                metadataPath: "template.metadata", isPod: false)
        case "CronJob" where object.group == "batch":
            guard let template = root["spec"]?["jobTemplate"]?["spec"]?["template"], let spec = template["spec"],
                spec.isMapping
            else { return nil }
            self.init(
                spec: spec, specPath: "spec.jobTemplate.spec.template.spec", metadata: template["metadata"],
                metadataPath: "spec.jobTemplate.spec.template.metadata", isPod: false)
        default:
            guard let template = root["spec"]?["template"], let spec = template["spec"], spec.isMapping,
                spec["containers"] != nil || spec["initContainers"] != nil
            else { return nil }
            self.init(
                spec: spec, specPath: "spec.template.spec", metadata: template["metadata"],
                metadataPath: "spec.template.metadata", isPod: false)
        }
    }

    /// Pod-level securityContext, if any.
    public var securityContext: Value? { spec["securityContext"] }

    /// `spec.os.name == "windows"`, the way PSA recognises Windows pods.
    public var isWindowsByOS: Bool { spec["os"]?["name"]?.string == "windows" }

    /// `nodeSelector["kubernetes.io/os"] == "windows"`, the way Azure Policy recognises Windows pods.
    public var isWindowsByNodeSelector: Bool { spec["nodeSelector"]?["kubernetes.io/os"]?.string == "windows" }

    /// `spec.hostUsers == false`: the pod runs in a user namespace.
    public var usesUserNamespace: Bool { spec["hostUsers"]?.bool == false }

    public func annotation(_ key: String) -> String? { metadata?["annotations"]?[key]?.string }

    public func path(_ suffix: String) -> String { "\(specPath).\(suffix)" }
}

/// One container of a pod template, with its place in the pod.
public struct Container: Sendable {
    public enum List: String, CaseIterable, Sendable {
        case initContainers, containers, ephemeralContainers
    }

    public let value: Value
    public let list: List
    public let index: Int
    /// Field path of the PodSpec holding this container.
    let specPath: String
    /// Index in ``prefixes`` of this container's path prefix, or -1 when it has none there.
    private let prefix: Int

    init(value: Value, list: List, index: Int, specPath: String) {
        self.value = value
        self.list = list
        self.index = index
        self.specPath = specPath
        if index < Self.prefixedContainers, let spec = Self.prefixedSpecPaths.firstIndex(of: specPath) {
            prefix = (spec * List.allCases.count + List.allCases.firstIndex(of: list)!) * Self.prefixedContainers + index
        } else {
            prefix = -1
        }
    }

    /// The spec paths ``PodTemplate`` uses, and how many containers of each list have their path prefix made
    /// once for the process.
    private static let prefixedSpecPaths = ["spec", "template.spec", "spec.jobTemplate.spec.template.spec", "spec.template.spec"]
    private static let prefixedContainers = 8

    /// `spec.template.spec.containers[1].` and the like: a finding's path is then one concatenation, where
    /// interpolating the four parts (and the index's digits) was a noticeable part of reporting.
    private static let prefixes: [String] = prefixedSpecPaths.flatMap { spec in
        List.allCases.flatMap { list in (0..<prefixedContainers).map { "\(spec).\(list.rawValue)[\($0)]." } }
    }

    /// Field path of this container, e.g. `spec.template.spec.containers[1]`. Built on demand: paths are
    /// needed only for findings, and most containers of most objects produce none.
    public var path: String { "\(specPath).\(list.rawValue)[\(index)]" }

    public var name: String { value["name"]?.string ?? "" }
    public var image: String { value["image"]?.string ?? "" }
    public var securityContext: Value? { value["securityContext"] }

    /// The path of a field below this container: `path("securityContext.privileged")`.
    public func path(_ suffix: String) -> String {
        if prefix >= 0 { return Self.prefixes[prefix] + suffix }
        return "\(specPath).\(list.rawValue)[\(index)].\(suffix)"
    }
}

/// Where an object came from: a file (or `-` for stdin, or an admission request) and which document in it.
public struct SourceRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The path as the user gave it, `-` for stdin, or a request label such as `admission:<uid>`.
    public var file: String
    /// 0-based document index in a multi-document stream.
    public var document: Int
    /// 0-based index in a flattened `kind: List`, if the object came from one.
    public var item: Int?

    public init(file: String, document: Int = 0, item: Int? = nil) {
        self.file = file
        self.document = document
        self.item = item
    }

    public static func < (a: SourceRef, b: SourceRef) -> Bool {
        (a.file, a.document, a.item ?? -1) < (b.file, b.document, b.item ?? -1)
    }

    public var description: String { file }
}

/// One Kubernetes object: its parsed tree plus the identity every finding carries.
public struct KubeObject: Sendable {
    public let root: Value
    public let source: SourceRef
    public let apiVersion: String
    public let kind: String
    public let name: String
    /// `nil` for cluster-scoped objects and for namespaced objects written without a namespace.
    public let namespace: String?
    /// The API group, `""` for the core group. Kept, not computed: rule scopes, pod templates and the cluster
    /// index ask for it several times per object.
    public let group: String
    /// What the object describes: a Kubernetes object, or a Docker host, container or image that a Docker
    /// reader built. Only those readers set a Docker subject (``init(docker:root:host:name:source:)``): a
    /// Kubernetes manifest of kind `DockerContainer` stays a Kubernetes object, so no rule reads it as Docker state.
    public let subject: SubjectKind

    /// Wraps a value that has `apiVersion` and `kind`; `nil` when either is missing (not a Kubernetes object).
    public init?(root: Value, source: SourceRef) {
        guard let apiVersion = root["apiVersion"]?.string, let kind = root["kind"]?.string,
            !apiVersion.isEmpty, !kind.isEmpty
        else { return nil }
        self.root = root
        self.source = source
        self.apiVersion = apiVersion
        self.kind = kind
        self.group = Self.group(of: apiVersion)
        self.subject = .kubernetes
        let metadata = root["metadata"]
        if metadata == nil, kind == "Event", apiVersion.hasPrefix("audit.k8s.io/") {
            // An API audit log entry has no metadata: it is known by its audit ID, and belongs to the namespace
            // of the request it records, so reports group it there and namespace exclusions apply to it.
            self.name = root["auditID"]?.string ?? ""
            self.namespace = root.at("objectRef", "namespace")?.string
            return
        }
        self.name = metadata?["name"]?.string ?? metadata?["generateName"]?.string ?? ""
        self.namespace = metadata?["namespace"]?.string
    }

    /// The group part of an `apiVersion` (`apps` of `apps/v1`), `""` for the core group (`v1`).
    static func group(of apiVersion: String) -> String {
        guard let slash = apiVersion.utf8.firstIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(apiVersion[..<slash])
    }

    public var metadata: Value? { root["metadata"] }
    public var position: SourcePosition { root.position }

    public func label(_ key: String) -> String? { metadata?["labels"]?[key]?.string }
    public func annotation(_ key: String) -> String? { metadata?["annotations"]?[key]?.string }

    /// Labels as a dictionary (for selectors); scalar values only.
    public var labels: [String: String] { Self.stringMap(metadata?["labels"]) }
    public var annotations: [String: String] { Self.stringMap(metadata?["annotations"]) }

    static func stringMap(_ value: Value?) -> [String: String] {
        guard let value else { return [:] }
        var map: [String: String] = [:]
        for (k, v) in value.pairs {
            if let key = k.string, let s = v.string { map[key] = s }
        }
        return map
    }

    /// `Kind namespace/name` or `Kind name`, as reports print it.
    public var displayName: String {
        if let namespace { return "\(kind) \(namespace)/\(name)" }
        return "\(kind) \(name)"
    }
}

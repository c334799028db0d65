/// Finds structural fields of the wrong type: a string where `containers` should be a list, a list where
/// `securityContext` should be a mapping, `hostNetwork: "true"` (a string, not a boolean).
///
/// Rules read through ``Value``'s forgiving accessors and skip what has the wrong type, so without this check
/// such a manifest would pass silently, although the API server rejects it and, worse, a string `"true"` for
/// `privileged` would hide the very setting a rule looks for. Each problem names the field path and its
/// position. `null` counts as absent everywhere, as in Kubernetes.
///
/// What is checked: `metadata` and its `labels`/`annotations` (string values); for every object that runs pods
/// (as ``PodTemplate`` finds them: Pod, PodTemplate, CronJob, and every `spec.template.spec` workload) the path
/// down to the pod spec, the pod spec's container lists, volumes, security context and host namespace flags,
/// and in each container its security context, capabilities, ports, env, volume mounts and resources.
public enum ObjectShape {
    /// The wrong-typed fields of `object`, in document order of checking. Empty for a well-formed object.
    public static func problems(of object: KubeObject) -> [LoadError] {
        var check = ShapeCheck(file: object.source.file)
        check.object(object)
        return check.errors
    }
}

/// What a field should be.
enum Shape {
    case mapping(String)
    case list(of: String)
    case bool
    case string
    case integer
    case scalar

    var description: String {
        switch self {
        case .mapping(let what): return what
        case .list(let what): return "a list of \(what)"
        case .bool: return "true or false"
        case .string: return "a string"
        case .integer: return "an integer"
        case .scalar: return "a string"
        }
    }

    func accepts(_ value: Value) -> Bool {
        switch self {
        case .mapping: return value.isMapping
        case .list: return value.isSequence
        case .bool: return value.kind == .bool
        case .string: return value.kind == .string
        case .integer: return value.int != nil
        case .scalar: return value.kind == .string || value.kind == .number || value.kind == .bool
        }
    }
}

struct ShapeCheck {
    let file: String
    var errors: [LoadError] = []

    static let podFlags = ["hostNetwork", "hostPID", "hostIPC", "hostUsers", "shareProcessNamespace", "automountServiceAccountToken"]
    static let containerFlags = ["privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem"]
    static let resourceKeys = ["limits", "requests"]
    static let commandKeys = ["command", "args"]
    static let idKeys = ["runAsUser", "runAsGroup"]
    static let contextMappings = ["seccompProfile", "seLinuxOptions", "appArmorProfile", "windowsOptions"]
    static let capabilityKeys = ["add", "drop"]

    static func found(_ value: Value) -> String {
        switch value.kind {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    mutating func report(_ path: String, _ shape: Shape, _ value: Value) {
        errors.append(
            LoadError(
                file: file, position: value.position,
                message: "\(path) must be \(shape.description), found \(Self.found(value))"))
    }

    /// `parent[key]` when present with the right shape; reports it when present with another.
    @discardableResult
    mutating func field(_ parent: Value, _ key: String, path: @autoclosure () -> String, _ shape: Shape) -> Value? {
        guard let value = parent[key], !value.isNull else { return nil }
        guard shape.accepts(value) else {
            report(path(), shape, value)
            return nil
        }
        return value
    }

    /// The mapping items of the list `parent[key]`, with their indexes; reports the list and any item that is
    /// not a mapping. Paths are only spelled out for a report: most manifests have nothing to report.
    mutating func mappings(_ parent: Value, _ key: String, path: @autoclosure () -> String, of what: String) -> [(Value, Int)] {
        guard let list = field(parent, key, path: path(), .list(of: what)) else { return [] }
        var result: [(Value, Int)] = []
        for (i, item) in list.items.enumerated() {
            if item.isMapping {
                result.append((item, i))
            } else {
                errors.append(
                    LoadError(
                        file: file, position: item.position,
                        message: "\(path())[\(i)] must be \(Self.article(what)) (a mapping), found \(Self.found(item))"))
            }
        }
        return result
    }

    static func article(_ plural: String) -> String {
        // "containers" -> "a container", "volumes" -> "a volume", "env vars" -> "an env var".
        var word = plural
        if word.hasSuffix("s") { word.removeLast() }
        let vowel = word.first.map { "aeiou".contains($0) } ?? false
        return (vowel ? "an " : "a ") + word
    }

    mutating func object(_ object: KubeObject) {
        let root = object.root
        if let metadata = field(root, "metadata", path: "metadata", .mapping("a mapping")) {
            stringMap(metadata, "labels", path: "metadata.labels")
            stringMap(metadata, "annotations", path: "metadata.annotations")
        }
        podTemplate(object)
    }

    mutating func stringMap(_ parent: Value, _ key: String, path: @autoclosure () -> String) {
        guard let map = field(parent, key, path: path(), .mapping("a mapping of strings")) else { return }
        for (k, v) in map.pairs where !v.isNull && !(v.kind == .string) {
            let name = k.string ?? "?"
            errors.append(
                LoadError(
                    file: file, position: v.position,
                    message: "\(path()).\(name) must be a string, found \(Self.found(v))"
                        + (v.kind == .number || v.kind == .bool ? " (quote it)" : "")))
        }
    }

    /// Walks to the pod spec the way ``PodTemplate`` does, reporting a wrong-typed step on the way.
    mutating func podTemplate(_ object: KubeObject) {
        let root = object.root
        let steps: [String]
        switch object.kind {
        case "Pod" where object.group == "":
            steps = Self.podSteps
        case "PodTemplate" where object.group == "":
            steps = Self.podTemplateSteps
        case "CronJob" where object.group == "batch":
            steps = Self.cronJobSteps
        case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController":
            steps = Self.workloadSteps
        default:
            // Workload CRDs: only when the object has a pod template at all.
            guard let template = PodTemplate(of: object) else { return }
            podSpec(template.spec, path: template.specPath)
            return
        }
        var current = root
        for (i, step) in steps.enumerated() {
            guard let next = field(current, step, path: steps[...i].joined(separator: "."), .mapping("a mapping")) else {
                return
            }
            current = next
        }
        podSpec(current, path: steps.joined(separator: "."))
    }

    static let podSteps = ["spec"]
    static let podTemplateSteps = ["template", "spec"]
    static let cronJobSteps = ["spec", "jobTemplate", "spec", "template", "spec"]
    static let workloadSteps = ["spec", "template", "spec"]

    mutating func podSpec(_ spec: Value, path: @autoclosure () -> String) {
        // Paths are made only for a problem: most objects have none.
        for list in Container.List.allCases {
            for (container, i) in mappings(spec, list.rawValue, path: "\(path()).\(list.rawValue)", of: "containers") {
                self.container(container, path: "\(path()).\(list.rawValue)[\(i)]")
            }
        }
        for (volume, i) in mappings(spec, "volumes", path: "\(path()).volumes", of: "volumes") {
            field(volume, "name", path: "\(path()).volumes[\(i)].name", .string)
            if let hostPath = field(volume, "hostPath", path: "\(path()).volumes[\(i)].hostPath", .mapping("a mapping")) {
                field(hostPath, "path", path: "\(path()).volumes[\(i)].hostPath.path", .string)
            }
        }
        for flag in Self.podFlags {
            field(spec, flag, path: "\(path()).\(flag)", .bool)
        }
        if let context = field(spec, "securityContext", path: "\(path()).securityContext", .mapping("a mapping")) {
            securityContext(context, path: "\(path()).securityContext")
        }
        stringMap(spec, "nodeSelector", path: "\(path()).nodeSelector")
        field(spec, "serviceAccountName", path: "\(path()).serviceAccountName", .string)
    }

    mutating func container(_ container: Value, path: @autoclosure () -> String) {
        field(container, "name", path: "\(path()).name", .string)
        field(container, "image", path: "\(path()).image", .string)
        if let context = field(container, "securityContext", path: "\(path()).securityContext", .mapping("a mapping")) {
            securityContext(context, path: "\(path()).securityContext")
            for flag in Self.containerFlags {
                field(context, flag, path: "\(path()).securityContext.\(flag)", .bool)
            }
            if let capabilities = field(
                context, "capabilities", path: "\(path()).securityContext.capabilities", .mapping("a mapping"))
            {
                for key in Self.capabilityKeys {
                    if let list = field(
                        capabilities, key, path: "\(path()).securityContext.capabilities.\(key)", .list(of: "capability names"))
                    {
                        for (i, item) in list.items.enumerated() where !item.isNull && item.kind != .string {
                            report("\(path()).securityContext.capabilities.\(key)[\(i)]", .string, item)
                        }
                    }
                }
            }
        }
        for (port, i) in mappings(container, "ports", path: "\(path()).ports", of: "ports") {
            field(port, "containerPort", path: "\(path()).ports[\(i)].containerPort", .integer)
            field(port, "hostPort", path: "\(path()).ports[\(i)].hostPort", .integer)
        }
        _ = mappings(container, "env", path: "\(path()).env", of: "env vars")
        _ = mappings(container, "envFrom", path: "\(path()).envFrom", of: "env sources")
        for (mount, i) in mappings(container, "volumeMounts", path: "\(path()).volumeMounts", of: "volume mounts") {
            field(mount, "readOnly", path: "\(path()).volumeMounts[\(i)].readOnly", .bool)
        }
        if let resources = field(container, "resources", path: "\(path()).resources", .mapping("a mapping")) {
            for key in Self.resourceKeys {
                guard let map = field(resources, key, path: "\(path()).resources.\(key)", .mapping("a mapping")) else {
                    continue
                }
                for (k, v) in map.pairs where !v.isNull && !(v.kind == .string || v.kind == .number) {
                    report("\(path()).resources.\(key).\(k.string ?? "?")", .scalar, v)
                }
            }
        }
        for key in Self.commandKeys {
            field(container, key, path: "\(path()).\(key)", .list(of: "strings"))
        }
    }

    /// Fields common to pod and container security contexts.
    mutating func securityContext(_ context: Value, path: @autoclosure () -> String) {
        field(context, "runAsNonRoot", path: "\(path()).runAsNonRoot", .bool)
        for key in Self.idKeys {
            field(context, key, path: "\(path()).\(key)", .integer)
        }
        for key in Self.contextMappings {
            field(context, key, path: "\(path()).\(key)", .mapping("a mapping"))
        }
    }
}

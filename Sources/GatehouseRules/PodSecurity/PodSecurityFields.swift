import KubeModel

/// Field readers shared by the pod-security rules, with Go's view of absent values: a missing or null field
/// is "unset", a string field that is missing reads as "".
enum PodFields {
    /// A boolean field that is set (true or false); `nil` when absent, null or not a boolean.
    static func bool(_ parent: Value?, _ key: String) -> (value: Bool, node: Value)? {
        guard let node = parent?[key], let b = node.bool else { return nil }
        return (b, node)
    }

    /// A string field as Go reads it: absent or null is "".
    static func string(_ parent: Value?, _ key: String) -> String { parent?[key]?.string ?? "" }

    /// A present, non-null mapping field (Go: non-nil pointer to a struct).
    static func object(_ parent: Value?, _ key: String) -> Value? {
        guard let node = parent?[key], !node.isNull else { return nil }
        return node
    }

    /// The strings of a list field (capabilities, drop lists...), with their nodes.
    static func strings(_ parent: Value?, _ key: String) -> [(text: String, node: Value)] {
        guard let list = parent?[key], list.isSequence else { return [] }
        return list.items.map { ($0.string ?? "", $0) }
    }

    /// `spec.volumes`, with their indices.
    static func volumes(_ pod: PodTemplate) -> [(index: Int, volume: Value)] {
        guard let list = pod.spec["volumes"], list.isSequence else { return [] }
        return list.items.enumerated().filter { $0.element.isMapping }.map { ($0.offset, $0.element) }
    }

    /// The volume source field names of a volume (every key but `name`), e.g. `["hostPath"]`.
    static func volumeSources(_ volume: Value) -> [String] {
        volume.pairs.compactMap { pair in
            guard let key = pair.key.string, key != "name", !pair.value.isNull else { return nil }
            return key
        }
    }
}

/// How Azure Policy for AKS decides which pods a Linux-only rule skips.
enum AzurePods {
    /// Azure's templates skip pods whose `nodeSelector["kubernetes.io/os"]` is `windows`. Gatehouse also
    /// skips pods with `spec.os.name: windows` for the rules PSA exempts on Windows, since the API server
    /// rejects those Linux fields on Windows pods anyway.
    static func isWindows(_ pod: PodTemplate, includingOSName: Bool = false) -> Bool {
        pod.isWindowsByNodeSelector || (includingOSName && pod.isWindowsByOS)
    }

    /// Lower-cased, as Azure's capability templates compare capabilities.
    static func lowered(_ items: [String]) -> Set<String> { Set(items.map { $0.lowercased() }) }
}

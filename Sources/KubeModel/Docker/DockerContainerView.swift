/// Typed reading of one container as the Docker Engine describes it (`GET /containers/{id}/json`, which
/// `docker inspect` prints): the fields the CIS Docker Benchmark and the shared container rules judge.
///
/// The schema is open (the daemon adds fields across API versions), so every accessor is lenient: a missing
/// field reads as Docker's default, never as an error. Paths are the inspect JSON's own (`HostConfig.Privileged`).
public struct DockerContainerView: Sendable {
    public let object: KubeObject
    public var root: Value { object.root }

    /// The view of `object` when a Docker reader built it as a container; `nil` for anything else.
    public init?(_ object: KubeObject) {
        guard object.subject == .dockerContainer else { return nil }
        self.object = object
    }

    public var id: String { root["Id"]?.string ?? "" }
    /// The 12-character id `docker ps` shows.
    public var shortID: String { String(id.prefix(12)) }
    /// The name without Docker's leading `/`.
    public var name: String { Self.name(of: root) }
    /// `web (3f2a1b4c5d6e)`: how findings and alerts name the container.
    public var label: String { "\(name) (\(shortID))" }
    /// The image as the user gave it (`Config.Image`, e.g. `nginx:latest`).
    public var image: String { root.at("Config", "Image")?.string ?? root["Image"]?.string ?? "" }
    /// The image id (`sha256:...`).
    public var imageID: String { root["Image"]?.string ?? "" }

    public var hostConfig: Value? { root["HostConfig"] }
    public func hostConfig(_ key: String) -> Value? { root.at("HostConfig", key) }

    /// The entries of a `HostConfig` list of strings (`CapAdd`, `SecurityOpt`...), with their values.
    public func hostConfigList(_ key: String) -> [(text: String, value: Value, index: Int)] {
        guard let list = hostConfig(key), list.isSequence else { return [] }
        return list.items.enumerated().compactMap { i, item in item.string.map { ($0, item, i) } }
    }

    /// An integer `HostConfig` field; `nil` when unset or null.
    public func hostConfigInt(_ key: String) -> Int? { hostConfig(key)?.int }

    /// `Config.User`: empty means the image's USER, which Docker runs as root when the image sets none.
    public var user: String { root.at("Config", "User")?.string ?? "" }

    /// The mounts the container has (`Mounts[]`), each with its index for the field path.
    public var mounts: [Mount] {
        guard let list = root["Mounts"], list.isSequence else { return [] }
        return list.items.enumerated().map { Mount(value: $1, index: $0) }
    }

    /// One entry of `Mounts[]`.
    public struct Mount: Sendable {
        public let value: Value
        public let index: Int
        public var type: String { value["Type"]?.string ?? "" }
        public var source: String { value["Source"]?.string ?? "" }
        public var destination: String { value["Destination"]?.string ?? "" }
        /// Whether the container may write through the mount (`RW`, true unless the mount is read-only).
        public var writable: Bool { value["RW"]?.bool ?? true }
        public var propagation: String { value["Propagation"]?.string ?? "" }
        public var path: String { "Mounts[\(index)]" }
    }

    /// Published ports: every host binding from `HostConfig.PortBindings` (what was asked) and
    /// `NetworkSettings.Ports` (what the running container got), with the field path of each.
    public var portBindings: [PortBinding] {
        var bindings: [PortBinding] = []
        for (section, path) in [(root.at("HostConfig", "PortBindings"), "HostConfig.PortBindings"),
                                (root.at("NetworkSettings", "Ports"), "NetworkSettings.Ports")] {
            guard let map = section, map.isMapping else { continue }
            for (key, list) in map.pairs {
                guard let port = key.string, list.isSequence else { continue }
                for (i, binding) in list.items.enumerated() {
                    bindings.append(
                        PortBinding(
                            containerPort: port, hostIP: binding["HostIp"]?.string ?? "",
                            hostPort: binding["HostPort"]?.string ?? "", value: binding,
                            path: "\(path)[\"\(port)\"][\(i)]"))
                }
            }
        }
        return bindings
    }

    public struct PortBinding: Sendable {
        /// `80/tcp`.
        public let containerPort: String
        /// The host address the port is published on; `""`, `0.0.0.0` and `::` mean every interface.
        public let hostIP: String
        public let hostPort: String
        public let value: Value
        public let path: String

        /// Whether the binding listens on every host interface (IPv4 or IPv6 wildcard, or no address given).
        public var allInterfaces: Bool {
            let ip = hostIP.trimmingBrackets
            return ip.isEmpty || ip == "0.0.0.0" || ip == "::" || ip == "0:0:0:0:0:0:0:0"
        }
    }

    static func name(of root: Value) -> String {
        let raw = root["Name"]?.string ?? ""
        return raw.hasPrefix("/") ? String(raw.dropFirst()) : raw
    }
}

extension String {
    /// `[::]` as `::`: Docker writes IPv6 host addresses either way.
    fileprivate var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}

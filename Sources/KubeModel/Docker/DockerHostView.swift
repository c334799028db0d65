/// Typed reading of one Docker host: the document a Docker reader assembles from the Engine API (`/info`,
/// `/version`, `/networks`) and, when it may read the host's files, from daemon.json, dockerd's command line,
/// the files CIS section 3 names and the audit rules CIS section 1 asks for.
///
/// The document (written by `DockerHostDocument` in the Docker reader) has these keys:
///
/// ```
/// Name        the host's name (`/info` .Name, else the export folder's name)
/// Info        GET /info as the daemon answered (null when not read)
/// Version     GET /version (null when not read)
/// Networks    GET /networks
/// Settings    {key: {Value, Source}}: the daemon's effective settings by daemon.json key, each with where it
///             came from ("/etc/docker/daemon.json line 3", "dockerd flag --icc=false"); a key that neither sets is
///             absent (Docker's default applies)
/// HostFiles   whether host files were read (false for an API-only or export-only audit)
/// Sockets     the unix sockets the daemon serves: the one audited, and dockerd's `-H unix://` hosts
/// Files       [{Path, Role, Exists, Type, Uid, Gid, Owner, Group, Mode}]: the files and folders CIS section 3 names
/// Audit       {Read, Source, Paths[], Trees[]}: the paths the host's audit rules watch, and those watched with
///             their whole subtree (`-w`, `-F dir=`); null when no audit rules file could be read
/// DockerGroup {Members[]} (null when /etc/group has no docker group): /etc/group's members, then the users
///             whose primary group it is
/// DataRoot    {Path, MountPoint}: Docker's root directory and whether it is a mount point of its own
/// Dockerd     the dockerd program's path (null when none was found)
/// Exists      {path: bool}: whether each path CIS section 1 asks to audit exists (``auditedFixedPaths``,
///             dockerd and the data root; the units and daemon.json are in Files)
/// ```
public struct DockerHostView: Sendable {
    public let object: KubeObject
    public var root: Value { object.root }

    /// The view of `object` when a Docker reader built it as a host; `nil` for anything else.
    public init?(_ object: KubeObject) {
        guard object.subject == .dockerHost else { return nil }
        self.object = object
    }

    public var name: String { object.name }
    public var info: Value? { nonNull(root["Info"]) }
    public var version: Value? { nonNull(root["Version"]) }
    /// Whether host files (daemon.json, dockerd's command line, CIS section 1 and 3 files) were read.
    public var hostFilesRead: Bool { root["HostFiles"]?.isTrue ?? false }

    /// The paths of the unix sockets the daemon serves, whatever they are named: a container that mounts one
    /// holds the daemon (CIS 5.32) even when it is not called docker.sock.
    public var daemonSockets: [String] { root["Sockets"]?.items.compactMap(\.string) ?? [] }

    /// A daemon setting by its daemon.json key, with where it came from; `nil` when neither daemon.json nor
    /// dockerd's command line sets it.
    public func setting(_ key: String) -> Setting? {
        guard let entry = root.at("Settings", key), let value = entry["Value"], !value.isNull else { return nil }
        return Setting(key: key, value: value, source: entry["Source"]?.string ?? "")
    }

    public struct Setting: Sendable {
        public let key: String
        public let value: Value
        /// Where the setting came from, for messages: `/etc/docker/daemon.json line 3`, `dockerd flag --icc=false`.
        public let source: String
        public var path: String { "Settings.\(key)" }

        /// The setting as a boolean; `nil` for anything else. Flags are written as booleans already; in
        /// daemon.json only a JSON boolean counts: dockerd refuses to start with `"icc": "false"` (a string),
        /// so the daemon that runs does not use such a value, and the next restart fails.
        public var bool: Bool? { value.bool }

        /// Whether the value is text where dockerd wants a boolean (see ``bool``).
        public var isBooleanText: Bool {
            guard value.bool == nil, let text = value.stringOnly?.lowercased() else { return false }
            return ["true", "false", "1", "0"].contains(text)
        }

        /// The setting's values as strings: a list's items, or the one scalar.
        public var strings: [String] {
            if value.isSequence { return value.items.compactMap(\.string) }
            if value.isMapping { return value.pairs.compactMap { $0.key.string } }
            return value.string.map { [$0] } ?? []
        }
    }

    /// `Info.SecurityOptions`, e.g. `name=seccomp,profile=builtin`.
    public var securityOptions: [String] { info?["SecurityOptions"]?.items.compactMap(\.string) ?? [] }

    /// Whether `Info.SecurityOptions` lists `name=<option>`.
    public func hasSecurityOption(_ option: String) -> Bool {
        securityOptions.contains { entry in
            entry.split(separator: ",").contains { $0 == "name=\(option)" }
        }
    }

    /// The host files CIS section 3 names, as read (absent files included, with `Exists` false).
    public var files: [HostFile] {
        guard let list = root["Files"], list.isSequence else { return [] }
        return list.items.enumerated().map { HostFile(value: $1, index: $0) }
    }

    /// The file that plays `role` (`docker.service`, `daemon.json`, `tlscacert`...), when it was looked for.
    public func files(role: String) -> [HostFile] { files.filter { $0.role == role } }

    /// One host file or folder and its ownership and mode, from `stat(2)`.
    public struct HostFile: Sendable {
        public let value: Value
        public let index: Int
        public var path: String { value["Path"]?.string ?? "" }
        public var role: String { value["Role"]?.string ?? "" }
        public var exists: Bool { value["Exists"]?.isTrue ?? false }
        public var type: String { value["Type"]?.string ?? "" }
        public var uid: Int? { value["Uid"]?.int }
        public var gid: Int? { value["Gid"]?.int }
        public var owner: String { value["Owner"]?.string ?? uid.map(String.init) ?? "?" }
        public var group: String { value["Group"]?.string ?? gid.map(String.init) ?? "?" }
        /// The permission bits (`st_mode & 0o7777`), read from the octal text the reader wrote (`0644`).
        public var mode: Int? { value["Mode"]?.string.flatMap { Int($0, radix: 8) } }
        public var fieldPath: String { "Files[\(index)]" }
    }

    /// The paths the host's audit rules watch; `nil` when the rules could not be read (not read, or no
    /// audit rules on the host: then `auditReadNote` says which).
    public var auditedPaths: [String]? {
        guard let audit = root["Audit"], audit["Read"]?.isTrue == true else { return nil }
        return audit["Paths"]?.items.compactMap(\.string) ?? []
    }

    /// Where the audit rules were read from (for messages).
    public var auditSource: String { root.at("Audit", "Source")?.string ?? "" }

    /// The watched paths whose whole subtree is audited (see the document's `Audit.Trees`).
    public var auditedTrees: [String] { root.at("Audit", "Trees")?.items.compactMap(\.string) ?? [] }

    /// The host paths CIS 1.1.4 to 1.1.18 name, whatever the host: the reader writes in `Exists` whether each
    /// is there.
    public static let auditedFixedPaths = [
        "/run/containerd", "/var/lib/docker", "/etc/docker", "/run/containerd/containerd.sock",
        "/etc/default/docker", "/etc/docker/daemon.json", "/etc/containerd/config.toml", "/etc/sysconfig/docker",
        "/usr/bin/containerd", "/usr/bin/containerd-shim", "/usr/bin/containerd-shim-runc-v1",
        "/usr/bin/containerd-shim-runc-v2", "/usr/bin/runc",
    ]

    /// The dockerd program's path on the host, when the reader found it.
    public var dockerdPath: String? { root["Dockerd"]?.string }

    /// Whether a host path the reader looked for exists; `nil` when it did not look.
    public func exists(_ path: String) -> Bool? { root.at("Exists", path)?.bool }

    public var dockerGroupMembers: [String]? {
        root.at("DockerGroup", "Members").map { $0.items.compactMap(\.string) }
    }

    /// Docker's root directory and whether it is a mount point of its own; `nil` when not known.
    public var dataRoot: (path: String, mountPoint: Bool)? {
        guard let entry = root["DataRoot"], let path = entry["Path"]?.string, let mounted = entry["MountPoint"]?.bool
        else { return nil }
        return (path, mounted)
    }

    private func nonNull(_ value: Value?) -> Value? {
        guard let value, !value.isNull else { return nil }
        return value
    }
}

#if canImport(Glibc)
import Glibc
#endif
import KubeModel

/// Writes the document of one Docker host (its layout is described on ``KubeModel/DockerHostView``): what the
/// Engine API said about the daemon, and, when the host's files can be read, the daemon's settings, the files
/// CIS section 3 names, the audit rules, the docker group and whether Docker's data root is a partition.
struct DockerHostDocument {
    var name: String
    var info: Value?
    var version: Value?
    var networks: Value?
    /// The host's filesystem, `nil` for an audit that reads only the API or exports.
    var root: HostRoot?
    /// The socket the audit reads the daemon through, so its dockerd and its socket file are the ones judged.
    var socketPath: String?
    /// Remarks for the report's notes (which dockerd was read, a daemon.json that does not parse).
    private(set) var notes: [String] = []

    init(name: String, info: Value?, version: Value?, networks: Value?, root: HostRoot?, socketPath: String?) {
        self.name = name
        self.info = info
        self.version = version
        self.networks = networks
        self.root = root
        self.socketPath = socketPath
    }

    /// The document's JSON text.
    mutating func render() -> String {
        var json = JSONEmitter(style: .spaced)
        json.beginObject(multiline: true)
        json.field("Name", name)
        json.key("Info")
        if let info { json.value(info) } else { json.null() }
        json.key("Version")
        if let version { json.value(version) } else { json.null() }
        json.key("Networks")
        if let networks { json.value(networks) } else { json.beginArray(); json.endArray() }
        json.field("HostFiles", root != nil)
        var sockets = socketPath.map { [$0] } ?? []
        if let root {
            for socket in renderHost(root, into: &json) where !sockets.contains(socket) { sockets.append(socket) }
        }
        json.field("Sockets", sockets)
        json.endObject()
        json.newline()
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// Writes what the host's files tell; returns the unix sockets dockerd listens on (its `hosts`).
    private mutating func renderHost(_ root: HostRoot, into json: inout JSONEmitter) -> [String] {
        var settings = DaemonSettings()
        let dockerd = DockerdProcess.find(root: root, socketPath: socketPath)
        if let found = dockerd {
            settings.readFlags(found.process.arguments, pid: found.process.pid)
            if let note = found.note { notes.append(note) }
        } else if let service = DockerdServiceFlags(root: root) {
            settings.readFlags(service.arguments, origin: service.origin)
            notes.append(
                "no dockerd process found in \(root.local("/proc")): dockerd's flags were read from its unit "
                    + "(\(service.origin)), which is what it runs with at its next start")
        } else {
            notes.append(
                "no dockerd process found in \(root.local("/proc")) and no docker.service starts one: settings come "
                    + "from daemon.json alone (run the auditor in the host's PID namespace to read dockerd's flags)")
        }
        let configPath = settings.string("config-file") ?? "/etc/docker/daemon.json"
        if let text = root.read(configPath) { settings.readConfigFile(text, path: configPath) }
        notes += settings.problems
        json.key("Settings")
        settings.emit(into: &json)

        let accounts = HostAccounts(root: root)
        json.key("Files")
        json.beginArray(multiline: true)
        for file in files(root: root, settings: settings, configPath: configPath) {
            emit(file, accounts: accounts, into: &json)
        }
        json.endArray()

        json.key("Audit")
        if let audit = HostAuditRules(root: root) {
            json.beginObject()
            json.field("Read", true)
            json.field("Source", audit.sources.joined(separator: ", "))
            json.field("Paths", audit.paths)
            json.field("Trees", audit.trees)
            json.endObject()
        } else {
            json.null()
        }
        json.key("DockerGroup")
        if let members = accounts.members["docker"] {
            json.beginObject()
            json.field("Members", members)
            json.endObject()
        } else {
            json.null()
        }
        json.key("DataRoot")
        let dataRoot = emitDataRoot(root: root, settings: settings, into: &json)
        let binary = dockerdBinary(root: root, pid: dockerd?.process.pid)
        json.field("Dockerd", binary)
        json.key("Exists")
        json.beginObject()
        for path in Set(DockerHostView.auditedFixedPaths + [binary, dataRoot].compactMap { $0 }).sorted() {
            json.field(path, root.status(path) != nil)
        }
        json.endObject()
        return settings.strings("hosts").filter { $0.hasPrefix("unix://") }.map { String($0.dropFirst("unix://".count)) }
    }

    /// The dockerd program the host runs (its `argv[0]` when absolute), else the first of the usual places
    /// that holds one; `nil` when none does. CIS 1.1.3 asks to audit this file.
    private func dockerdBinary(root: HostRoot, pid: Int?) -> String? {
        if let pid, let program = root.read("/proc/\(pid)/cmdline")?.split(separator: "\0").first,
            program.hasPrefix("/")
        {
            return String(program)
        }
        return ["/usr/bin/dockerd", "/usr/sbin/dockerd", "/usr/local/bin/dockerd", "/bin/dockerd"]
            .first { root.status($0) != nil }
    }

    /// The files and folders of CIS section 3, in the benchmark's order.
    private func files(root: HostRoot, settings: DaemonSettings, configPath: String) -> [HostFileFacts] {
        var files: [HostFileFacts] = []
        for unit in ["docker.service", "docker.socket"] {
            let candidates = ["/etc/systemd/system/", "/lib/systemd/system/", "/usr/lib/systemd/system/"].map { $0 + unit }
            let path = candidates.first { root.status($0) != nil } ?? candidates[1]
            files.append(HostFileFacts(path: path, role: unit, status: root.status(path)))
        }
        files.append(HostFileFacts(path: "/etc/docker", role: "/etc/docker", status: root.status("/etc/docker")))
        for registry in root.list("/etc/docker/certs.d") {
            let folder = "/etc/docker/certs.d/\(registry)"
            for name in root.list(folder) {
                let path = "\(folder)/\(name)"
                guard let status = root.status(path), status.st_mode & S_IFMT == S_IFREG else { continue }
                files.append(HostFileFacts(path: path, role: "registry-cert", status: status))
            }
        }
        for key in ["tlscacert", "tlscert", "tlskey"] {
            guard let path = settings.string(key) else { continue }
            files.append(HostFileFacts(path: path, role: key, status: root.status(path)))
        }
        var sockets = settings.strings("hosts").filter { $0.hasPrefix("unix://") }.map { String($0.dropFirst(7)) }
        if sockets.isEmpty { sockets = ["/var/run/docker.sock"] }
        if let socketPath, !sockets.contains(socketPath) { sockets.append(socketPath) }
        for socket in sockets {
            files.append(HostFileFacts(path: socket, role: "docker.sock", status: root.status(socket)))
        }
        files.append(HostFileFacts(path: configPath, role: "daemon.json", status: root.status(configPath)))
        for (path, role) in [
            ("/etc/default/docker", "/etc/default/docker"), ("/etc/sysconfig/docker", "/etc/sysconfig/docker"),
            ("/run/containerd/containerd.sock", "containerd.sock"),
        ] {
            files.append(HostFileFacts(path: path, role: role, status: root.status(path)))
        }
        return files
    }

    private func emit(_ file: HostFileFacts, accounts: HostAccounts, into json: inout JSONEmitter) {
        json.beginObject()
        json.field("Path", file.path)
        json.field("Role", file.role)
        json.field("Exists", file.status != nil)
        if let status = file.status {
            json.field("Type", file.type)
            json.field("Uid", Int(status.st_uid))
            json.field("Gid", Int(status.st_gid))
            json.field("Owner", accounts.users[status.st_uid] ?? String(status.st_uid))
            json.field("Group", accounts.groups[status.st_gid] ?? String(status.st_gid))
            json.field("Mode", file.mode)
        }
        json.endObject()
    }

    /// `DataRoot`: Docker's root directory (with user namespaces, the parent of the remapped one, as
    /// docker-bench reads it) and whether it is a mount point: its device differs from its parent's. Returns
    /// the path.
    @discardableResult
    private func emitDataRoot(root: HostRoot, settings: DaemonSettings, into json: inout JSONEmitter) -> String {
        var path = info?["DockerRootDir"]?.string ?? settings.string("data-root") ?? "/var/lib/docker"
        let remapped = info?["SecurityOptions"]?.items.contains { $0.string == "name=userns" } ?? false
        if remapped, let slash = path.lastIndex(of: "/"), slash != path.startIndex { path = String(path[..<slash]) }
        let parent = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "/"
        guard let own = root.status(path), let above = root.status(parent) else {
            json.null()
            return path
        }
        json.beginObject()
        json.field("Path", path)
        json.field("MountPoint", own.st_dev != above.st_dev)
        json.endObject()
        return path
    }
}

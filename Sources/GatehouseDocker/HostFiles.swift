#if canImport(Glibc)
import Glibc
#endif

/// The host's filesystem as the auditor sees it: `/` on the host itself, or the folder where the host's root
/// is mounted read-only when the auditor runs in a container (`--root /host`). Paths given to it are the
/// host's own (`/etc/docker/daemon.json`); symbolic links are followed inside the root, never out of it.
struct HostRoot: Sendable {
    let path: String

    init(_ path: String) {
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.path = trimmed
    }

    /// Where a host path lives for this process.
    func local(_ hostPath: String) -> String {
        path == "/" ? hostPath : path + hostPath
    }

    /// A host path with its symbolic links resolved within the root (at most 16 hops), or `nil` when a link
    /// loops.
    func resolve(_ hostPath: String) -> String? {
        var components = hostPath.split(separator: "/").map(String.init)
        var resolved: [String] = []
        var hops = 0
        while !components.isEmpty {
            let next = components.removeFirst()
            if next == "." || next.isEmpty { continue }
            if next == ".." {
                _ = resolved.popLast()
                continue
            }
            let candidate = "/" + (resolved + [next]).joined(separator: "/")
            var info = stat()
            if lstat(local(candidate), &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                hops += 1
                guard hops <= 16, let target = readLink(local(candidate)) else { return nil }
                if target.hasPrefix("/") { resolved = [] }
                components = target.split(separator: "/").map(String.init) + components
                continue
            }
            resolved.append(next)
        }
        return "/" + resolved.joined(separator: "/")
    }

    /// The file's text, or `nil` when it cannot be read (missing, a directory, unreadable). Files past 4 MiB
    /// are not read: no file Gatehouse reads here is that large, and a huge one is not worth the memory.
    func read(_ hostPath: String) -> String? {
        guard let resolved = resolve(hostPath) else { return nil }
        let fd = open(local(resolved), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while bytes.count <= 4 << 20 {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(contentsOf: buffer[..<n])
        }
        return nil
    }

    /// `stat(2)` of a host path (links followed within the root).
    func status(_ hostPath: String) -> stat? {
        guard let resolved = resolve(hostPath) else { return nil }
        var info = stat()
        return stat(local(resolved), &info) == 0 ? info : nil
    }

    /// The names in a host folder, sorted; empty when it cannot be read.
    func list(_ hostPath: String) -> [String] {
        guard let resolved = resolve(hostPath), let dir = opendir(local(resolved)) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    private func readLink(_ localPath: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(localPath, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// One file or folder the CIS Docker Benchmark names, with what `stat(2)` says about it.
struct HostFileFacts {
    let path: String
    /// What the file is to Docker (`docker.service`, `daemon.json`, `registry-cert`...): rules find files by it.
    let role: String
    let status: stat?

    var type: String {
        guard let status else { return "" }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return "directory"
        case S_IFSOCK: return "socket"
        case S_IFREG: return "file"
        default: return "other"
        }
    }

    /// The permission bits in octal, as `stat -c %a` would print them with a leading zero (`0644`).
    var mode: String? {
        guard let status else { return nil }
        let bits = Int(status.st_mode & 0o7777)
        let text = String(bits, radix: 8)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}

/// `/etc/passwd` and `/etc/group` of the host, for owner names and the docker group's members.
struct HostAccounts {
    private(set) var users: [UInt32: String] = [:]
    private(set) var groups: [UInt32: String] = [:]
    /// Members by group name: those /etc/group lists, then the users whose primary group (/etc/passwd) it is,
    /// as they hold its rights too.
    private(set) var members: [String: [String]] = [:]

    init(root: HostRoot) {
        var primary: [(user: String, gid: UInt32)] = []
        for line in (root.read("/etc/passwd") ?? "").split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count > 2, let id = UInt32(fields[2]) { users[id] = users[id] ?? String(fields[0]) }
            if fields.count > 3, let gid = UInt32(fields[3]) { primary.append((String(fields[0]), gid)) }
        }
        for line in (root.read("/etc/group") ?? "").split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count > 3, let id = UInt32(fields[2]) else { continue }
            let name = String(fields[0])
            groups[id] = groups[id] ?? name
            var listed = fields[3].split(separator: ",").map(String.init)
            for entry in primary where entry.gid == id && !listed.contains(entry.user) { listed.append(entry.user) }
            members[name] = listed
        }
    }
}

/// The paths the host's audit rules watch (CIS 1.1.3 to 1.1.18): `-w PATH` and `-F path=PATH`/`-F dir=PATH`
/// in `/etc/audit/audit.rules` and `/etc/audit/rules.d/*.rules`. These files are what auditd loads at boot;
/// rules loaded by hand with `auditctl` and not written there do not survive a reboot and are not seen.
struct HostAuditRules {
    /// Every watched path, trailing slashes removed.
    let paths: [String]
    /// The watches that cover a whole subtree: `-w` on a directory is `-F dir=`, which auditctl(8) makes
    /// recursive; `-F path=` watches that one inode only. `-w` on a file is listed too: it has no subtree.
    let trees: [String]
    /// The files read, for messages.
    let sources: [String]

    init?(root: HostRoot) {
        var files = ["/etc/audit/audit.rules"]
        files += root.list("/etc/audit/rules.d").filter { $0.hasSuffix(".rules") }.map { "/etc/audit/rules.d/\($0)" }
        var paths: [String] = []
        var trees: [String] = []
        var sources: [String] = []
        func watch(_ path: String, recursive: Bool) {
            var path = path
            while path.count > 1, path.hasSuffix("/") { path.removeLast() }
            paths.append(path)
            if recursive { trees.append(path) }
        }
        for file in files {
            guard let text = root.read(file) else { continue }
            sources.append(file)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                    .split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                var i = 0
                while i < words.count {
                    defer { i += 1 }
                    if words[i] == "-w", i + 1 < words.count {
                        watch(words[i + 1], recursive: true)
                    } else if words[i] == "-F", i + 1 < words.count {
                        for prefix in ["path=", "dir="] where words[i + 1].hasPrefix(prefix) {
                            watch(String(words[i + 1].dropFirst(prefix.count)), recursive: prefix == "dir=")
                        }
                    }
                }
            }
        }
        guard !sources.isEmpty else { return nil }
        self.paths = paths
        self.trees = trees
        self.sources = sources
    }
}

/// A running dockerd found in the host's `/proc`: its pid and arguments.
struct DockerdProcess {
    let pid: Int
    let arguments: [String]

    /// The dockerd that serves `socketPath` when one names it with `-H`, else the only dockerd, else the
    /// newest (highest pid); `nil` when none runs (or `/proc` is not the host's).
    static func find(root: HostRoot, socketPath: String?) -> (process: DockerdProcess, note: String?)? {
        var found: [DockerdProcess] = []
        for name in root.list("/proc") {
            guard let pid = Int(name), let text = root.read("/proc/\(name)/cmdline"), !text.isEmpty else { continue }
            let argv = text.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
                .filter { !$0.isEmpty }
            guard let program = argv.first, program.split(separator: "/").last == "dockerd" else { continue }
            found.append(DockerdProcess(pid: pid, arguments: Array(argv.dropFirst())))
        }
        guard !found.isEmpty else { return nil }
        if found.count == 1 { return (found[0], nil) }
        if let socketPath {
            var settings = DaemonSettings()
            for process in found {
                settings = DaemonSettings()
                settings.readFlags(process.arguments, pid: process.pid)
                if settings.strings("hosts").contains("unix://\(socketPath)") { return (process, nil) }
            }
        }
        let newest = found.max { $0.pid < $1.pid }!
        return (
            newest,
            "\(found.count) dockerd processes run (pids \(found.map { String($0.pid) }.joined(separator: ", "))); "
                + "none names the audited socket with -H, so the settings of the newest (pid \(newest.pid)) were read"
        )
    }
}

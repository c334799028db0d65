import KubeModel

/// dockerd's effective settings, by daemon.json key: from its configuration file and its command line.
///
/// dockerd refuses to start when a setting is given both ways, so each setting has one source. A flag given
/// several times keeps its last value, except the cumulative ones (`-H`, `--insecure-registry`,
/// `--storage-opt`, `--authorization-plugin`, `--default-ulimit`), which collect every value, as dockerd does.
/// Settings neither sets are absent: Docker's default applies and each rule states that default.
struct DaemonSettings {
    enum Setting {
        /// From daemon.json: the parsed value (with its line).
        case file(Value, source: String)
        case flagBool(Bool, source: String)
        case flagString(String, source: String)
        case flagList([String], source: String)

        var source: String {
            switch self {
            case .file(_, let source), .flagBool(_, let source), .flagString(_, let source), .flagList(_, let source):
                source
            }
        }
    }

    private(set) var settings: [String: Setting] = [:]
    /// Problems worth a note (an unreadable daemon.json), with where.
    private(set) var problems: [String] = []

    /// How each dockerd flag maps to a daemon.json key, and whether it is a boolean or cumulative flag.
    enum FlagKind { case bool, string, list }
    static let flags: [String: (key: String, kind: FlagKind)] = [
        "--icc": ("icc", .bool), "--iptables": ("iptables", .bool), "--ip-forward": ("ip-forward", .bool),
        "--log-level": ("log-level", .string), "-l": ("log-level", .string),
        "--insecure-registry": ("insecure-registries", .list),
        "--storage-driver": ("storage-driver", .string), "-s": ("storage-driver", .string),
        "--storage-opt": ("storage-opts", .list),
        "--tls": ("tls", .bool), "--tlsverify": ("tlsverify", .bool),
        "--tlscacert": ("tlscacert", .string), "--tlscert": ("tlscert", .string), "--tlskey": ("tlskey", .string),
        "--host": ("hosts", .list), "-H": ("hosts", .list),
        "--default-ulimit": ("default-ulimits", .list),
        "--userns-remap": ("userns-remap", .string), "--cgroup-parent": ("cgroup-parent", .string),
        "--authorization-plugin": ("authorization-plugins", .list), "--log-driver": ("log-driver", .string),
        "--no-new-privileges": ("no-new-privileges", .bool), "--live-restore": ("live-restore", .bool),
        "--userland-proxy": ("userland-proxy", .bool), "--seccomp-profile": ("seccomp-profile", .string),
        "--experimental": ("experimental", .bool), "--debug": ("debug", .bool), "-D": ("debug", .bool),
        "--config-file": ("config-file", .string), "--data-root": ("data-root", .string),
        "--exec-root": ("exec-root", .string), "--selinux-enabled": ("selinux-enabled", .bool),
    ]

    /// Reads dockerd's arguments (`argv`, without the program name), `pid` naming the process in sources.
    mutating func readFlags(_ arguments: [String], pid: Int) {
        readFlags(arguments, origin: "pid \(pid)")
    }

    /// Reads dockerd's arguments as `origin` gives them (`pid 123`, `docker.service ExecStart`): sources name it.
    mutating func readFlags(_ arguments: [String], origin: String) {
        var lists: [String: [String]] = [:]
        var listSources: [String: String] = [:]
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            i += 1
            guard argument.hasPrefix("-"), argument != "-", argument != "--" else { continue }
            var name = argument
            var inline: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            } else if !argument.hasPrefix("--"), argument.count > 2 {
                // A shorthand with its value attached: -Hunix:///run/docker.sock, -ldebug.
                name = String(argument.prefix(2))
                inline = String(argument.dropFirst(2))
            }
            guard let (key, kind) = Self.flags[name] else { continue }
            switch kind {
            case .bool:
                let value = inline.map { ["true", "1", "t", "T", "TRUE", "True"].contains($0) } ?? true
                settings[key] = .flagBool(value, source: "dockerd flag \(argument) (\(origin))")
            case .string, .list:
                var value = inline
                if value == nil, i < arguments.count {
                    value = arguments[i]
                    i += 1
                }
                guard let value else { continue }
                let shown = inline == nil ? "\(name) \(value)" : argument
                if kind == .string {
                    settings[key] = .flagString(value, source: "dockerd flag \(shown) (\(origin))")
                } else {
                    lists[key, default: []].append(value)
                    listSources[key] = listSources[key].map { $0 + ", " + shown } ?? "dockerd flag " + shown
                }
            }
        }
        for (key, values) in lists {
            settings[key] = .flagList(values, source: "\(listSources[key]!) (\(origin))")
        }
    }

    /// Reads daemon.json (`text`, shown as `path`): each top-level key becomes a setting unless a flag already
    /// set it. A file that does not parse is a problem named with its line, and adds nothing.
    mutating func readConfigFile(_ text: String, path: String) {
        switch JSONLoader.parse(text) {
        case .failure(let problem):
            problems.append("\(path):\(problem.position.line):\(problem.position.column): daemon.json does not parse: \(problem.message)")
        case .success(let tree):
            guard tree.root.isMapping else {
                problems.append("\(path): daemon.json is not a JSON object")
                return
            }
            for (key, value) in tree.root.pairs {
                guard let name = key.string, settings[name] == nil else { continue }
                settings[name] = .file(value, source: "\(path) line \(key.position.line)")
            }
        }
    }

    /// A string setting (the config file's path, the data root), from either source.
    func string(_ key: String) -> String? {
        switch settings[key] {
        case .file(let value, _): value.string
        case .flagString(let value, _): value
        default: nil
        }
    }

    /// The values of a list setting (`hosts`), from either source.
    func strings(_ key: String) -> [String] {
        switch settings[key] {
        case .file(let value, _): value.isSequence ? value.items.compactMap(\.string) : value.string.map { [$0] } ?? []
        case .flagList(let values, _): values
        case .flagString(let value, _): [value]
        default: []
        }
    }

    /// Writes `Settings` of the host document: `{key: {Value, Source}}`, keys sorted.
    func emit(into json: inout JSONEmitter) {
        json.beginObject()
        for key in settings.keys.sorted() {
            guard let setting = settings[key] else { continue }
            json.key(key)
            json.beginObject()
            json.key("Value")
            switch setting {
            case .file(let value, _): json.value(value)
            case .flagBool(let value, _): json.bool(value)
            case .flagString(let value, _): json.string(value)
            case .flagList(let values, _):
                json.beginArray()
                for value in values { json.string(value) }
                json.endArray()
            }
            json.field("Source", setting.source)
            json.endObject()
        }
        json.endObject()
    }
}

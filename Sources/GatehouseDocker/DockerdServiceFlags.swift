/// dockerd's flags as its systemd unit starts it, for a host where no dockerd runs in the `/proc` the auditor
/// sees (stopped, or the auditor is not in the host's PID namespace): `ExecStart=` of docker.service, with
/// its drop-ins, and the variables it names from `Environment=` and `EnvironmentFile=` (Debian's unit passes
/// `$DOCKER_OPTS` from `/etc/default/docker`). This is what dockerd runs with at its next start.
struct DockerdServiceFlags {
    /// dockerd's arguments, without the program.
    let arguments: [String]
    /// Where they were read, for sources: `docker.service ExecStart (/lib/systemd/system/docker.service)`.
    let origin: String

    /// The unit's dockerd arguments; `nil` when no docker.service is found or its `ExecStart` is not dockerd.
    init?(root: HostRoot) {
        let unitFolders = ["/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"]
        guard let unit = unitFolders.map({ $0 + "/docker.service" }).first(where: { root.read($0) != nil }),
            let unitText = root.read(unit)
        else { return nil }
        // Drop-ins apply after the unit, in name order across their folders.
        var dropIns: [(name: String, path: String)] = []
        for folder in unitFolders {
            for name in root.list(folder + "/docker.service.d") where name.hasSuffix(".conf") {
                if !dropIns.contains(where: { $0.name == name }) { dropIns.append((name, "\(folder)/docker.service.d/\(name)")) }
            }
        }
        var execStart: (line: String, file: String)?
        var environment: [String: String] = [:]
        for (file, text) in [(unit, unitText)] + dropIns.sorted { $0.name < $1.name }.compactMap({ d in root.read(d.path).map { (d.path, $0) } }) {
            for (key, value) in Self.serviceSettings(text) {
                switch key {
                case "ExecStart": execStart = value.isEmpty ? nil : (value, file)  // an empty ExecStart= resets it
                case "Environment":
                    for assignment in Self.words(value) { Self.assign(assignment, into: &environment) }
                case "EnvironmentFile":
                    let path = value.hasPrefix("-") ? String(value.dropFirst()) : value
                    for line in (root.read(path) ?? "").split(separator: "\n") { Self.assign(String(line), into: &environment) }
                default: continue
                }
            }
        }
        guard let execStart else { return nil }
        var command = execStart.line
        while let first = command.first, "-@+!:".contains(first) { command.removeFirst() }
        var words: [String] = []
        for word in Self.words(command) {
            // `$VAR` alone expands to its words (systemd splits it); `${VAR}` to one word.
            if word.hasPrefix("$"), !word.hasPrefix("${") {
                words += Self.words(environment[String(word.dropFirst())] ?? "")
            } else if word.hasPrefix("${"), word.hasSuffix("}") {
                words.append(environment[String(word.dropFirst(2).dropLast())] ?? "")
            } else {
                words.append(word)
            }
        }
        guard let program = words.first, program.split(separator: "/").last == "dockerd" else { return nil }
        arguments = Array(words.dropFirst())
        origin = "docker.service ExecStart in \(execStart.file)"
    }

    /// `Key=value` lines of the `[Service]` section, in order; a line ending in `\` continues on the next.
    static func serviceSettings(_ text: String) -> [(key: String, value: String)] {
        var settings: [(String, String)] = []
        var inService = false
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = pending + raw.trimmingSpaces
            pending = ""
            if line.hasSuffix("\\") {
                line.removeLast()
                pending = line + " "
                continue
            }
            if line.hasPrefix("#") || line.hasPrefix(";") || line.isEmpty { continue }
            if line.hasPrefix("[") {
                inService = line == "[Service]"
                continue
            }
            guard inService, let equals = line.firstIndex(of: "=") else { continue }
            settings.append((String(line[..<equals]).trimmingSpaces, String(line[line.index(after: equals)...]).trimmingSpaces))
        }
        return settings
    }

    /// `NAME=value` (quotes removed) into `environment`; comments and other lines are skipped.
    static func assign(_ line: String, into environment: inout [String: String]) {
        let text = line.trimmingSpaces
        guard !text.hasPrefix("#"), let equals = text.firstIndex(of: "=") else { return }
        let name = String(text[..<equals])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return }
        environment[name] = words(String(text[text.index(after: equals)...])).joined(separator: " ")
    }

    /// Words split at spaces and tabs, with double or single quotes grouping (and removed).
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for c in text {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
                inWord = true
            } else if c == " " || c == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

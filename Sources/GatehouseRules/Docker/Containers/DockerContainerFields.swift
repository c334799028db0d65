import KubeModel

/// `HostConfig.SecurityOpt` entries read the way the daemon reads them: `no-new-privileges` alone, else
/// `key=value`, else the deprecated `key:value` (`=` wins when both appear: `label=type:svirt_t` is a label).
/// Keys are compared lower-cased, so a spelling the daemon would refuse is still judged, never overlooked.
struct DockerSecurityOption {
    /// `seccomp`, `apparmor`, `label`, `no-new-privileges`, lower-cased.
    let key: String
    /// The text after the separator; `nil` for a bare option (`no-new-privileges`).
    let value: String?
    let node: Value
    let path: String

    /// Every string entry of the container's `HostConfig.SecurityOpt`, in order.
    static func all(of container: DockerContainerView) -> [DockerSecurityOption] {
        container.hostConfigList("SecurityOpt").map { text, node, i in
            let separator = text.firstIndex(of: "=") ?? text.firstIndex(of: ":")
            let key = separator.map { String(text[..<$0]) } ?? text
            let value = separator.map { String(text[text.index(after: $0)...]) }
            return DockerSecurityOption(
                key: key.lowercased(), value: value, node: node, path: "HostConfig.SecurityOpt[\(i)]")
        }
    }

    /// The value as Go's `strconv.ParseBool` reads it, which the daemon uses for `no-new-privileges=<bool>`;
    /// a bare option is true; `nil` for text the daemon refuses.
    var bool: Bool? {
        guard let value else { return true }
        switch value {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }
}

/// Who a `--user` value (`Config.User`, an exec's `ProcessConfig.user`) runs as.
enum DockerUser {
    /// Whether `user` runs as root: empty (Docker's default when the image sets no USER), `root` or a UID
    /// that reads as 0, with or without a group (`0:0`, `root:root`, `root:staff`, `0:1000`). A user name
    /// other than `root` is taken at its word: the image's /etc/passwd, which could map it to UID 0, is not read.
    static func isRoot(_ user: String) -> Bool {
        let name = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = name.trimmingCharacters(in: " ")
        return trimmed.isEmpty || trimmed == "root" || Int(trimmed) == 0
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return s
    }
}

extension DockerContainerView {
    /// Reports a `HostConfig` namespace mode set to `host` (`--network host`, `--pid host`...), the one shape of
    /// CIS Docker 5.10, 5.16, 5.17, 5.21 and 5.31. Modes are compared exactly, as the daemon does: `HOST`
    /// is no mode the daemon knows (it names a network, or is refused).
    func reportHostMode(_ key: String, flag: String, control: CISDockerControl, _ context: inout CheckContext) {
        guard let mode = hostConfig(key), mode.string == "host" else { return }
        context.report(
            "container \(label) shares the host's \(flag) namespace (HostConfig.\(key)=host)", control: control,
            path: "HostConfig.\(key)", at: mode)
    }

    /// ``portBindings`` with one entry per published port: a running container lists what it asked for
    /// (`HostConfig.PortBindings`) and what it got (`NetworkSettings.Ports`, where one binding on every
    /// interface shows as `0.0.0.0` and `::`); the first entry for each container port and host port stays.
    var publishedPorts: [PortBinding] {
        var seen = Set<String>()
        return portBindings.filter { seen.insert("\($0.containerPort) \($0.hostPort)").inserted }
    }

    /// The lowest host port of a binding (`8000-8010` is a range); `nil` for a port Docker picks (`""`, `0`).
    static func lowestHostPort(_ binding: PortBinding) -> Int? {
        let first = binding.hostPort.split(separator: "-").first.map(String.init) ?? ""
        guard let port = Int(first), port > 0 else { return nil }
        return port
    }
}

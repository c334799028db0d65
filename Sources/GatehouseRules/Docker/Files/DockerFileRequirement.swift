import KubeModel

/// What CIS Docker section 3 asks of the host files that play one role (`daemon.json`, `docker.sock`...):
/// owned by root (and by the root group, or the group named in `groups`), and no permission bit outside
/// `allowedMode`. Each `docker-file-*` rule is one requirement.
///
/// Modes are bit masks: a file fails when `mode & ~allowedMode != 0`, so 0620 fails "644 or more restrictive"
/// (it grants group write) although docker-bench, comparing the octal text as decimals, passes it. Setuid,
/// setgid and sticky bits are outside every mask the benchmark names and fail too. Ownership is judged by uid
/// and gid, so a file owned by uid 0 whose user has another name (or none in /etc/passwd) is root's. A file
/// that does not exist passes: there is nothing to secure.
struct DockerFileRequirement {
    /// The file's role in the host document's `Files`.
    let role: String
    /// How messages name the file ("the docker.service unit").
    let what: String
    let ownerControl: CISDockerControl
    let modeControl: CISDockerControl
    let allowedMode: Int
    /// Group names accepted besides gid 0 (the Docker socket's `docker`).
    var groups: Set<String> = []

    func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object) else { return }
        for file in host.files(role: role) where file.exists {
            if file.uid != 0 || !(file.gid == 0 || groups.contains(file.group)) {
                let wanted = groups.isEmpty ? "root:root" : "root:" + groups.sorted().joined(separator: " or root:")
                let ids = "\(file.uid.map(String.init) ?? "?"):\(file.gid.map(String.init) ?? "?")"
                let owner = "\(file.owner):\(file.group)" == ids ? ids : "\(file.owner):\(file.group) (\(ids))"
                context.report(
                    "\(what) \(file.path) on host \(host.name) is owned by \(owner), not \(wanted)",
                    control: ownerControl, path: "\(file.fieldPath).Owner", at: file.value["Owner"] ?? file.value)
            }
            if let mode = file.mode, mode & ~allowedMode != 0 {
                context.report(
                    "\(what) \(file.path) on host \(host.name) has mode \(Self.octal(mode)), beyond "
                        + "\(Self.octal(allowedMode)): \(Self.describe(mode & ~allowedMode))",
                    control: modeControl, path: "\(file.fieldPath).Mode", at: file.value["Mode"] ?? file.value)
            }
        }
    }

    /// `0644`.
    static func octal(_ mode: Int) -> String {
        let text = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    /// The bits in words: "setuid, group write, others read".
    static func describe(_ bits: Int) -> String {
        let special = [(0o4000, "setuid"), (0o2000, "setgid"), (0o1000, "sticky")]
        var words = special.filter { bits & $0.0 != 0 }.map(\.1)
        for (shift, who) in [(6, "owner"), (3, "group"), (0, "others")] {
            for (bit, right) in [(4, "read"), (2, "write"), (1, "execute")] where bits & (bit << shift) != 0 {
                words.append("\(who) \(right)")
            }
        }
        return words.joined(separator: ", ")
    }
}

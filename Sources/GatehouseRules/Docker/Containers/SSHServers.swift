import KubeModel

/// The SSH servers in a container's process list, as `GET /containers/{id}/top` gives it (`Titles` and
/// `Processes`, whatever `ps` columns were asked for): one reading for the CIS 5.7 rule (`docker-sshd`) and the
/// watch's alert (`alert-docker-ssh`), so both see the same processes.
///
/// A process runs an SSH server when the program of one of its command columns (`CMD`, `COMMAND`, `COMM`,
/// `ARGS`; the last column when none is titled so) is `sshd` (any path, `sshd-session` and the like, or sshd's
/// own `sshd: ...` title) or `dropbear`. A word of the arguments does not count: `sh -c "echo sshd"` is a shell.
enum SSHServers {
    struct Process {
        /// Its index in `Processes`.
        let index: Int
        let value: Value
        let columns: [String]
        /// The command as `ps` showed it (the last command column).
        let command: String
        /// Its pid, when `ps` showed one.
        let pid: String?
    }

    static func find(in top: Value) -> [Process] {
        guard let processes = top["Processes"], processes.isSequence else { return [] }
        let titles = top["Titles"]?.items.map { $0.string ?? "" } ?? []
        var commands = titles.indices.filter { ["CMD", "COMMAND", "COMM", "ARGS"].contains(titles[$0]) }
        if commands.isEmpty, !titles.isEmpty { commands = [titles.count - 1] }
        let pid = titles.firstIndex(of: "PID")
        var found: [Process] = []
        for (i, process) in processes.items.enumerated() {
            let columns = process.items.map { $0.string ?? "" }
            let present = commands.filter { $0 < columns.count }
            guard present.contains(where: { isServer(columns[$0]) }), let shown = present.last else { continue }
            found.append(
                Process(
                    index: i, value: process, columns: columns, command: columns[shown],
                    pid: pid.flatMap { $0 < columns.count ? columns[$0] : nil }))
        }
        return found
    }

    /// Whether a `ps` command (or command name) runs an SSH server: its program name, not its arguments.
    static func isServer(_ command: String) -> Bool {
        guard var program = command.split(separator: " ", omittingEmptySubsequences: true).first else { return false }
        if let slash = program.lastIndex(of: "/") { program = program[program.index(after: slash)...] }
        if program.hasSuffix(":") { program = program.dropLast() }
        return program == "sshd" || program.hasPrefix("sshd-") || program == "dropbear"
    }
}

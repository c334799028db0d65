import Foundation

/// A Docker daemon of the test's own: `dockerd` with a private data root, exec root, pid file and unix socket
/// in a temporary directory, never the system's socket. Start it with ``start()``, drive it with
/// ``docker(_:)``, and ``stop()`` it (also done on deinit): the daemon is killed by its pid and the directory
/// removed, on every path.
///
/// It needs root, `dockerd`, the `docker` CLI and a static busybox (`/bin/busybox`, Debian's busybox-static) for
/// the test image. ``missing`` names what is absent, so a test can be skipped saying why.
final class PrivateDockerd: @unchecked Sendable {
    /// Why a private daemon cannot run here, or `nil` when it can (as far as can be told before starting it).
    static let missing: String? = {
        if getuid() != 0 { return "dockerd needs root (running as uid \(getuid()))" }
        if dockerd == nil { return "no dockerd on PATH (Debian package docker.io)" }
        if dockerCLI == nil { return "no docker CLI on PATH (Debian package docker.io)" }
        if !FileManager.default.isExecutableFile(atPath: busybox) { return "no \(busybox) (Debian package busybox-static)" }
        return nil
    }()

    static let busybox = "/bin/busybox"
    static let dockerd = executable("dockerd")
    static let dockerCLI = executable("docker")

    /// The daemon's directory: `root/`, `exec/`, `pid`, `sock`, `dockerd.log`.
    let directory: String
    private var process: Process?

    /// The daemon's socket path, and the same as a `--host` value.
    var socketPath: String { directory + "/sock" }
    var host: String { "unix://" + socketPath }

    private init(directory: String) {
        self.directory = directory
    }

    deinit { stop() }

    /// A failure to start or drive the daemon, with its output.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts a daemon and waits (up to 30 s) until it answers `/_ping`; `arguments` are more dockerd flags
    /// (`--icc=false`). It leaves the host's firewall alone (`--iptables=false`) and makes no bridge. Throws
    /// ``Failure`` naming why it did not start, with the end of its log; nothing is left behind then.
    static func start(arguments: [String] = []) throws -> PrivateDockerd {
        if let missing { throw Failure(description: missing) }
        // Short: a unix socket path must fit in 108 bytes.
        let directory = "/tmp/ghd-" + String(UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let daemon = PrivateDockerd(directory: directory)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dockerd!)
        process.arguments = [
            "--data-root", directory + "/root", "--exec-root", directory + "/exec", "--pidfile", directory + "/pid",
            "-H", daemon.host, "--bridge", "none", "--iptables=false",
        ] + arguments
        FileManager.default.createFile(atPath: directory + "/dockerd.log", contents: nil)
        let log = FileHandle(forWritingAtPath: directory + "/dockerd.log")
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            daemon.stop()
            throw Failure(description: "dockerd did not run: \(error)")
        }
        daemon.process = process
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if !process.isRunning { break }
            if (try? daemon.docker("version", "--format", "{{.Server.APIVersion}}")) != nil { return daemon }
            Thread.sleep(forTimeInterval: 0.25)
        }
        let tail = daemon.logTail()
        daemon.stop()
        throw Failure(description: "dockerd did not answer on \(daemon.socketPath) within 30 s: \(tail)")
    }

    /// Runs the docker CLI against this daemon; its standard output, trimmed. Throws ``Failure`` with its
    /// standard error when it exits non-zero.
    @discardableResult
    func docker(_ arguments: String...) throws -> String {
        try docker(arguments)
    }

    @discardableResult
    func docker(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.dockerCLI!)
        process.arguments = ["-H", host] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DOCKER_CONFIG"] = directory + "/cli"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "docker \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                    + String(decoding: stderr, as: UTF8.self))
        }
        return String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Builds a local image `name` with `docker import` from a root filesystem holding a static busybox, its
    /// `sh`, `sleep`, `ps` and `id` applets, root in `/etc/passwd` (so `docker exec -u root` resolves), and
    /// `/usr/sbin/sshd`: a shell script that sleeps, so `ps` shows a process named `sshd` without an SSH server.
    func importImage(_ name: String) throws {
        let rootfs = directory + "/rootfs"
        let files = FileManager.default
        for folder in ["bin", "etc", "usr/sbin"] {
            try files.createDirectory(atPath: rootfs + "/" + folder, withIntermediateDirectories: true)
        }
        try files.copyItem(atPath: Self.busybox, toPath: rootfs + "/bin/busybox")
        for applet in ["sh", "sleep", "ps", "id"] {
            try files.createSymbolicLink(atPath: rootfs + "/bin/" + applet, withDestinationPath: "busybox")
        }
        try "root:x:0:0:root:/root:/bin/sh\n".write(toFile: rootfs + "/etc/passwd", atomically: true, encoding: .utf8)
        try "root:x:0:\n".write(toFile: rootfs + "/etc/group", atomically: true, encoding: .utf8)
        try "#!/bin/sh\nsleep 300\ntrue\n".write(toFile: rootfs + "/usr/sbin/sshd", atomically: true, encoding: .utf8)
        try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: rootfs + "/usr/sbin/sshd")
        let tarball = directory + "/rootfs.tar"
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-C", rootfs, "-cf", tarball, "."]
        try tar.run()
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else { throw Failure(description: "tar of the test rootfs failed") }
        try docker("import", tarball, name)
    }

    /// Removes every container, then kills the daemon by its pid (SIGTERM, then SIGKILL after 10 s) and removes
    /// its directory. Safe to call more than once.
    func stop() {
        if let process, process.isRunning {
            if let ids = try? docker("ps", "-aq"), !ids.isEmpty {
                _ = try? docker(["rm", "-f"] + ids.split(separator: "\n").map(String.init))
            }
            let pid = process.processIdentifier
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
        process = nil
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func logTail() -> String {
        let text = (try? String(contentsOfFile: directory + "/dockerd.log", encoding: .utf8)) ?? ""
        return String(text.suffix(1500))
    }

    private static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/local/sbin"]
        return folders.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

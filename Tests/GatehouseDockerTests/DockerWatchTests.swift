import Foundation
import GatehouseDocker
import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel
import Testing

/// `gatehouse docker watch` against a real Docker daemon of the test's own: containers are created, started and
/// exec'd into while the watcher follows the events, and each host-level alert must arrive.
@Suite(.serialized)
struct DockerWatchTests {
    static let image = "gatehouse-watch-test:1"

    /// One alert line of `--format json`, the fields the tests look at.
    struct Line {
        let alert: String
        let container: String
        let actor: String
        let evidence: [String]
        let count: Int
    }

    static func lines(_ text: String) -> [Line] {
        text.split(separator: "\n").compactMap { line in
            guard case .success(let tree) = JSONLoader.parse(String(line)) else { return nil }
            let root = tree.root
            return Line(
                alert: root["alert"]?.string ?? "", container: root.at("container", "name")?.string ?? "",
                actor: root.at("actor", "user")?.string ?? "",
                evidence: root["evidence"].map { $0.items.compactMap { $0["path"]?.string } } ?? [],
                count: root["count"]?.int ?? 0)
        }
    }

    /// The alerts the test's actions must raise: rule, container and an evidence path.
    static let expected: [(alert: String, container: String, evidence: String)] = [
        ("alert-docker-privileged", "priv", "Container.HostConfig.Privileged"),
        ("alert-docker-sensitive-mount", "socket", "Container.Mounts[0].Source"),
        ("alert-docker-exec-privileged", "app", "Exec.ProcessConfig.user"),
        ("alert-docker-ssh", "ssh", "Top.Processes[0]"),
    ]

    static func missing(in lines: [Line]) -> [String] {
        expected.filter { want in
            !lines.contains { $0.alert == want.alert && $0.container == want.container && $0.evidence.contains(want.evidence) }
        }.map { "\($0.alert) on \($0.container)" }
    }

    /// Starts a private daemon with the test image, or says why it cannot (then the test is skipped).
    static func daemon() -> PrivateDockerd? {
        do {
            let dockerd = try PrivateDockerd.start()
            try dockerd.importImage(image)
            return dockerd
        } catch {
            print("skipped: a private dockerd cannot run here: \(error)")
            return nil
        }
    }

    /// What the watcher wrote so far.
    static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// Creates a privileged container (it cannot start here: creation alerts), runs one with the daemon's own
    /// socket mounted, execs into a running container as root, and runs a container whose process is named
    /// `sshd`.
    static func act(on dockerd: PrivateDockerd) throws {
        try dockerd.docker("create", "--privileged", "--name", "priv", image, "sleep", "300")
        try dockerd.docker(
            "run", "-d", "--name", "socket", "--mount", "type=bind,source=\(dockerd.socketPath),target=/var/run/docker.sock",
            image, "sleep", "300")
        try dockerd.docker("run", "-d", "--name", "app", "-u", "1000", image, "sleep", "300")
        try dockerd.docker("exec", "-u", "root", "app", "id")
        try dockerd.docker("run", "-d", "--name", "ssh", image, "/usr/sbin/sshd")
    }

    @Test(
        .enabled(if: PrivateDockerd.missing == nil, "needs root, dockerd, the docker CLI and /bin/busybox (PrivateDockerd.missing says which)"),
        .timeLimit(.minutes(1)))
    func liveWatchRaisesEachHostAlert() async throws {
        guard let dockerd = Self.daemon() else { return }
        defer { dockerd.stop() }
        let output = dockerd.directory + "/alerts.jsonl"
        FileManager.default.createFile(atPath: output, contents: nil)
        let descriptor = open(output, O_WRONLY | O_APPEND)
        defer { close(descriptor) }
        var request = DockerWatchRequest(
            endpoint: try DockerEndpoint(dockerd.host), root: nil, format: .json, failOn: .severity(.medium),
            policy: Policy())
        request.pollInterval = 1
        // The events from now on, whether the watcher connects before the first action or after it.
        request.since = Date().timeIntervalSince1970 - 1
        let watch = Task { try await request.run(descriptor: descriptor) { _ in } }
        try Self.act(on: dockerd)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !Self.missing(in: Self.lines(Self.read(output))).isEmpty {
            try await Task.sleep(nanoseconds: 250_000_000)
        }
        watch.cancel()
        let status = try await watch.value
        let lines = Self.lines(Self.read(output))
        #expect(Self.missing(in: lines).isEmpty, "missing: \(Self.missing(in: lines)); got:\n\(Self.read(output))")
        // The exec ran as root: the alert names who.
        #expect(lines.contains { $0.alert == "alert-docker-exec-privileged" && $0.actor == "root" })
        // Nothing alerts on the unprivileged container's own configuration.
        #expect(!lines.contains { $0.container == "app" && $0.alert != "alert-docker-exec-privileged" })
        // The sensitive mount is medium: --fail-on medium fails.
        #expect(status == .findings)
    }

    /// `--once` after the fact: the inventory and the daemon's replay of its events up to now raise the same
    /// alerts, and the run ends by itself.
    @Test(
        .enabled(if: PrivateDockerd.missing == nil, "needs root, dockerd, the docker CLI and /bin/busybox (PrivateDockerd.missing says which)"),
        .timeLimit(.minutes(1)))
    func onceReadsInventoryAndReplay() async throws {
        guard let dockerd = Self.daemon() else { return }
        defer { dockerd.stop() }
        let start = Date().timeIntervalSince1970 - 1
        try Self.act(on: dockerd)
        let output = dockerd.directory + "/alerts.jsonl"
        FileManager.default.createFile(atPath: output, contents: nil)
        let descriptor = open(output, O_WRONLY | O_APPEND)
        defer { close(descriptor) }
        var request = DockerWatchRequest(
            endpoint: try DockerEndpoint(dockerd.host), root: nil, format: .json, failOn: .never, policy: Policy())
        request.once = true
        request.since = start
        let status = try await request.run(descriptor: descriptor) { _ in }
        let lines = Self.lines(Self.read(output))
        #expect(Self.missing(in: lines).isEmpty, "missing: \(Self.missing(in: lines)); got:\n\(Self.read(output))")
        #expect(status == .passed)
        // `docker run` creates then starts, and the inventory finds it running: one alert, then one summary
        // that counts the three.
        let socketAlerts = lines.filter { $0.alert == "alert-docker-sensitive-mount" && $0.container == "socket" }
        #expect(socketAlerts.map(\.count) == [1, 3])
    }

    /// A daemon that also listens on TCP without TLS: its own warning and, read from its command line under
    /// `--root /`, its `-H tcp://` flag are the evidence.
    @Test(
        .enabled(if: PrivateDockerd.missing == nil, "needs root, dockerd, the docker CLI and /bin/busybox (PrivateDockerd.missing says which)"),
        .timeLimit(.minutes(1)))
    func exposedDaemonIsReportedAtConnect() async throws {
        let port = Int.random(in: 30000..<60000)
        let dockerd: PrivateDockerd
        do {
            dockerd = try PrivateDockerd.start(arguments: ["-H", "tcp://127.0.0.1:\(port)"])
        } catch {
            print("skipped: a private dockerd cannot run here: \(error)")
            return
        }
        defer { dockerd.stop() }
        let output = dockerd.directory + "/alerts.jsonl"
        FileManager.default.createFile(atPath: output, contents: nil)
        let descriptor = open(output, O_WRONLY | O_APPEND)
        defer { close(descriptor) }
        var request = DockerWatchRequest(
            endpoint: try DockerEndpoint(dockerd.host), root: "/", format: .json, failOn: .never, policy: Policy())
        request.once = true
        _ = try await request.run(descriptor: descriptor) { _ in }
        let exposed = Self.lines(Self.read(output)).filter { $0.alert == "alert-docker-exposed-daemon" }
        #expect(exposed.count == 1, "got:\n\(Self.read(output))")
        #expect(exposed.first?.evidence == ["Host.Info.Warnings[0]", "Host.Settings.hosts.Value"])
    }

    /// A daemon that is not there: `--once` says so and returns the input-error status.
    @Test func onceWithoutADaemonIsAnInputError() async throws {
        var request = DockerWatchRequest(
            endpoint: try DockerEndpoint("unix:///nonexistent/gatehouse-test.sock"), root: nil, format: .json,
            failOn: .never, policy: Policy())
        request.once = true
        let notices = Notices()
        let status = try await request.run(descriptor: -1) { notices.add($0) }
        #expect(status == .inputError)
        #expect(notices.all.contains { $0.contains("/nonexistent/gatehouse-test.sock") })
    }
}

/// Notices collected from the watcher's callback.
final class Notices: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ text: String) { lock.withLock { items.append(text) } }
    var all: [String] { lock.withLock { items } }
}

/// Repeats of one alert within the window print once; a summary with the count follows when the window closes,
/// and memory holds at most `maxOpen` windows.
struct DockerAlertDeduplicatorTests {
    static func alert(_ rule: String, container: String, at seconds: Int, actor: String = "") -> DockerAlert {
        DockerAlert(
            ruleID: rule, severity: .low, message: "", evidence: [], host: "h", timeNano: seconds * 1_000_000_000,
            actor: actor, containerID: container, containerName: container, image: "busybox", imageID: "",
            action: "start")
    }

    @Test func repeatsMergeWithinTheWindow() {
        var dedup = DockerAlertDeduplicator(window: 60)
        #expect(dedup.add(Self.alert("r", container: "a", at: 0)).count == 1)
        #expect(dedup.add(Self.alert("r", container: "a", at: 10)).isEmpty)
        #expect(dedup.add(Self.alert("r", container: "a", at: 20, actor: "root")).count == 1)
        #expect(dedup.add(Self.alert("r", container: "b", at: 30)).count == 1)
        let later = dedup.add(Self.alert("r", container: "a", at: 100))
        // The first window's summary (2 events), then the new alert.
        #expect(later.map(\.count) == [2, 1])
        #expect(dedup.finish().isEmpty)
    }

    @Test func memoryIsBounded() {
        var dedup = DockerAlertDeduplicator(window: 600, maxOpen: 2)
        _ = dedup.add(Self.alert("r", container: "a", at: 0))
        _ = dedup.add(Self.alert("r", container: "a", at: 1))
        _ = dedup.add(Self.alert("r", container: "b", at: 2))
        // A third window closes the oldest early: its summary goes out.
        #expect(dedup.add(Self.alert("r", container: "c", at: 3)).map(\.count) == [2, 1])
    }
}

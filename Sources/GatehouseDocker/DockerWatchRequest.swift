#if canImport(Glibc)
import Glibc
#endif
import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel
import NIOCore

/// `gatehouse docker watch` as a library call: follow one Docker host's events and raise host-level alerts.
///
/// On every connect (the first and each reconnect) it checks how the daemon listens (`GET /info`, dockerd's
/// flags under ``root``), re-inventories the containers (`GET /containers/json?all=1`, then inspect and `top`
/// of the running ones) so that containers which appeared while it was away are judged, and follows
/// `GET /events` from where it left off. The daemon replays only its last 256 events, so what happened
/// between a drop and the reconnect beyond those is known only through the inventory: the watcher says so on
/// the notice stream, with the time range, every time. Running containers' processes are read every
/// ``pollInterval`` (the SSH server alert); the `top` events those reads cause are recognised and dropped.
public struct DockerWatchRequest: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    public var endpoint: DockerEndpoint
    /// The host's filesystem (`/`, or where it is mounted), for dockerd's flags; `nil` reads the API alone.
    public var root: String?
    public var format: Format
    public var failOn: FailThreshold
    public var policy: Policy
    /// Seconds between two reads of the running containers' processes.
    public var pollInterval: Double = 30
    /// Seconds since 1970 of the first event to read on the first connect; `nil` starts at the connect.
    public var since: Double?
    /// Read the inventory and the events up to the start, then return (for tests and timers).
    public var once = false
    /// Seconds within which repeats of an alert (same rule, container and actor) merge.
    public var window: Double = 600
    /// The longest wait between two connection attempts (the wait doubles from 1 s up to it).
    public var maxBackoff: Double = 60

    public init(endpoint: DockerEndpoint, root: String?, format: Format, failOn: FailThreshold, policy: Policy) {
        self.endpoint = endpoint
        self.root = root
        self.format = format
        self.failOn = failOn
        self.policy = policy
    }

    /// Watches until the task is cancelled (or, with ``once``, until the events up to the start are read) and
    /// returns the exit status: ``AuditExitStatus/findings`` when an alert met ``failOn``,
    /// ``AuditExitStatus/inputError`` when `once` could not reach the daemon. Alerts go to `descriptor`;
    /// `notice` receives what a person must know (a dropped stream and the time it may have missed, retries).
    public func run(descriptor: Int32, notice: @escaping @Sendable (String) -> Void) async throws -> AuditExitStatus {
        let engine = try DockerAlertEngine(policy: policy)
        let session = WatchSession(
            request: self, engine: engine, writer: format == .json ? DockerAlertJSONWriter() : DockerAlertTextWriter(),
            descriptor: descriptor, notice: notice)
        let until = once ? Self.nowNano() : nil
        var from = since.map { Int($0 * 1e9) }
        var backoff = 1.0
        var droppedAt: Int?
        while !Task.isCancelled {
            let client: DockerEngineClient
            do {
                client = try await DockerEngineClient.connect(endpoint, readTimeout: nil)
            } catch {
                if once {
                    notice("\(error)")
                    return .inputError
                }
                notice("\(error); retrying in \(Int(backoff)) s")
                guard await Self.sleep(seconds: backoff) else { break }
                backoff = min(backoff * 2, maxBackoff)
                continue
            }
            backoff = 1
            let connectedAt = Self.nowNano()
            if let droppedAt {
                notice(
                    "reconnected to \(endpoint): events from \(rfc3339Text(droppedAt)) to \(rfc3339Text(connectedAt)) are "
                        + "replayed only as far as the daemon's last 256 events reach; the containers were re-inventoried, "
                        + "so running privileged, miner and sensitive-mount containers are judged again")
            }
            await session.connected(client)
            await session.inventory(client)
            let start = from ?? connectedAt
            var path = "/events?since=\(Self.timestamp(start))"
            if let until { path += "&until=\(Self.timestamp(until))" }
            let poller = once ? nil : Task { await session.pollProcesses(client, every: pollInterval) }
            var failure = "the daemon ended it"
            do {
                var pending: [UInt8] = []
                try await client.stream(path) { piece in
                    pending += piece.readableBytesView
                    while let newline = pending.firstIndex(of: 0x0A) {
                        let line = pending[..<newline]
                        pending.removeSubrange(...newline)
                        if case .success(let tree) = JSONLoader.parse(String(decoding: line, as: UTF8.self)),
                            tree.root.isMapping
                        {
                            await session.handle(event: tree.root, client: client)
                        }
                    }
                }
            } catch {
                failure = "\(error)"
            }
            poller?.cancel()
            await poller?.value
            await client.shutdown()
            if once || Task.isCancelled { break }
            let dropped = Self.nowNano()
            droppedAt = dropped
            from = await session.lastEventNano.map { $0 + 1 } ?? connectedAt
            notice(
                "the event stream of \(endpoint) dropped at \(rfc3339Text(dropped)) (\(failure)); reconnecting in "
                    + "\(Int(backoff)) s. Events after \(rfc3339Text(from ?? connectedAt)) are read from the daemon's "
                    + "replay of its last 256 events; beyond those, only the re-inventory tells")
            guard await Self.sleep(seconds: backoff) else { break }
            backoff = min(backoff * 2, maxBackoff)
        }
        await session.finish()
        return await session.failed ? .findings : .passed
    }

    /// Sleeps; `false` when the task was cancelled meanwhile.
    static func sleep(seconds: Double) async -> Bool {
        do {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            return true
        } catch {
            return false
        }
    }

    static func nowNano() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int(ts.tv_sec) * 1_000_000_000 + Int(ts.tv_nsec)
    }

    /// The `since`/`until` form the daemon parses: `<seconds>.<nanoseconds>`.
    static func timestamp(_ nano: Int) -> String {
        let fraction = String(nano % 1_000_000_000)
        return "\(nano / 1_000_000_000)." + String(repeating: "0", count: 9 - fraction.count) + fraction
    }
}

private func rfc3339Text(_ nano: Int) -> String { DockerAlertTextWriter.time(nano) }

/// The state of one watch: the rules, deduplication, the output, and which `top` events are the watcher's own.
actor WatchSession {
    let request: DockerWatchRequest
    let engine: DockerAlertEngine
    var writer: any DockerAlertWriter
    let output: ReportOutput
    let notice: @Sendable (String) -> Void
    var deduplicator: DockerAlertDeduplicator
    var host = ""
    private(set) var failed = false
    /// The time of the last daemon event read, where a reconnect resumes.
    private(set) var lastEventNano: Int?
    /// `top` calls made and whose event has not arrived yet, by container id. An entry goes when its event
    /// arrives, and all go on each connect: it holds at most the containers polled since the last connect.
    var ownTopCalls: [String: Int] = [:]
    /// `{Sockets: [...]}`: the unix sockets the daemon serves its API on, for the activity's `Daemon`.
    var daemon: Value?
    private var notedHostFiles = false

    init(
        request: DockerWatchRequest, engine: DockerAlertEngine, writer: any DockerAlertWriter, descriptor: Int32,
        notice: @escaping @Sendable (String) -> Void
    ) {
        self.request = request
        self.engine = engine
        self.writer = writer
        self.output = ReportOutput(descriptor: descriptor)
        self.notice = notice
        deduplicator = DockerAlertDeduplicator(window: request.window)
    }

    /// The daemon just answered: judge how it listens.
    func connected(_ client: DockerEngineClient) async {
        ownTopCalls = [:]
        let info = await document(client, "/info")
        host = info?["Name"]?.string ?? client.endpoint.description
        var document = DockerHostDocument(
            name: host, info: info, version: nil, networks: nil, root: request.root.map(HostRoot.init),
            socketPath: client.endpoint.socketPath)
        let text = document.render()
        if !notedHostFiles {
            notedHostFiles = true
            for note in document.notes { notice("note: \(note)") }
        }
        guard case .success(let tree) = JSONLoader.parse(text) else { return }
        var sockets = client.endpoint.socketPath.map { [$0] } ?? []
        let setting = tree.root.at("Settings", "hosts", "Value")
        let hosts: [Value] = setting.map { $0.isSequence ? Array($0.items) : [$0] } ?? []
        for host in hosts {
            if let text = host.string, text.hasPrefix("unix://"), !sockets.contains(String(text.dropFirst(7))) {
                sockets.append(String(text.dropFirst(7)))
            }
        }
        var json = JSONEmitter(style: .compact)
        json.beginObject()
        json.field("Sockets", sockets)
        json.endObject()
        daemon = Self.parse(json)
        judge(Self.activity(event: Self.event(type: "daemon", action: DockerActivity.connect, id: ""), ["Host": tree.root]))
    }

    /// Judges every running container as found now.
    func inventory(_ client: DockerEngineClient) async {
        guard let list = await document(client, "/containers/json?all=1") else { return }
        for summary in list.items where summary["State"]?.string == "running" {
            guard let id = summary["Id"]?.string, DockerSnapshot.isSafeID(id) else { continue }
            await observe(id, action: DockerActivity.inventory, client: client)
        }
    }

    /// Reads the running containers' processes every `interval` seconds, and closes deduplication windows on the
    /// way, until cancelled.
    nonisolated func pollProcesses(_ client: DockerEngineClient, every interval: Double) async {
        while await DockerWatchRequest.sleep(seconds: interval) {
            await emit(deduplicatorClosing: DockerWatchRequest.nowNano())
            guard let list = await document(client, "/containers/json") else { continue }
            for summary in list.items {
                guard let id = summary["Id"]?.string, DockerSnapshot.isSafeID(id) else { continue }
                await observe(id, action: DockerActivity.poll, client: client)
            }
        }
    }

    /// Inspects a running container and reads its processes, then judges it as `action`.
    private func observe(_ id: String, action: String, client: DockerEngineClient) async {
        guard let container = await document(client, "/containers/\(id)/json"),
            container.at("State", "Running")?.isTrue == true
        else { return }
        ownTopCalls[id, default: 0] += 1
        let top = await document(client, "/containers/\(id)/top?ps_args=-eo%20pid,user,comm,args")
        if top == nil { releaseTopCall(id) }
        let event = Self.event(
            type: "container", action: action, id: id, name: container["Name"]?.string,
            image: container.at("Config", "Image")?.string)
        var parts = ["Container": container]
        if let top { parts["Top"] = top }
        if let daemon { parts["Daemon"] = daemon }
        judge(Self.activity(event: event, parts))
    }

    /// One daemon event: drops the watcher's own `top` events, reads what the rules need about the others, and
    /// judges them.
    func handle(event: Value, client: DockerEngineClient) async {
        let time = event["timeNano"]?.int ?? (event["time"]?.int ?? 0) * 1_000_000_000
        lastEventNano = max(lastEventNano ?? 0, time)
        guard event["Type"]?.string == "container", let id = event.at("Actor", "ID")?.string, DockerSnapshot.isSafeID(id)
        else {
            if event["Type"]?.string == "daemon", event["Action"]?.string == "reload" { await connected(client) }
            return
        }
        let full = event["Action"]?.string ?? ""
        let action = full.firstIndex(of: ":").map { String(full[..<$0]) } ?? full
        var parts: [String: Value] = [:]
        switch action {
        case "top":
            if ownTopCalls[id] != nil {
                releaseTopCall(id)
                return
            }
        case "create", "start":
            if let container = await document(client, "/containers/\(id)/json") { parts["Container"] = container }
            if let daemon { parts["Daemon"] = daemon }
        case "exec_start":
            if let container = await document(client, "/containers/\(id)/json") { parts["Container"] = container }
            if let execID = event.at("Actor", "Attributes", "execID")?.string, DockerSnapshot.isSafeID(execID),
                let exec = await document(client, "/exec/\(execID)/json")
            {
                parts["Exec"] = exec
            }
        default:
            break
        }
        judge(Self.activity(event: event, parts))
    }

    private func releaseTopCall(_ id: String) {
        guard let count = ownTopCalls[id] else { return }
        ownTopCalls[id] = count > 1 ? count - 1 : nil
    }

    func judge(_ activity: DockerActivity) {
        for alert in engine.evaluate(activity, host: host) { write(deduplicator.add(alert)) }
    }

    func emit(deduplicatorClosing now: Int) {
        write(deduplicator.close(before: now))
    }

    func finish() {
        write(deduplicator.finish())
        output.flush()
    }

    private func write(_ alerts: [DockerAlert]) {
        for alert in alerts {
            if request.failOn.isMet(by: alert.severity) { failed = true }
            writer.write(alert, to: output)
        }
        if !alerts.isEmpty { output.flush() }
    }

    /// A GET answered as JSON; `nil` when the call fails (a container removed meanwhile) or the body is not JSON.
    private nonisolated func document(_ client: DockerEngineClient, _ path: String) async -> Value? {
        guard let body = try? await client.get(path),
            case .success(let tree) = JSONLoader.parse(String(decoding: body, as: UTF8.self))
        else { return nil }
        return tree.root
    }

    /// An event the watcher makes itself, timed now.
    static func event(type: String, action: String, id: String, name: String? = nil, image: String? = nil) -> Value {
        var json = JSONEmitter(style: .compact)
        json.beginObject()
        json.field("Type", type)
        json.field("Action", action)
        json.key("Actor")
        json.beginObject()
        json.field("ID", id)
        json.key("Attributes")
        json.beginObject()
        if let name { json.field("name", name.hasPrefix("/") ? String(name.dropFirst()) : name) }
        if let image { json.field("image", image) }
        json.endObject()
        json.endObject()
        let now = DockerWatchRequest.nowNano()
        json.field("time", now / 1_000_000_000)
        json.field("timeNano", now)
        json.endObject()
        return parse(json)
    }

    /// The activity document: the event and the documents read about it.
    static func activity(event: Value, _ parts: [String: Value]) -> DockerActivity {
        var json = JSONEmitter(style: .compact)
        json.beginObject()
        json.key("Event")
        json.value(event)
        for key in parts.keys.sorted() {
            json.key(key)
            json.value(parts[key]!)
        }
        json.endObject()
        return DockerActivity(parse(json))
    }

    static func parse(_ json: JSONEmitter) -> Value {
        guard case .success(let tree) = JSONLoader.parse(String(decoding: json.bytes, as: UTF8.self)) else {
            preconditionFailure("the emitter writes valid JSON")
        }
        return tree.root
    }
}

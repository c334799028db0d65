import KubeModel

/// What one Docker host looks like at one moment, as subjects the engine judges: the host (daemon, settings,
/// files), then each container and each image; with the inputs read and what could not be read.
public struct DockerSnapshot: Sendable {
    public var host: String
    /// The host subject first, then containers, then images.
    public var objects: [KubeObject] = []
    /// The inputs read: export files, or the endpoint.
    public var inputs: [String] = []
    public var errors: [LoadError] = []
    public var notes: [LoadNote] = []

    public init(host: String) {
        self.host = host
    }

    public var containerCount: Int { objects.count { $0.subject == .dockerContainer } }
    public var imageCount: Int { objects.count { $0.subject == .dockerImage } }

    /// Adds the host subject, written by `document` (its notes become the report's).
    mutating func addHost(_ document: inout DockerHostDocument, source: String) {
        let text = document.render()
        for note in document.notes {
            notes.append(LoadNote(source: SourceRef(file: source), position: .unknown, message: note))
        }
        guard case .success(let tree) = JSONLoader.parse(text) else {
            preconditionFailure("the host document is valid JSON")
        }
        objects.insert(
            KubeObject(docker: .dockerHost, root: tree.root, host: host, name: host, source: SourceRef(file: source)),
            at: 0)
    }

    /// Adds a container or image from its inspect document.
    mutating func add(_ subject: SubjectKind, _ root: Value, source: SourceRef) {
        let name: String
        switch subject {
        case .dockerContainer:
            let raw = root["Name"]?.string ?? ""
            let id = root["Id"]?.string ?? ""
            name = raw.isEmpty ? String(id.prefix(12)) : (raw.hasPrefix("/") ? String(raw.dropFirst()) : raw)
        default:
            name = root["RepoTags"]?[0]?.string ?? String((root["Id"]?.string ?? "").prefix(19))
        }
        objects.append(KubeObject(docker: subject, root: root, host: host, name: name, source: source))
    }
}

extension DockerSnapshot {
    /// Reads a live host through its Engine API: `/info`, `/version`, `/networks`, every container
    /// (`/containers/json?all=1`, then `/containers/{id}/json`) and image (`/images/json`, then
    /// `/images/{id}/json`). `root` is the host's filesystem, `nil` to read the API alone. A container or image
    /// removed between the list and its inspect is skipped with a note; any other failed call is an input error
    /// naming the request, and the rest is still read.
    public static func read(from client: DockerEngineClient, root: String?) async -> DockerSnapshot {
        let endpoint = client.endpoint.description
        func fetch(_ path: String, into snapshot: inout DockerSnapshot) async -> Value? {
            do {
                let body = try await client.get(path)
                switch JSONLoader.parse(String(decoding: body, as: UTF8.self)) {
                case .success(let tree): return tree.root
                case .failure(let problem):
                    snapshot.errors.append(
                        LoadError(file: "\(endpoint) GET \(path)", position: problem.position, message: problem.message))
                }
            } catch {
                snapshot.errors.append(LoadError(file: "\(endpoint) GET \(path)", position: .unknown, message: "\(error)"))
            }
            return nil
        }

        var snapshot = DockerSnapshot(host: "")
        snapshot.inputs = [endpoint]
        let info = await fetch("/info", into: &snapshot)
        snapshot.host = info?["Name"]?.string ?? endpoint
        let version = await fetch("/version", into: &snapshot)
        let networks = await fetch("/networks", into: &snapshot)

        for (subject, list, kind) in [
            (SubjectKind.dockerContainer, "/containers/json?all=1", "containers"), (SubjectKind.dockerImage, "/images/json", "images"),
        ] {
            guard let summaries = await fetch(list, into: &snapshot), summaries.isSequence else { continue }
            for summary in summaries.items {
                guard let id = summary["Id"]?.string, Self.isSafeID(id) else { continue }
                let path = "/\(kind)/\(id)/json"
                do {
                    let body = try await client.get(path)
                    switch JSONLoader.parse(String(decoding: body, as: UTF8.self)) {
                    case .success(let tree):
                        var root = tree.root
                        if subject == .dockerContainer { root = await Self.withProcesses(root, id: id, client: client) }
                        snapshot.add(subject, root, source: SourceRef(file: "\(endpoint) GET \(path)"))
                    case .failure(let problem):
                        snapshot.errors.append(
                            LoadError(file: "\(endpoint) GET \(path)", position: problem.position, message: problem.message))
                    }
                } catch let error as DockerError where error.description.contains(" answered 404") {
                    snapshot.notes.append(
                        LoadNote(
                            source: SourceRef(file: endpoint), position: .unknown,
                            message: "\(id.prefix(19)) was removed while the host was read; skipped"))
                } catch {
                    snapshot.errors.append(
                        LoadError(file: "\(endpoint) GET \(path)", position: .unknown, message: "\(error)"))
                }
            }
        }
        var document = DockerHostDocument(
            name: snapshot.host, info: info, version: version, networks: networks, root: root.map(HostRoot.init),
            socketPath: client.endpoint.socketPath)
        snapshot.addHost(&document, source: endpoint)
        return snapshot
    }

    /// A running container's inspect document with what only a live daemon tells about it: `Top`, its
    /// processes (`GET /containers/{id}/top`, the host's `ps -ef` limited to the container; CIS 5.7), and
    /// `Execs`, its exec sessions (`GET /exec/{id}/json` for each of `ExecIDs`; CIS 5.23, 5.24). A container
    /// that stopped meanwhile, or an exec already gone, simply adds nothing.
    static func withProcesses(_ root: Value, id: String, client: DockerEngineClient) async -> Value {
        guard root.at("State", "Running")?.isTrue == true else { return root }
        var top: Value?
        if let body = try? await client.get("/containers/\(id)/top?ps_args=-ef"),
            case .success(let tree) = JSONLoader.parse(String(decoding: body, as: UTF8.self))
        {
            top = tree.root
        }
        var execs: [Value] = []
        for execID in root["ExecIDs"]?.items.compactMap(\.string) ?? [] where isSafeID(execID) {
            if let body = try? await client.get("/exec/\(execID)/json"),
                case .success(let tree) = JSONLoader.parse(String(decoding: body, as: UTF8.self))
            {
                execs.append(tree.root)
            }
        }
        guard top != nil || !execs.isEmpty else { return root }
        var json = JSONEmitter(style: .compact)
        json.beginObject()
        for (key, value) in root.pairs where key.string != "Top" && key.string != "Execs" {
            json.key(key.string ?? "")
            json.value(value)
        }
        if let top {
            json.key("Top")
            json.value(top)
        }
        json.key("Execs")
        json.beginArray()
        for exec in execs { json.value(exec) }
        json.endArray()
        json.endObject()
        guard case .success(let tree) = JSONLoader.parse(String(decoding: json.bytes, as: UTF8.self)) else { return root }
        return tree.root
    }

    /// An id the daemon gave, safe to put in a path: hex digits, or `sha256:` and hex digits.
    static func isSafeID(_ id: String) -> Bool {
        let hex = id.hasPrefix("sha256:") ? id.dropFirst(7) : Substring(id)
        return !hex.isEmpty && hex.allSatisfy(\.isHexDigit)
    }
}


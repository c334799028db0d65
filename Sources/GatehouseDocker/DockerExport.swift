#if canImport(Glibc)
import Glibc
#endif
import KubeModel

extension DockerSnapshot {
    /// Reads a host's exports from `directory`, as a fleet collects them centrally:
    ///
    /// - `docker info --format '{{json .}}'` (an object with `ServerVersion`, `DockerRootDir`...);
    /// - `docker version --format '{{json .}}'` (`{"Client": ..., "Server": ...}`) or `GET /version`'s answer;
    /// - `docker inspect` of containers and `docker image inspect` of images (arrays, or one object each);
    /// - `docker network inspect` (optional: CIS 2.2 reads the bridge network).
    ///
    /// File names do not matter: each `.json` file is recognised by its content. A file that does not parse is
    /// an input error with its line and column, and the other files are still read; a JSON file that is none of
    /// these is a note. `root` is the host's filesystem when it is available too (a copy, or a mount).
    public static func read(exportDirectory directory: String, root: String?) -> DockerSnapshot {
        let folder = HostRoot("/")
        var snapshot = DockerSnapshot(host: "")
        var info: Value?
        var version: Value?
        var networks: [Value] = []
        // HostRoot reads host paths, which are absolute: a relative folder is read from the working directory,
        // and reports name its files as the user wrote them.
        let absolute = directory.hasPrefix("/") ? directory : Self.workingDirectory + "/" + directory
        let names = folder.list(absolute).filter { $0.hasSuffix(".json") }
        if HostRoot("/").status(absolute) == nil {
            snapshot.errors.append(
                LoadError(file: directory, position: .unknown, message: "no such folder (give the folder the exports were written to)"))
        } else if names.isEmpty {
            snapshot.errors.append(
                LoadError(
                    file: directory, position: .unknown,
                    message: "no .json export here (docker info, docker version, docker inspect written as JSON)"))
        }
        for name in names {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            snapshot.inputs.append(path)
            let tree: Tree
            switch JSONLoader.parse(contentsOf: absolute + "/" + name) {
            case .success(let parsed): tree = parsed
            case .failure(let problem):
                snapshot.errors.append(LoadError(file: path, position: problem.position, message: problem.message))
                continue
            }
            let root = tree.root
            let items: [(Value, Int?)] = root.isSequence ? root.items.enumerated().map { ($1, $0) } : [(root, nil)]
            var recognised = 0
            for (item, index) in items {
                switch ExportShape(item) {
                case .info: info = item
                case .version: version = item["Server"].flatMap { $0.isNull ? nil : $0 } ?? item
                case .container: snapshot.add(.dockerContainer, item, source: SourceRef(file: path, item: index))
                case .image: snapshot.add(.dockerImage, item, source: SourceRef(file: path, item: index))
                case .network: networks.append(item)
                case nil: continue
                }
                recognised += 1
            }
            if recognised < items.count {
                snapshot.notes.append(
                    LoadNote(
                        source: SourceRef(file: path), position: root.position,
                        message: items.count == 1
                            ? "not a Docker export (docker info, version or inspect output); skipped"
                            : "\(items.count - recognised) of \(items.count) items are not Docker inspect output; skipped"))
            }
        }
        let base = directory.split(separator: "/").last.map(String.init) ?? directory
        snapshot.host = info?["Name"]?.string ?? base
        for i in snapshot.objects.indices {
            snapshot.objects[i] = snapshot.objects[i].onHost(snapshot.host)
        }
        var document = DockerHostDocument(
            name: snapshot.host, info: info, version: version, networks: Self.array(networks),
            root: root.map(HostRoot.init), socketPath: nil)
        snapshot.addHost(&document, source: directory)
        return snapshot
    }

    private static var workingDirectory: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The networks as one array value (the host document embeds it).
    private static func array(_ values: [Value]) -> Value? {
        guard !values.isEmpty else { return nil }
        var json = JSONEmitter(style: .compact)
        json.beginArray()
        for value in values { json.value(value) }
        json.endArray()
        guard case .success(let tree) = JSONLoader.parse(String(decoding: json.bytes, as: UTF8.self)) else { return nil }
        return tree.root
    }
}

/// What a JSON document in an export folder is, recognised by the fields only that output has.
enum ExportShape {
    case info, version, container, image, network

    init?(_ value: Value) {
        guard value.isMapping else { return nil }
        if value["HostConfig"] != nil, value["State"] != nil || value["Config"] != nil {
            self = .container
        } else if value["RootFS"] != nil || (value["RepoTags"] != nil && value["Id"] != nil) {
            self = .image
        } else if value["IPAM"] != nil, value["Driver"] != nil {
            self = .network
        } else if value["ServerVersion"] != nil || value["DockerRootDir"] != nil {
            self = .info
        } else if value["Server"] != nil || value["ApiVersion"] != nil {
            self = .version
        } else {
            return nil
        }
    }
}

extension KubeObject {
    /// This Docker subject placed on `host` (an export names its host only in its info file, read last).
    func onHost(_ host: String) -> KubeObject {
        KubeObject(docker: subject, root: root, host: host, name: name, source: source)
    }
}

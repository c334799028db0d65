#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How to read an input's bytes.
public enum ManifestFormat: String, Sendable, CaseIterable {
    /// `.json` files are JSON; other inputs whose first non-blank byte is `{` or `[` are tried as JSON first
    /// and read as YAML when that fails before any object came out (a YAML flow mapping also starts with `{`);
    /// everything else is YAML.
    case auto
    case yaml
    case json
}

/// What loading one input produced besides its objects, which go to the caller as they are found.
public struct LoadOutcome: Sendable {
    /// The input's name as given (a path, `-` for stdin).
    public var file: String
    /// The format the input was read as (never `.auto`).
    public var format: ManifestFormat
    /// Documents (top-level values) read, including empty and skipped ones.
    public var documents = 0
    /// Objects handed to the caller.
    public var objects = 0
    /// Things skipped that the user may want to know about (documents that are not Kubernetes objects).
    public var notes: [LoadNote] = []
    /// Input that could not be read: syntax errors, unreadable files, and (when asked) objects whose
    /// structural fields have the wrong type. Objects before a syntax error have been delivered.
    public var errors: [LoadError] = []

    public init(file: String, format: ManifestFormat) {
        self.file = file
        self.format = format
    }
}

extension Manifests {
    /// Reads a file and hands each Kubernetes object in it to `onObject`, in document order.
    ///
    /// The file is mapped read-only (with a plain `read()` fallback for pipes and special files) and parsed in
    /// place: JSON or YAML as `format` says (see ``ManifestFormat/auto``), multi-document streams split,
    /// `kind: List` and `*List` kinds flattened. Objects are streamed: once `onObject` returns, nothing keeps
    /// the object's tree alive, so a caller that evaluates and drops objects holds one at a time. On huge inputs
    /// the pages already parsed are released as the parse moves on, so resident memory stays bounded by the
    /// largest object rather than the file. The object's ``SourceRef/file`` is `displayName` (default: `path`).
    ///
    /// With `checkShapes`, each object also goes through ``ObjectShape/problems(of:)`` and any wrong-typed
    /// structural field is added to the outcome's errors (the object is still delivered: rules skip what they
    /// cannot read).
    ///
    /// Directory walking and stdin reading are the caller's: this reads exactly one path.
    public static func load(
        contentsOf path: String, displayName: String? = nil, format: ManifestFormat = .auto,
        limits: LoadLimits = .default, checkShapes: Bool = true, onObject: (KubeObject) -> Void
    ) -> LoadOutcome {
        let name = displayName ?? path
        let resolved = format == .auto && path.lowercased().hasSuffix(".json") ? .json : format
        var outcome = LoadOutcome(file: name, format: resolved == .auto ? .yaml : resolved)
        let result = FileBytes.withContents(of: path) { bytes, releaser in
            outcome = load(
                bytes, file: name, format: resolved, limits: limits, checkShapes: checkShapes, releaser: releaser,
                onObject: onObject)
        }
        if case .failure(let failure) = result {
            outcome.errors.append(LoadError(file: name, position: .unknown, message: failure.message))
        }
        return outcome
    }

    /// Reads bytes held in memory (stdin, a request body, a test string) the same way as
    /// ``load(contentsOf:displayName:format:limits:checkShapes:onObject:)``. `file` names the input in sources
    /// and errors (`-` for stdin).
    public static func load(
        _ bytes: UnsafeRawBufferPointer, file: String, format: ManifestFormat = .auto,
        limits: LoadLimits = .default, checkShapes: Bool = true, onObject: (KubeObject) -> Void
    ) -> LoadOutcome {
        load(bytes, file: file, format: format, limits: limits, checkShapes: checkShapes, releaser: nil, onObject: onObject)
    }

    /// Collects every object of in-memory text (tests, small inputs).
    public static func load(
        _ text: String, file: String = "<string>", format: ManifestFormat = .auto, limits: LoadLimits = .default,
        checkShapes: Bool = true
    ) -> (objects: [KubeObject], outcome: LoadOutcome) {
        var copy = text
        var objects: [KubeObject] = []
        let outcome = copy.withUTF8 { buffer in
            load(UnsafeRawBufferPointer(buffer), file: file, format: format, limits: limits, checkShapes: checkShapes) {
                objects.append($0)
            }
        }
        return (objects, outcome)
    }

    static func load(
        _ bytes: UnsafeRawBufferPointer, file: String, format: ManifestFormat, limits: LoadLimits, checkShapes: Bool,
        releaser: PageReleaser?, onObject: (KubeObject) -> Void
    ) -> LoadOutcome {
        let splitter = ObjectSplitter(file: file)
        var outcome = LoadOutcome(file: file, format: .yaml)
        func deliver(_ object: KubeObject) {
            outcome.objects += 1
            if checkShapes {
                outcome.errors.append(contentsOf: ObjectShape.problems(of: object))
            }
            onObject(object)
        }
        func note(_ note: LoadNote) { outcome.notes.append(note) }
        func fail(_ problem: LoadProblem) {
            outcome.errors.append(LoadError(file: file, position: problem.position, message: problem.message))
        }

        func readJSON() -> LoadProblem? {
            outcome.format = .json
            var lastDocument = -1
            return JSONLoader.stream(bytes, limits: limits, releaser: releaser) { tree, place in
                if place.document != lastDocument {
                    outcome.documents += 1
                    lastDocument = place.document
                }
                if let item = place.item {
                    splitter.listItem(tree.root, document: place.document, index: item, onObject: deliver, onNote: note)
                } else {
                    splitter.split(tree, document: place.document, onObject: deliver, onNote: note)
                }
            }
        }
        func readYAML() -> LoadProblem? {
            outcome.format = .yaml
            var released = 0
            return YAMLLoader.load(bytes, limits: limits) { tree, index, consumed in
                outcome.documents += 1
                splitter.split(tree, document: index, onObject: deliver, onNote: note)
                if let releaser, consumed - released >= PageReleaser.step {
                    releaser.release(from: released, to: consumed)
                    released = consumed
                }
            }
        }

        switch format {
        case .json:
            if let problem = readJSON() { fail(problem) }
        case .yaml:
            if let problem = readYAML() { fail(problem) }
        case .auto:
            if startsLikeJSON(bytes) {
                if let problem = readJSON() {
                    if outcome.objects == 0 && outcome.notes.isEmpty && outcome.documents == 0 {
                        // Perhaps not JSON after all (a YAML flow mapping also opens with `{`): YAML decides. If
                        // YAML fails too, the JSON error is the one that matches what the input looks like.
                        if let yamlProblem = readYAML() {
                            if outcome.documents == 0 {
                                outcome.format = .json
                                fail(problem)
                            } else {
                                fail(yamlProblem)
                            }
                        }
                    } else {
                        fail(problem)
                    }
                }
            } else if let problem = readYAML() {
                fail(problem)
            }
        }
        return outcome
    }

    /// Whether the first byte after blanks (and a byte order mark) opens a JSON object or array.
    static func startsLikeJSON(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["): return true
            default: return false
            }
        }
        return false
    }
}

/// Gives back the resident pages of a read-only file mapping that a parse is done with, so a file far larger
/// than memory streams through in bounded space. Releasing a page that is read again later is harmless: the
/// kernel maps it back in from the page cache.
final class PageReleaser: @unchecked Sendable {
    // @unchecked: used by the one parse that owns the mapping, never shared.
    /// Release in steps of this many bytes: each release is a system call.
    static let step = 8 << 20
    private let base: UnsafeMutableRawPointer
    private let size: Int
    private let page: Int

    init(base: UnsafeMutableRawPointer, size: Int) {
        self.base = base
        self.size = size
        self.page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)
    }

    /// Releases the whole pages in `from..<to`.
    func release(from: Int, to: Int) {
        let low = from / page * page
        let high = min(to, size) / page * page
        if high > low {
            _ = madvise(base + low, high - low, MADV_DONTNEED)
        }
    }
}

/// A file's bytes for the duration of a parse: mapped read-only when possible, read into memory otherwise.
enum FileBytes {
    /// Calls `body` with the file's bytes and, for a mapping, the releaser of its pages.
    static func withContents(
        of path: String, _ body: (UnsafeRawBufferPointer, PageReleaser?) -> Void
    ) -> Result<Void, ReadFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ReadFailure(errno: errno, doing: "cannot open")) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(ReadFailure(errno: errno, doing: "cannot stat")) }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR { return .failure(ReadFailure(message: "is a directory, not a file")) }
        if type == S_IFREG, info.st_size == 0 {
            body(UnsafeRawBufferPointer(start: nil, count: 0), nil)
            return .success(())
        }
        if type == S_IFREG, info.st_size > 0 {
            let size = Int(info.st_size)
            if let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != UnsafeMutableRawPointer(bitPattern: -1) {
                defer { munmap(mapped, size) }
                _ = madvise(mapped, size, MADV_SEQUENTIAL)
                body(UnsafeRawBufferPointer(start: mapped, count: size), PageReleaser(base: mapped, size: size))
                return .success(())
            }
        }
        // Pipes, character devices, or a failed mapping: read it all.
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(errno: errno, doing: "cannot read"))
            }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        data.withUnsafeBytes { body($0, nil) }
        return .success(())
    }

    struct ReadFailure: Error {
        var message: String

        init(message: String) {
            self.message = message
        }

        init(errno code: Int32, doing what: String) {
            self.message = "\(what): \(String(cString: strerror(code)))"
        }
    }
}

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
        let jsonLines = format != .yaml && JSONLines.hasExtension(path)
        let resolved = format == .auto && (jsonLines || path.lowercased().hasSuffix(".json")) ? .json : format
        var outcome = LoadOutcome(file: name, format: resolved == .auto ? .yaml : resolved)
        let result = FileBytes.withContents(of: path) { bytes, releaser in
            releaser?.progress = limits.progress
            outcome = load(
                bytes, file: name, format: resolved, limits: limits, checkShapes: checkShapes, releaser: releaser,
                jsonLines: jsonLines, onObject: onObject)
            limits.progress?.add(bytes: bytes.count - (releaser?.reported ?? 0))
        }
        if case .failure(let failure) = result {
            outcome.errors.append(LoadError(file: name, position: .unknown, message: failure.message))
        }
        return outcome
    }

    /// Reads bytes held in memory (stdin, a request body, a test string) the same way as
    /// ``load(contentsOf:displayName:format:limits:checkShapes:onObject:)``. `file` names the input in sources
    /// and errors (`-` for stdin); a JSON Lines name (`audit.log`, `*.jsonl`) is read as JSON Lines.
    public static func load(
        _ bytes: UnsafeRawBufferPointer, file: String, format: ManifestFormat = .auto,
        limits: LoadLimits = .default, checkShapes: Bool = true, onObject: (KubeObject) -> Void
    ) -> LoadOutcome {
        let jsonLines = format != .yaml && JSONLines.hasExtension(file)
        return load(
            bytes, file: file, format: jsonLines ? .json : format, limits: limits, checkShapes: checkShapes,
            releaser: nil, jsonLines: jsonLines, onObject: onObject)
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

    /// `jsonLines`: the input is known to be JSON Lines (by its file name), so a syntax error costs only its
    /// line (see ``JSONLines``).
    static func load(
        _ bytes: UnsafeRawBufferPointer, file: String, format: ManifestFormat, limits: LoadLimits, checkShapes: Bool,
        releaser: PageReleaser?, jsonLines: Bool = false, onObject: (KubeObject) -> Void
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
        // A document with a repeated key is not judged: a lenient reader keeps the last value, a strict one
        // (kubectl) refuses the document, so what it holds is not what would be applied.
        func refuse(_ repeated: RepeatedKey, format: ManifestFormat) {
            outcome.errors.append(
                LoadError(file: file, position: repeated.position, message: repeated.message(format: format)))
        }

        func readJSON() -> LoadProblem? {
            outcome.format = .json
            var lastDocument = -1
            // JSON Lines recovery (see `JSONLines`): where the current stream started, the document number it
            // starts at, and whether the first value fitted on one line.
            var recovery = JSONLines.Recovery(bytes: bytes, known: jsonLines)
            while true {
                let base = recovery.documentBase
                let problem = JSONLoader.stream(
                    bytes, limits: limits, releaser: releaser, from: recovery.start, line: recovery.line
                ) { tree, place in
                    let document = base + place.document
                    if document != lastDocument {
                        outcome.documents += 1
                        lastDocument = document
                    }
                    recovery.delivered(place)
                    if let repeated = tree.repeatedKey {
                        refuse(repeated, format: .json)
                    } else if let item = place.item {
                        splitter.listItem(tree.root, document: document, index: item, onObject: deliver, onNote: note)
                    } else {
                        splitter.split(tree, document: document, onObject: deliver, onNote: note)
                    }
                }
                guard let problem else { return nil }
                guard recovery.isLines else { return problem }
                // One bad line: report it and go on with the next line. The bad line counts as a document, so
                // document numbers keep following the lines.
                recovery.failures += 1
                if recovery.failures > JSONLines.maxErrors {
                    return LoadProblem(
                        position: problem.position,
                        message: "\(problem.message); stopped after \(JSONLines.maxErrors) malformed lines "
                            + "(is this really a JSON Lines file?)")
                }
                fail(problem)
                outcome.documents += 1
                guard recovery.skipFailedLine(nextDocument: outcome.documents) else { return nil }
            }
        }
        func readYAML() -> LoadProblem? {
            outcome.format = .yaml
            var released = 0
            return YAMLLoader.load(bytes, limits: limits) { tree, index, consumed in
                outcome.documents += 1
                if let repeated = tree.repeatedKey {
                    refuse(repeated, format: .yaml)
                } else {
                    splitter.split(tree, document: index, onObject: deliver, onNote: note)
                }
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

extension RepeatedKey {
    /// The input error for a document holding this repeat. A top-level `apiVersion` or `kind` written twice
    /// in YAML is most often two documents run together, so the message says so.
    func message(format: ManifestFormat) -> String {
        let name = format == .json ? "JSON" : "YAML"
        let runTogether = format != .json && position.column == 1 && first.column == 1
            && (key == "apiVersion" || key == "kind")
        let hint = runTogether ? " (is a \"---\" missing between two documents?)" : ""
        return "key \"\(key)\" repeats the key at line \(first.line)\(hint); kubectl refuses such \(name)"
    }
}

/// JSON Lines: one JSON value per line, as the Kubernetes API server's audit log backend writes
/// (`audit.log`, `*.jsonl`). The JSON stream reader already reads several top-level values in one input; what
/// JSON Lines adds is recovery: a malformed line (a line cut short when the log rotated, a stray text line)
/// is reported with its line number and reading goes on at the next line, so one bad line does not hide the
/// rest of the log.
///
/// An input is read this way when its name ends in `.jsonl`, `.ndjson` or `.log`, or when it is JSON whose
/// first value fits on one line and more values follow (a `.json` or stdin stream of one object per line).
/// Other JSON keeps the strict behaviour: the first syntax error stops the input.
enum JSONLines {
    static let extensions = [".jsonl", ".ndjson", ".log"]
    /// Malformed lines reported per input before giving up on it (a text log named by mistake).
    static let maxErrors = 100

    static func hasExtension(_ path: String) -> Bool {
        let lower = path.lowercased()
        return extensions.contains { lower.hasSuffix($0) }
    }

    /// Where to resume reading after an error, tracked while values are delivered.
    struct Recovery {
        let bytes: UnsafeRawBufferPointer
        /// Known to be JSON Lines from the file name.
        let known: Bool
        /// Where the current stream starts, and its 1-based line.
        var start = 0
        var line = 1
        /// The document number of the current stream's first value.
        var documentBase = 0
        /// Malformed lines so far.
        var failures = 0
        /// Offset just past the last value delivered.
        private var consumed = 0
        /// Whether the input's first value fits on one line; `nil` before it is delivered.
        private var firstValueOnOneLine: Bool?

        init(bytes: UnsafeRawBufferPointer, known: Bool) {
            self.bytes = bytes
            self.known = known
        }

        /// Whether an error should cost one line rather than the rest of the input.
        var isLines: Bool { known || firstValueOnOneLine == true }

        mutating func delivered(_ place: JSONLoader.Place) {
            if firstValueOnOneLine == nil {
                var i = skipBlanks(from: 0).offset
                let end = min(place.consumed, bytes.count)
                while i < end, bytes[i] != 0x0A { i += 1 }
                firstValueOnOneLine = place.item == nil && i >= end
            }
            consumed = place.consumed
        }

        /// Moves past the line where the failed value starts (the first non-blank byte after the last value
        /// delivered): a value cut short at the end of its line makes the parser fail on the next line, which
        /// must not be lost. Returns `false` when no line follows.
        mutating func skipFailedLine(nextDocument: Int) -> Bool {
            let (valueStart, valueLine) = skipBlanks(from: max(consumed, start))
            var i = valueStart
            while i < bytes.count, bytes[i] != 0x0A { i += 1 }
            guard i + 1 < bytes.count else { return false }
            start = i + 1
            line = valueLine + 1
            consumed = start
            documentBase = nextDocument
            return true
        }

        /// The first byte at or after `from` that is not JSON whitespace, and its line (counting from `start`).
        private func skipBlanks(from: Int) -> (offset: Int, line: Int) {
            var current = line
            var i = start
            while i < from {
                if bytes[i] == 0x0A { current += 1 }
                i += 1
            }
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A {
                if bytes[i] == 0x0A { current += 1 }
                i += 1
            }
            return (i, current)
        }
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

    /// The mapping is read in ahead of the parse up to here (see ``readAhead(to:)``).
    private var readUpTo = 0

    init(base: UnsafeMutableRawPointer, size: Int) {
        self.base = base
        self.size = size
        self.page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)
        readAhead(to: 2 * Self.step)
    }

    /// Where to count the bytes the parse has moved past, and how many it has counted.
    var progress: LoadProgress?
    private(set) var reported = 0

    /// Releases the whole pages in `from..<to`, and reads in the pages two steps past `to`.
    func release(from: Int, to: Int) {
        if let progress, to > reported {
            progress.add(bytes: min(to, size) - reported)
            reported = min(to, size)
        }
        let low = from / page * page
        let high = min(to, size) / page * page
        if high > low {
            _ = madvise(base + low, high - low, MADV_DONTNEED)
        }
        readAhead(to: to + 2 * Self.step)
    }

    /// Maps the file's pages up to `end` in one call (Linux's MADV_POPULATE_READ), so the parse does not
    /// take a page fault every few pages; the window stays a few steps wide, so memory stays bounded.
    /// Where the call is not supported it fails and the pages fault in as before.
    private func readAhead(to end: Int) {
        #if os(Linux)
        let low = readUpTo / page * page
        let high = (min(end, size) + page - 1) / page * page
        guard high > low else { return }
        _ = madvise(base + low, high - low, 22)  // MADV_POPULATE_READ
        readUpTo = high
        #endif
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

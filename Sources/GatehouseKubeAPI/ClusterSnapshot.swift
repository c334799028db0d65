import Foundation
import KubeModel

/// Lists the cluster's objects into a folder of JSON files, one `kind: List` per resource
/// (`apps.v1.deployments.json`), which the audit then reads as it reads any export.
///
/// Why a folder: the audit's file path is the fast, parallel and memory-bounded one, and the folder is a
/// file export of exactly what was listed, so `gatehouse audit FOLDER` later gives the same report, byte for
/// byte (`--export-to` keeps it). Memory holds one page at a time.
///
/// Listing follows the API's chunking contract (`limit` and `continue`, "Retrieving large results sets in
/// chunks"): pages are requested until `metadata.continue` is empty. A 410 Gone on a continued page means
/// the token expired (the server compacted past it); the resource is listed again from the start, its file
/// truncated, at most ``maximumRestarts`` times. Items come without `apiVersion` and `kind` in a list answer;
/// each is written with those of its resource first (an item's own, if present, come later and win).
public struct ClusterSnapshot {
    public let client: KubeAPIClient
    public let folder: String
    /// Items per page (`--chunk-size`; kubectl's default is 500).
    public var pageSize = 500
    public var maximumRestarts = 3

    public init(client: KubeAPIClient, folder: String) {
        self.client = client
        self.folder = folder
    }

    /// What a snapshot read.
    public struct Outcome: Sendable {
        /// The files written, one per resource listed (also those whose listing failed part way: what they
        /// hold was read whole, page by page).
        public var files: [String] = []
        public var objects = 0
        /// Requests that failed, as input errors naming the request and the kind: the rest is still audited.
        public var errors: [LoadError] = []
    }

    /// Discovers the wanted kinds and lists each into the folder, one after another.
    public func take(_ wanted: [ClusterReadKinds.Kind] = ClusterReadKinds.all) async throws -> Outcome {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var outcome = Outcome()
        let (resources, discoveryErrors) = try await APIDiscovery(client: client).resources(for: wanted)
        outcome.errors += discoveryErrors.map { Self.inputError($0, kind: nil) }
        for resource in resources {
            let file = folder + "/" + Self.fileName(resource)
            do {
                outcome.objects += try await list(resource, into: file)
                outcome.files.append(file)
            } catch let error as KubeAPIError {
                outcome.errors.append(Self.inputError(error, kind: resource))
                if FileManager.default.fileExists(atPath: file) { outcome.files.append(file) }
            }
        }
        return outcome
    }

    /// `apps.v1.deployments.json`, `core.v1.pods.json`: sorted by name, the core kinds come together.
    static func fileName(_ resource: APIResource) -> String {
        "\(resource.group.isEmpty ? "core" : resource.group).\(resource.version).\(resource.resource).json"
    }

    private static func inputError(_ error: KubeAPIError, kind resource: APIResource?) -> LoadError {
        var message: String
        if let resource {
            message = "cannot list \(resource.kind) (\(resource.apiVersion)): \(error.description)"
            if error.status == 403 {
                message += "; grant get and list on \(resource.resource) to audit them (their objects are not audited)"
            }
        } else {
            message = "API discovery failed: \(error.description)"
        }
        return LoadError(file: error.request.split(separator: " ").last.map(String.init) ?? error.request, position: .unknown, message: message)
    }

    /// Lists one resource, page by page, into `path`; returns how many objects it wrote.
    private func list(_ resource: APIResource, into path: String) async throws -> Int {
        var restarts = 0
        restart: while true {
            let spool = try SpoolFile(path: path, resource: resource)
            var token: String?
            var count = 0
            do {
                while true {
                    var query = "?limit=\(pageSize)"
                    if let token { query += "&continue=" + Self.queryEscaped(token) }
                    let request = resource.listPath + query
                    let response = try await client.send(.GET, request)
                    if response.status == 410, token != nil, restarts < maximumRestarts {
                        // The continue token expired: the listing starts again, and what was written is dropped.
                        restarts += 1
                        spool.close()
                        continue restart
                    }
                    guard response.status == 200 else {
                        throw KubeAPIError(
                            request: client.describe(.GET, request), status: response.status, message: response.message)
                    }
                    let page = try ListPage(response.body, request: client.describe(.GET, request))
                    count += try spool.append(page, from: response.body)
                    guard let next = page.continueToken, !next.isEmpty else { break }
                    token = next
                }
            } catch {
                // The pages read so far stay a complete list, audited beside the error that cut it short.
                spool.finish()
                throw error
            }
            spool.finish()
            return count
        }
    }

    /// A continue token as a query value: base64 holds `+`, `/` and `=`.
    static func queryEscaped(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// One page of a list answer: where its items lie in the body, and the token of the next page.
struct ListPage {
    var items: [Range<Int>]
    var continueToken: String?

    init(_ body: [UInt8], request: String) throws {
        let tree: Tree
        switch body.withUnsafeBytes({ JSONLoader.parse($0) }) {
        case .success(let parsed): tree = parsed
        case .failure(let problem):
            throw KubeAPIError(request: request, status: 200, message: "the page is not JSON (\(problem))", retriable: false)
        }
        continueToken = tree.root.at("metadata", "continue")?.string
        guard let items = tree.root["items"], items.isSequence || items.isNull else {
            throw KubeAPIError(request: request, status: 200, message: "the answer is not a list (no items)", retriable: false)
        }
        self.items = JSONItemRanges.ofItems(in: body)
        guard self.items.count == items.count else {
            throw KubeAPIError(request: request, status: 200, message: "the list's items could not be delimited", retriable: false)
        }
    }
}

/// The byte ranges of the elements of a JSON object's top-level `items` array. Runs on a body the parser
/// has already accepted, so it only follows strings and brackets.
enum JSONItemRanges {
    static func ofItems(in body: [UInt8]) -> [Range<Int>] {
        var depth = 0
        var i = 0
        let n = body.count
        // Finds `"items"` as a key at depth 1, then the `[` after its colon.
        var arrayStart: Int?
        while i < n {
            let c = body[i]
            if c == UInt8(ascii: "\"") {
                let start = i
                i = endOfString(body, from: i)
                if depth == 1, i - start == 7, body[start + 1..<start + 6].elementsEqual("items".utf8) {
                    var j = i
                    while j < n, body[j] != UInt8(ascii: ":") { j += 1 }
                    j += 1
                    while j < n, body[j] == 0x20 || body[j] == 0x0A || body[j] == 0x0D || body[j] == 0x09 { j += 1 }
                    if j < n, body[j] == UInt8(ascii: "[") {
                        arrayStart = j
                        break
                    }
                }
                continue
            }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
            if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") { depth -= 1 }
            i += 1
        }
        guard let arrayStart else { return [] }
        var ranges: [Range<Int>] = []
        i = arrayStart + 1
        depth = 0
        var itemStart: Int?
        while i < n {
            let c = body[i]
            if c == UInt8(ascii: "\"") {
                if itemStart == nil { itemStart = i }
                i = endOfString(body, from: i)
                continue
            }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                if depth == 0 { itemStart = i }
                depth += 1
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                if depth == 0 { break }  // the array's own `]`
                depth -= 1
                if depth == 0, let start = itemStart {
                    ranges.append(start..<i + 1)
                    itemStart = nil
                }
            }
            i += 1
        }
        return ranges
    }

    /// The index just past the string that opens at `start`.
    private static func endOfString(_ body: [UInt8], from start: Int) -> Int {
        var i = start + 1
        while i < body.count {
            if body[i] == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if body[i] == UInt8(ascii: "\"") { return i + 1 }
            i += 1
        }
        return i
    }
}

/// A resource's file of the snapshot: `{"apiVersion":"v1","kind":"List","items":[` then one item per line.
final class SpoolFile {
    private let handle: FileHandle
    private let prefix: [UInt8]
    private var written = 0

    init(path: String, resource: APIResource) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw KubeAPIError(
                request: "write \(path)", status: nil, message: "cannot create the snapshot file", retriable: false)
        }
        self.handle = handle
        prefix = Array(#"{"apiVersion":"\#(resource.apiVersion)","kind":"\#(resource.kind)""#.utf8)
        handle.write(Data(#"{"apiVersion":"v1","kind":"List","items":["#.utf8))
    }

    /// Writes the page's items, each with its resource's apiVersion and kind; returns how many.
    func append(_ page: ListPage, from body: [UInt8]) throws -> Int {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + page.items.count * (prefix.count + 4))
        for range in page.items where body[range.lowerBound] == UInt8(ascii: "{") {
            out += written == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A]
            out += prefix
            var rest = range.lowerBound + 1
            while rest < range.upperBound, [0x20, 0x0A, 0x0D, 0x09].contains(body[rest]) { rest += 1 }
            if body[rest] != UInt8(ascii: "}") { out.append(UInt8(ascii: ",")) }
            out += body[rest..<range.upperBound]
            written += 1
        }
        handle.write(Data(out))
        return page.items.count
    }

    /// Closes the list and the file.
    func finish() {
        handle.write(Data("\n]}\n".utf8))
        try? handle.close()
    }

    /// Closes the file without ending the list (it is about to be written again from the start).
    func close() {
        try? handle.close()
    }
}

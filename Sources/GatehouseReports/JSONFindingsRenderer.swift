#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GatehouseRules
import KubeModel

/// Byte strings stored end to end in one buffer: entry `i` is `bytes[starts[i]..<starts[i + 1]]`.
struct ByteTable: Sendable {
    var bytes: [UInt8] = []
    var starts: [Int] = [0]

    /// Ends the entry being appended to `bytes`.
    mutating func endEntry() { starts.append(bytes.count) }

    /// Whether entry `i` holds exactly `other`.
    func entry(_ i: Int, equals other: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[i]
        let count = starts[i + 1] - start
        guard count == other.count else { return false }
        if count == 0 { return true }
        return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, other.baseAddress!, count) == 0 }
    }
}

/// Formats the `findings` array of the JSON report straight from a ``FindingList``'s tables.
///
/// The one JSON the project writes without `JSONEmitter`, for speed: the fixed parts of a finding are
/// rendered once (``Piece``) and copied, in the layout the emitter gives the report around them (items at
/// depth 2, `object` and `location` on lines of their own); every string and number goes through the
/// emitter's own `appendLiteral` and `appendDecimal`, so the escaping is the same. `JSONFindingsTests`
/// checks the bytes against the emitter writing the same findings field by field.
///
/// A report has hundreds of thousands of findings but far fewer distinct strings and objects, so each distinct
/// string is escaped once (a table of ready JSON literals, by string id) and an object's `"object"` and
/// `"location"` members up to the line number are rendered once per run of findings about it. A finding is then
/// a dozen copies of ready bytes and two numbers, with no `Finding` built (that would copy and reference-count
/// ten strings).
/// The bytes are exactly those of formatting each `Finding` field by field.
struct JSONFindingsRenderer: Sendable {
    /// Findings per chunk: big enough that handing chunks between threads costs nothing, small enough (~2 MB of
    /// JSON) that a few chunks in flight keep memory bounded whatever the report's size.
    static let chunkSize = 4096

    private let list: FindingList
    /// JSON string literal (quotes included) of each of the list's strings.
    private let literals: ByteTable
    /// JSON string literal of each object's name, and its document and item (`-1`: none), by object index:
    /// read once here, so rendering an object's members reads no `ObjectRef` (each read of one retained and
    /// released its box and strings). About 40 bytes an object.
    private let names: ByteTable
    private let places: [(document: Int, item: Int)]

    /// With `threads` ≥ 2 the string and object tables are made at once, on this thread and another: they
    /// come before any finding can be written.
    init(_ list: FindingList, threads: Int = 1) {
        self.list = list
        let objects = ObjectTables()
        let filling = threads >= 2 ? BackgroundWork.start { objects.fill(from: list) } : nil
        literals = Self.literals(of: list.strings)
        if let filling { filling.wait() } else { objects.fill(from: list) }
        names = objects.names
        places = objects.places
    }

    private static func literals(of strings: [String]) -> ByteTable {
        var literals = ByteTable()
        literals.bytes.reserveCapacity(strings.reduce(0) { $0 + $1.utf8.count + 2 })
        literals.starts.reserveCapacity(strings.count + 1)
        for text in strings {
            JSONEmitter.appendLiteral(text, to: &literals.bytes)
            literals.endEntry()
        }
        return literals
    }

    /// The renderer's per-object tables, filled on one thread and read after it is done.
    ///
    /// `@unchecked Sendable`: written by one thread before it ends, read after it is joined.
    private final class ObjectTables: @unchecked Sendable {
        var names = ByteTable()
        var places: [(document: Int, item: Int)] = []

        func fill(from list: FindingList) {
            names.starts.reserveCapacity(list.objects.count + 1)
            places.reserveCapacity(list.objects.count)
            for object in list.objects {
                JSONEmitter.appendLiteral(object.name, to: &names.bytes)
                names.endEntry()
                let source = object.source
                places.append((source.document, source.item ?? -1))
            }
        }
    }

    private static func headIndex(_ severity: Severity, _ action: Action) -> Int {
        Severity.allCases.firstIndex(of: severity)! * Action.allCases.count + Action.allCases.firstIndex(of: action)!
    }

    /// Appends `,\n     "object": {...},\n     "location": {"file": ..., "document": D, "item": I, "line": ` for
    /// object `o`, its shared strings from the literal table.
    ///
    /// Rendered per run of findings rather than kept per object: a table for a million objects would add
    /// ~200 MB to the audit's peak memory.
    private func appendObjectPart(
        _ o: Int, to bytes: inout [UInt8], literal: (UInt32) -> UnsafeBufferPointer<UInt8>
    ) {
        let ids = list.objectStrings[o]
        bytes.append(contentsOf: Piece.objectKey)
        bytes.append(contentsOf: literal(ids.apiVersion))
        bytes.append(contentsOf: Piece.kindKey)
        bytes.append(contentsOf: literal(ids.kind))
        bytes.append(contentsOf: Piece.namespaceKey)
        if ids.namespace == FindingList.none {
            bytes.append(contentsOf: Piece.null)
        } else {
            bytes.append(contentsOf: literal(ids.namespace))
        }
        bytes.append(contentsOf: Piece.nameKey)
        names.bytes.withUnsafeBufferPointer { all in
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: all[names.starts[o]..<names.starts[o + 1]]))
        }
        bytes.append(contentsOf: Piece.fileKey)
        bytes.append(contentsOf: literal(ids.file))
        bytes.append(contentsOf: Piece.documentKey)
        let place = places[o]
        JSONEmitter.appendDecimal(place.document, to: &bytes)
        bytes.append(contentsOf: Piece.itemKey)
        if place.item >= 0 {
            JSONEmitter.appendDecimal(place.item, to: &bytes)
        } else {
            bytes.append(contentsOf: Piece.null)
        }
        bytes.append(contentsOf: Piece.lineKey)
    }

    /// Appends findings `range`, each preceded by its separator in the array (`\n    ` before the first finding
    /// of the list, `,\n    ` before the others).
    func render(_ range: Range<Int>, into out: inout [UInt8]) {
        let none = FindingList.none
        literals.bytes.withUnsafeBufferPointer { literalBytes in
        literals.starts.withUnsafeBufferPointer { literalStarts in
        list.records.withUnsafeBufferPointer { records in
            func literal(_ id: UInt32) -> UnsafeBufferPointer<UInt8> {
                let i = Int(id)
                return UnsafeBufferPointer(rebasing: literalBytes[literalStarts[i]..<literalStarts[i + 1]])
            }
            // Findings come sorted by rule then object, so consecutive findings often share their object's members
            // (rendered once into `part`), severity and action.
            let (firstSeparator, separator, ruleKey, pathKey, columnKey, containerKey, imageKey, null, heads) = (
                Piece.firstSeparator, Piece.separator, Piece.ruleKey, Piece.pathKey, Piece.columnKey,
                Piece.containerKey, Piece.imageKey, Piece.null, Piece.heads)
            var part: [UInt8] = []
            var partObject = -1
            var head = 0
            var headSeverity: Severity?
            var headAction: Action?
            // Fixes repeat (one rule, one path, one shape): each distinct one is rendered once.
            var fixes: [FixJSON.Key: [UInt8]] = [:]
            for i in range {
                let r = records[i]
                if r.severity != headSeverity || r.action != headAction {
                    head = Self.headIndex(r.severity, r.action)
                    headSeverity = r.severity
                    headAction = r.action
                }
                out.append(contentsOf: i == 0 ? firstSeparator : separator)
                out.append(contentsOf: ruleKey)
                out.append(contentsOf: literal(r.rule))
                out.append(contentsOf: heads[head])
                out.append(contentsOf: literal(r.message))
                out.append(contentsOf: pathKey)
                out.append(contentsOf: literal(r.path))
                let o = Int(r.object)
                if o != partObject {
                    part.removeAll(keepingCapacity: true)
                    appendObjectPart(o, to: &part, literal: literal)
                    partObject = o
                }
                out.append(contentsOf: part)
                let position = list.position(of: i)
                JSONEmitter.appendDecimal(position.line, to: &out)
                out.append(contentsOf: columnKey)
                JSONEmitter.appendDecimal(position.column, to: &out)
                out.append(contentsOf: containerKey)
                if r.container == none { out.append(contentsOf: null) } else { out.append(contentsOf: literal(r.container)) }
                out.append(contentsOf: imageKey)
                if r.image == none { out.append(contentsOf: null) } else { out.append(contentsOf: literal(r.image)) }
                if r.chain != 0 { ChainJSON.append(list.chains[Int(r.chain)], to: &out) }
                if r.fixDepth != 0 {
                    let key = FixJSON.Key(rule: r.rule, path: r.path, depth: r.fixDepth)
                    if fixes[key] == nil { fixes[key] = FixJSON.member(list[i]) }
                    out.append(contentsOf: fixes[key]!)
                }
                out.append(UInt8(ascii: "}"))
            }
        }
        }
        }
    }

    /// The fixed parts of a finding's JSON, made once for the process. Appending them copies bytes and nothing
    /// else; array constants were retained and released at each of the dozen uses per finding.
    private enum Piece {
        static func make(_ bytes: [UInt8]) -> UnsafeBufferPointer<UInt8> {
            let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
            _ = storage.initialize(from: bytes)
            return UnsafeBufferPointer(rebasing: storage[0..<bytes.count])
        }
        static func make(_ text: String) -> UnsafeBufferPointer<UInt8> { make(Array(text.utf8)) }

        nonisolated(unsafe) static let firstSeparator = make("\n    ")
        nonisolated(unsafe) static let separator = make(",\n    ")
        nonisolated(unsafe) static let ruleKey = make("{\"rule\": ")
        nonisolated(unsafe) static let pathKey = make(", \"path\": ")
        nonisolated(unsafe) static let columnKey = make(", \"column\": ")
        nonisolated(unsafe) static let containerKey = make("}, \"container\": ")
        nonisolated(unsafe) static let imageKey = make(", \"image\": ")
        nonisolated(unsafe) static let null = make("null")
        nonisolated(unsafe) static let objectKey = make(",\n     \"object\": {\"apiVersion\": ")
        nonisolated(unsafe) static let kindKey = make(", \"kind\": ")
        nonisolated(unsafe) static let namespaceKey = make(", \"namespace\": ")
        nonisolated(unsafe) static let nameKey = make(", \"name\": ")
        nonisolated(unsafe) static let fileKey = make("},\n     \"location\": {\"file\": ")
        nonisolated(unsafe) static let documentKey = make(", \"document\": ")
        nonisolated(unsafe) static let itemKey = make(", \"item\": ")
        nonisolated(unsafe) static let lineKey = make(", \"line\": ")
        /// Per severity and action (``headIndex(_:_:)``): `, "severity": "S", "action": "A", "message": `.
        nonisolated(unsafe) static let heads: [UnsafeBufferPointer<UInt8>] = Severity.allCases.flatMap { severity in
            Action.allCases.map { action in
                var head = Array(", \"severity\": ".utf8)
                JSONEmitter.appendLiteral(severity.rawValue, to: &head)
                head.append(contentsOf: ", \"action\": ".utf8)
                JSONEmitter.appendLiteral(action.rawValue, to: &head)
                head.append(contentsOf: ", \"message\": ".utf8)
                return make(head)
            }
        }
    }

    /// Writes every finding to `out` in order. With two threads, a helper formats every other chunk into one
    /// of a few reusable buffers while this thread formats the rest and writes all of them in order; at most
    /// ``slotCount`` chunks wait, so memory stays bounded for reports of any size.
    /// `chunkSize` is ``chunkSize`` but for tests that exercise many chunks with few findings.
    func write(to out: ReportOutput, threads: Int, chunkSize: Int = Self.chunkSize) {
        let count = list.records.count
        let chunks = (count + chunkSize - 1) / chunkSize
        let chunk = { @Sendable (c: Int) -> Range<Int> in c * chunkSize..<min(count, (c + 1) * chunkSize) }
        guard threads >= 2, chunks >= 2 else {
            for c in 0..<chunks { out.render { render(chunk(c), into: &$0) } }
            return
        }
        let slots = (0..<Self.slotCount).map { _ in ChunkSlot() }
        let renderer = self
        let helper = WorkerThread.start {
            // The helper takes the odd chunks: chunk 2k + 1 goes to slot k % slotCount.
            var k = 0
            for c in stride(from: 1, to: chunks, by: 2) {
                let slot = slots[k % Self.slotCount]
                slot.free.wait()
                slot.bytes.removeAll(keepingCapacity: true)
                renderer.render(chunk(c), into: &slot.bytes)
                slot.filled.signal()
                k += 1
            }
        }
        guard let helper else { return write(to: out, threads: 1, chunkSize: chunkSize) }
        for c in 0..<chunks {
            if c % 2 == 0 {
                out.render { render(chunk(c), into: &$0) }
            } else {
                let slot = slots[(c / 2) % Self.slotCount]
                slot.filled.wait()
                out.append(slot.bytes)
                slot.free.signal()
            }
        }
        helper.join()
    }

    static let slotCount = 3
}

/// A buffer handed between the formatting helper and the writing thread.
///
/// `@unchecked Sendable`: `bytes` is touched by one thread at a time, in turn, as the two semaphores say
/// (the helper between `free` and `filled`, the writer between `filled` and `free`).
private final class ChunkSlot: @unchecked Sendable {
    var bytes: [UInt8] = []
    let free = Semaphore(value: 1)
    let filled = Semaphore(value: 0)
}

/// A finding's `fix` member in the JSON report, when its rule has a mechanical fix that applies:
/// `{"summary": "...", "patch": [RFC 6902 operations against the object]}`. Findings without one have no such
/// member.
enum FixJSON {
    /// What a fix's JSON depends on: the rule, the finding's path and the object's shape there.
    struct Key: Hashable {
        var rule: UInt32
        var path: UInt32
        var depth: UInt8
    }

    static func member(_ finding: Finding) -> [UInt8] {
        guard let fix = finding.fixPatch else { return [] }
        var json = JSONEmitter(style: .spaced)
        write(fix, to: &json)
        return Array(",\n     \"fix\": ".utf8) + json.bytes
    }

    /// `{"summary": ..., "patch": [...]}` (the JSON and SARIF reports write the same object).
    static func write(_ fix: (summary: String, operations: [JSONPatchOperation]), to json: inout JSONEmitter) {
        json.beginObject()
        json.field("summary", fix.summary)
        json.key("patch")
        json.beginArray()
        for operation in fix.operations { operation.write(to: &json) }
        json.endArray()
        json.endObject()
    }
}

/// A cross-object finding's `chain` member in the JSON report: the objects that prove it, in order, each with
/// what it contributes. Findings without a chain have no such member. Written through ``JSONEmitter`` (chains
/// are rare: cross-object findings only), in the layout the emitter gives it inside a finding: on a line of its
/// own, the links inline.
enum ChainJSON {
    static func append(_ chain: [ChainLink], to out: inout [UInt8]) {
        var json = JSONEmitter(style: .spaced)
        write(chain, to: &json)
        out.append(contentsOf: Array(",\n     \"chain\": ".utf8))
        out.append(contentsOf: json.bytes)
    }

    /// The chain as an array value (the caller has written its key).
    static func write(_ chain: [ChainLink], to json: inout JSONEmitter) {
        json.beginArray()
        for link in chain {
            json.beginObject()
            json.field("apiVersion", link.object.apiVersion)
            json.field("kind", link.object.kind)
            json.field("namespace", link.object.namespace)
            json.field("name", link.object.name)
            json.field("file", link.object.source.file)
            json.field("detail", link.detail)
            json.endObject()
        }
        json.endArray()
    }
}

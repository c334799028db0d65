#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GatehouseRules
import KubeModel

/// Findings stored compactly: a read-only collection of ``Finding`` values that keeps each distinct string
/// (rule id, message, path, container, image, check) once, each object's identity once, and per finding only a
/// 40-byte record of table indexes.
///
/// An audit of a million objects reports millions of findings; as plain `Finding` values (about 240 bytes
/// each plus their strings) they alone would exceed a gigabyte. Reading an element builds the `Finding` from
/// the tables (no string is copied: the tables' strings are shared).
public struct FindingList: RandomAccessCollection, Sendable {
    public typealias Index = Int
    public typealias Element = Finding

    /// One finding: indexes into the tables.
    struct Record: Sendable {
        var rule: UInt32
        var message: UInt32
        var path: UInt32
        var container: UInt32
        var image: UInt32
        var check: UInt32
        var object: UInt32
        var chain: UInt32
        var line: UInt32
        var column: UInt32
        var severity: Severity
        var action: Action
        /// ``Finding/fixDepth`` (it fits in the record's padding).
        var fixDepth: UInt8
    }

    /// Marks an absent optional string.
    static let none = UInt32.max
    /// Marks a line or column too large for a record; the real position is in ``wide``.
    static let wideMark = UInt32.max

    var strings: [String] = []
    var objects: [ObjectRef] = []
    /// The string ids of each object's API version, kind, namespace and file, by object index (the sort ranks
    /// objects by these ids instead of comparing their strings).
    var objectStrings: [ObjectStrings] = []
    /// Chains of cross-object findings; index 0 is the empty chain.
    var chains: [[ChainLink]] = [[]]
    var records: [Record] = []
    /// Positions that do not fit in 32 bits, by record index (files of gigabytes on one line).
    var wide: [Int: SourcePosition] = [:]

    public init() {}

    /// The findings of `array`, in its order.
    public init(_ array: [Finding]) {
        var builder = Builder()
        for finding in array { builder.append(finding) }
        self = builder.finish()
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { records.count }

    public subscript(position: Int) -> Finding {
        let r = records[position]
        var finding = Finding(
            ruleID: strings[Int(r.rule)], severity: r.severity, action: r.action, message: strings[Int(r.message)],
            path: strings[Int(r.path)], position: self.position(of: position), container: string(r.container),
            image: string(r.image), object: objects[Int(r.object)], check: string(r.check))
        if r.chain != 0 { finding.chain = chains[Int(r.chain)] }
        finding.fixDepth = r.fixDepth
        return finding
    }

    /// The rule id of finding `i`, without building the finding.
    public func ruleID(at i: Int) -> String { strings[Int(records[i].rule)] }

    /// The severity of finding `i`, without building the finding.
    public func severity(at i: Int) -> Severity { records[i].severity }

    /// The action of finding `i`, without building the finding.
    public func action(at i: Int) -> Action { records[i].action }

    func position(of i: Int) -> SourcePosition {
        let r = records[i]
        if r.line == Self.wideMark || r.column == Self.wideMark, let position = wide[i] { return position }
        return SourcePosition(line: Int(r.line), column: Int(r.column))
    }

    private func string(_ id: UInt32) -> String? { id == Self.none ? nil : strings[Int(id)] }

    /// String ids of an object's shared parts (``FindingList/none`` for an absent namespace).
    struct ObjectStrings: Sendable {
        var apiVersion: UInt32
        var kind: UInt32
        var namespace: UInt32
        var file: UInt32
    }

    /// Builds a ``FindingList``, interning strings and objects as findings arrive.
    ///
    /// Findings of one object usually arrive together (``append(objectFindings:)``): their object is stored
    /// once without hashing it. Other findings (cross-object rules) find theirs through a table.
    public struct Builder: Sendable {
        var list = FindingList()
        private var stringIDs = StringTable()
        private var objectIDs: [ObjectRef: UInt32] = [:]
        /// The object last looked up and its id: cross-object rules report several findings about one object in
        /// a row, and comparing with the caller's value (sharing its strings) is cheaper than hashing it.
        private var lastObject: (ref: ObjectRef, id: UInt32)?

        public init() {}

        public var count: Int { list.records.count }

        /// Appends the findings of one object evaluation (all about the same object, as the engine returns them).
        public mutating func append(objectFindings findings: [Finding]) {
            guard let first = findings.first else { return }
            let firstObject = UInt32(list.objects.count)
            appendInterned(first.object)
            // By index and borrowed: copying each finding out of the array retained and released its strings.
            for i in findings.indices {
                // Compared with the caller's own value (not the interned copy): the engine's findings share
                // its strings, so this is a pointer comparison.
                let object = findings[i].object == first.object ? firstObject : objectID(findings[i].object)
                append(findings[i], object: object)
            }
        }

        /// Appends one finding (its object is looked up among those appended through this method).
        public mutating func append(_ finding: Finding) {
            append(finding, object: objectID(finding.object))
        }

        /// Appends one finding, storing its object again unless it is the previous finding's. For findings
        /// about mostly different objects (most cross-object rules report once per object) this is cheaper
        /// than looking each object up; an object stored twice still sorts and reads the same.
        public mutating func appendStoringObject(_ finding: Finding) {
            if let lastObject, lastObject.ref == finding.object {
                append(finding, object: lastObject.id)
                return
            }
            let id = UInt32(list.objects.count)
            appendInterned(finding.object)
            lastObject = (finding.object, id)
            append(finding, object: id)
        }

        /// Appends every finding `other` holds, in order; into an empty builder, takes `other` over whole.
        public mutating func append(contentsOf other: consuming Builder) {
            if list.records.isEmpty && list.objects.isEmpty && stringIDs.isEmpty {
                self = other
            } else {
                append(contentsOf: other.list)
            }
        }

        /// Appends every finding `other` holds, in order.
        public mutating func append(contentsOf other: FindingList) {
            if list.records.isEmpty && list.objects.isEmpty && stringIDs.isEmpty {
                list = other
                stringIDs = StringTable(other.strings)
                return
            }
            var strings: [UInt32] = []
            strings.reserveCapacity(other.strings.count)
            for text in other.strings { strings.append(intern(text)) }
            let objectBase = UInt32(list.objects.count)
            list.objects.append(contentsOf: other.objects)
            for o in other.objectStrings {
                list.objectStrings.append(ObjectStrings(
                    apiVersion: strings[Int(o.apiVersion)], kind: strings[Int(o.kind)],
                    namespace: o.namespace == none ? none : strings[Int(o.namespace)], file: strings[Int(o.file)]))
            }
            let chainBase = UInt32(list.chains.count - 1)
            list.chains.append(contentsOf: other.chains.dropFirst())
            let recordBase = list.records.count
            let none = FindingList.none
            // No reserveCapacity to the exact size: appending input after input would then copy every
            // record gathered so far each time (24 inputs copied the records 23 times).
            list.records.append(contentsOf: other.records.lazy.map { r in
                var r = r
                r.rule = strings[Int(r.rule)]
                r.message = strings[Int(r.message)]
                r.path = strings[Int(r.path)]
                if r.container != none { r.container = strings[Int(r.container)] }
                if r.image != none { r.image = strings[Int(r.image)] }
                if r.check != none { r.check = strings[Int(r.check)] }
                r.object += objectBase
                if r.chain != 0 { r.chain += chainBase }
                return r
            })
            for (i, position) in other.wide { list.wide[recordBase + i] = position }
        }

        /// The list; the builder's lookup tables are dropped.
        public consuming func finish() -> FindingList { list }

        private var none: UInt32 { FindingList.none }

        private mutating func append(_ f: borrowing Finding, object: UInt32) {
            var chain: UInt32 = 0
            if !f.chain.isEmpty {
                chain = UInt32(list.chains.count)
                list.chains.append(f.chain)
            }
            let line = UInt32(exactly: f.position.line).flatMap { $0 == FindingList.wideMark ? nil : $0 }
            let column = UInt32(exactly: f.position.column).flatMap { $0 == FindingList.wideMark ? nil : $0 }
            if line == nil || column == nil { list.wide[list.records.count] = f.position }
            let record = Record(
                    rule: Self.intern(f.ruleID, recent: &recentRule, table: &stringIDs, strings: &list.strings),
                    message: intern(f.message), path: intern(f.path),
                    container: Self.intern(f.container, recent: &recentContainer, table: &stringIDs, strings: &list.strings),
                    image: Self.intern(f.image, recent: &recentImage, table: &stringIDs, strings: &list.strings),
                    check: intern(f.check), object: object, chain: chain,
                    line: line ?? FindingList.wideMark, column: column ?? FindingList.wideMark,
                    severity: f.severity, action: f.action, fixDepth: f.fixDepth)
            list.records.append(record)
        }

        private mutating func objectID(_ object: ObjectRef) -> UInt32 {
            if let lastObject, lastObject.ref == object { return lastObject.id }
            let id = lookUpObject(object)
            lastObject = (object, id)
            return id
        }

        private mutating func lookUpObject(_ object: ObjectRef) -> UInt32 {
            if let known = objectIDs[object] { return known }
            let id = UInt32(list.objects.count)
            appendInterned(object)
            objectIDs[list.objects[Int(id)]] = id
            return id
        }

        /// Appends the object with its repeated strings (API version, kind, namespace, file) shared with
        /// earlier ones, and their ids.
        private mutating func appendInterned(_ object: ObjectRef) {
            let ids = ObjectStrings(
                apiVersion: intern(object.apiVersion), kind: intern(object.kind), namespace: intern(object.namespace),
                file: intern(object.source.file))
            var source = object.source
            source.file = list.strings[Int(ids.file)]
            // Built whole: ObjectRef keeps its fields in one box, which each field setter would copy.
            list.objects.append(ObjectRef(
                apiVersion: list.strings[Int(ids.apiVersion)], kind: list.strings[Int(ids.kind)],
                namespace: ids.namespace == none ? nil : list.strings[Int(ids.namespace)], name: object.name,
                source: source))
            list.objectStrings.append(ids)
        }

        private mutating func intern(_ text: String?) -> UInt32 {
            guard let text else { return FindingList.none }
            return intern(text)
        }

        /// The last rule id, container and image interned, with their ids: an object's findings come rule by
        /// rule and mostly about the same container, so these repeat from one finding to the next, and
        /// comparing with the last one is cheaper than hashing.
        private var recentRule = RecentString()
        private var recentContainer = RecentString()
        private var recentImage = RecentString()

        struct RecentString: Sendable {
            var text: String?
            var id = FindingList.none
        }

        private static func intern(
            _ text: String?, recent: inout RecentString, table: inout StringTable, strings: inout [String]
        ) -> UInt32 {
            guard let text else { return FindingList.none }
            if let last = recent.text, last == text { return recent.id }
            let id = table.intern(text, into: &strings)
            recent = RecentString(text: text, id: id)
            return id
        }

        private mutating func intern(_ text: String) -> UInt32 {
            stringIDs.intern(text, into: &list.strings)
        }
    }
}

/// Ids of interned strings by their exact UTF-8 bytes: open addressing with linear probing, keyed by a cheap
/// 64-bit hash of the bytes.
///
/// Interning runs for every field of every finding; `[String: UInt32]` would hash each with SipHash and compare
/// with Unicode-aware equality. Ids here stand for exact byte strings, so a report shows every string exactly as
/// its rule wrote it.
struct StringTable: Sendable {
    /// Per slot, 1 + the id of the string there; 0 for an empty slot. The count is a power of two.
    private var slots: [UInt32] = Array(repeating: 0, count: 64)
    /// Per id, its hash (probes compare hashes before bytes).
    private var hashes: [UInt64] = []
    /// Every interned string's bytes, end to end (id `i` at `bytes[starts[i]..<starts[i + 1]]`): probes compare
    /// against these without touching (and reference-counting) the strings themselves.
    private var bytes = ByteTable()

    init() {}

    /// A table of `strings` (distinct byte strings), id = index.
    init(_ strings: [String]) {
        var ignored = [String]()
        for text in strings { _ = intern(text, into: &ignored) }
    }

    var isEmpty: Bool { hashes.isEmpty }

    /// The id of `text` among `strings`, appending it when new.
    mutating func intern(_ text: String, into strings: inout [String]) -> UInt32 {
        // Native strings are contiguous UTF-8: read in place, without the copy `withUTF8` needs.
        if let id = text.utf8.withContiguousStorageIfAvailable({ intern(text, utf8: $0, into: &strings) }) { return id }
        var utf8Source = text
        return utf8Source.withUTF8 { intern(text, utf8: $0, into: &strings) }
    }

    private mutating func intern(_ text: String, utf8: UnsafeBufferPointer<UInt8>, into strings: inout [String]) -> UInt32 {
        let hash = Self.hash(utf8)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let id = Int(entry - 1)
            if hashes[id] == hash && bytes.entry(id, equals: utf8) { return UInt32(id) }
            slot = (slot + 1) & mask
        }
        let id = UInt32(hashes.count)
        hashes.append(hash)
        bytes.bytes.append(contentsOf: utf8)
        bytes.endEntry()
        strings.append(text)
        slots[slot] = id + 1
        if hashes.count * 2 > slots.count { grow() }
        return id
    }

    /// Doubles the slots (the table stays at most half full, so probes stay short).
    private mutating func grow() {
        var bigger = [UInt32](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while bigger[slot] != 0 { slot = (slot + 1) & mask }
            bigger[slot] = UInt32(id + 1)
        }
        slots = bigger
    }

    /// A 64-bit hash of `bytes`, eight at a time with multiply-xorshift mixing (not for hostile input: the
    /// strings come from the rules, and a collision only costs a longer probe).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(bytes)
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: raw.count)
        var i = 0
        while i + 8 <= raw.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < raw.count {
            tail |= UInt64(raw[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        h = h &* 0xFF51_AFD7_ED55_8CCD
        return h ^ (h >> 32)
    }
}

extension FindingList {
    /// `first` and `second` merged into one list in canonical order, both already sorted
    /// (``sortCanonically()``).
    ///
    /// When no rule has findings in both (per-object and cross-object rules, say), canonical order is each
    /// rule's run of findings taken in rule order, so the merge moves runs and compares nothing else. Lists
    /// that share a rule are concatenated and sorted again.
    public static func merging(_ first: consuming FindingList, _ second: consuming FindingList) -> FindingList {
        let firstRuns = first.ruleRuns()
        let secondRuns = second.ruleRuns()
        // The second list's tables go after the first's, as they are: a string both hold is stored twice, which
        // the sort and the writers do not mind (they compare and write strings by their text), and nothing
        // is hashed again.
        var merged = first
        let stringBase = UInt32(merged.strings.count)
        let objectBase = UInt32(merged.objects.count)
        let chainBase = UInt32(merged.chains.count - 1)
        merged.strings += second.strings
        merged.objects += second.objects
        func moved(_ id: UInt32) -> UInt32 { id == none ? none : id + stringBase }
        merged.objectStrings += second.objectStrings.map {
            ObjectStrings(
                apiVersion: $0.apiVersion + stringBase, kind: $0.kind + stringBase, namespace: moved($0.namespace),
                file: $0.file + stringBase)
        }
        merged.chains += second.chains.dropFirst()
        let offset = merged.records.count
        // Appended in place (lazily mapped): with a million objects the first list's records alone are
        // hundreds of megabytes, and a second array of them would be the audit's peak memory.
        merged.records.append(contentsOf: second.records.lazy.map { r in
            var r = r
            r.rule += stringBase
            r.message += stringBase
            r.path += stringBase
            r.container = moved(r.container)
            r.image = moved(r.image)
            r.check = moved(r.check)
            r.object += objectBase
            if r.chain != 0 { r.chain += chainBase }
            return r
        })
        for (i, position) in second.wide { merged.wide[offset + i] = position }
        if !Set(firstRuns.map(\.rule)).isDisjoint(with: secondRuns.map(\.rule)) {
            merged.sortCanonically()
            return merged
        }
        var runs = firstRuns
        runs += secondRuns.map { ($0.rule, $0.range.lowerBound + offset..<$0.range.upperBound + offset) }
        runs.sort { $0.rule < $1.rule }
        var order: [UInt32] = []
        order.reserveCapacity(merged.records.count)
        for run in runs { order.append(contentsOf: run.range.lazy.map { UInt32($0) }) }
        merged.reorder(by: &order)
        return merged
    }

    /// The runs of consecutive findings with the same rule, with that rule's id.
    private func ruleRuns() -> [(rule: String, range: Range<Int>)] {
        var runs: [(rule: String, range: Range<Int>)] = []
        var start = 0
        for i in records.indices where i + 1 == records.count || records[i + 1].rule != records[i].rule {
            runs.append((strings[Int(records[i].rule)], start..<i + 1))
            start = i + 1
        }
        return runs
    }

    /// Sorts in ``AuditReport/canonicalOrder(_:_:)``: by rule, object, line and column as integer keys (the
    /// distinct rules and objects are ranked once), comparing path and message strings only on ties, then by
    /// arrival. Objects that compare equal keep the order they were first seen in.
    ///
    /// Rule is the first key, so the findings are first bucketed by rule (a counting sort of indexes) and each
    /// rule's findings are sorted on their own: the sort keys then exist for one rule at a time. With a
    /// million objects and four million findings, keys for all findings at once (plus the sort's buffer) were
    /// the audit's peak memory.
    public mutating func sortCanonically() {
        guard records.count > 1 else { return }
        let ruleRank = ranks(of: records.lazy.map(\.rule))
        let objectRank = rankObjects()

        // Indexes grouped by rule rank, ascending within each rule (a stable counting sort).
        var bucketStart = [Int](repeating: 0, count: Int(ruleRank.max() ?? 0) + 2)
        for r in records { bucketStart[Int(ruleRank[Int(r.rule)]) + 1] += 1 }
        for b in 1..<bucketStart.count { bucketStart[b] += bucketStart[b - 1] }
        var order = [UInt32](repeating: 0, count: records.count)
        var next = bucketStart
        for (i, r) in records.enumerated() {
            let b = Int(ruleRank[Int(r.rule)])
            order[next[b]] = UInt32(i)
            next[b] += 1
        }

        struct Key {
            var object: Int32
            var line: Int32
            var column: Int32
            var index: UInt32
        }
        do {
            let records = self.records
            let strings = self.strings
            var keys: [Key] = []
            for b in 0..<(bucketStart.count - 1) where bucketStart[b + 1] - bucketStart[b] > 1 {
                let range = bucketStart[b]..<bucketStart[b + 1]
                keys.removeAll(keepingCapacity: true)
                for i in order[range] {
                    let p = position(of: Int(i))
                    keys.append(
                        Key(
                            object: objectRank[Int(records[Int(i)].object)], line: Int32(clamping: p.line),
                            column: Int32(clamping: p.column), index: i))
                }
                keys.sort { a, b in
                    if a.object != b.object { return a.object < b.object }
                    if a.line != b.line { return a.line < b.line }
                    if a.column != b.column { return a.column < b.column }
                    let x = records[Int(a.index)]
                    let y = records[Int(b.index)]
                    if x.path != y.path, strings[Int(x.path)] != strings[Int(y.path)] {
                        return strings[Int(x.path)] < strings[Int(y.path)]
                    }
                    if x.message != y.message, strings[Int(x.message)] != strings[Int(y.message)] {
                        return strings[Int(x.message)] < strings[Int(y.message)]
                    }
                    return a.index < b.index
                }
                for (k, key) in zip(range, keys) { order[k] = key.index }
            }
        }
        reorder(by: &order)
    }

    /// Puts the record at `order[k]` at position `k`, for every `k`, in place (cycle by cycle: no second array
    /// of records). `order` is used up.
    private mutating func reorder(by order: inout [UInt32]) {
        if !wide.isEmpty {
            var moved: [Int: SourcePosition] = [:]
            for (k, from) in order.enumerated() { if let p = wide[Int(from)] { moved[k] = p } }
            wide = moved
        }
        for start in order.indices where order[start] != UInt32(start) {
            let first = self.records[start]
            var k = start
            while order[k] != UInt32(start) {
                let from = Int(order[k])
                self.records[k] = self.records[from]
                order[k] = UInt32(k)
                k = from
            }
            self.records[k] = first
            order[k] = UInt32(k)
        }
    }

    /// Rank of each string id among `ids` in `String` order (equal strings share a rank), by id; -1 for ids
    /// not in `ids`. ``none`` in `ids` ranks as the empty string, first.
    private func ranks(of ids: some Sequence<UInt32>) -> [Int32] {
        var rank = [Int32](repeating: -1, count: strings.count)
        var distinct: [UInt32] = []
        for id in ids where id != Self.none && rank[Int(id)] == -1 {
            rank[Int(id)] = 0
            distinct.append(id)
        }
        distinct.sort { strings[Int($0)] < strings[Int($1)] }
        // Rank 0 is the empty string (and an absent namespace, which orders as one).
        var current: Int32 = 0
        var previous: String = ""
        for id in distinct {
            let text = strings[Int(id)]
            if text != previous { current += 1; previous = text }
            rank[Int(id)] = current
        }
        return rank
    }

    /// Each object's rank in ``ObjectRef``'s order (`<`), ties by first appearance; objects stored twice (a
    /// cross-object finding about an object that also has per-object findings) share the rank of the first.
    ///
    /// Namespaces, kinds and files are compared by their ranks among the few distinct ones, and names first by
    /// their leading bytes when ASCII (where byte order is `String` order), so most comparisons never touch a
    /// string.
    private func rankObjects() -> [Int32] {
        let namespaceRank = ranks(of: objectStrings.lazy.map(\.namespace))
        let kindRank = ranks(of: objectStrings.lazy.map(\.kind))
        let fileRank = ranks(of: objectStrings.lazy.map(\.file))
        struct Key {
            var namespace: Int32
            var kind: Int32
            var file: Int32
            var index: Int32
            /// The name's first 16 bytes, big-endian, zero-padded; meaningful when `nameIsASCII`. Names of one
            /// kind often share their first 8 bytes (`deployment-...`), which sent most comparisons to the names.
            var namePrefix: UInt64
            var nameNext: UInt64
            var document: Int
            var item: Int
            var nameIsASCII: Bool
        }
        let objects = self.objects
        var keys = objects.indices.map { i in
            let ids = objectStrings[i]
            var name = objects[i].name
            let (prefix, next, ascii) = name.withUTF8 { utf8 in
                var prefix: UInt64 = 0
                var next: UInt64 = 0
                for k in 0..<8 { prefix = prefix << 8 | UInt64(k < utf8.count ? utf8[k] : 0) }
                for k in 8..<16 { next = next << 8 | UInt64(k < utf8.count ? utf8[k] : 0) }
                return (prefix, next, utf8.allSatisfy { $0 < 0x80 })
            }
            return Key(
                namespace: ids.namespace == Self.none ? 0 : namespaceRank[Int(ids.namespace)],
                kind: kindRank[Int(ids.kind)], file: fileRank[Int(ids.file)], index: Int32(i), namePrefix: prefix, nameNext: next,
                document: objects[i].source.document, item: objects[i].source.item ?? -1, nameIsASCII: ascii)
        }
        /// Three-way comparison of the names of objects `a` and `b`, as `String` compares them.
        func compareNames(_ a: Key, _ b: Key) -> Int {
            if a.nameIsASCII && b.nameIsASCII {
                if a.namePrefix != b.namePrefix { return a.namePrefix < b.namePrefix ? -1 : 1 }
                if a.nameNext != b.nameNext { return a.nameNext < b.nameNext ? -1 : 1 }
                var x = objects[Int(a.index)].name
                var y = objects[Int(b.index)].name
                return x.withUTF8 { x in
                    y.withUTF8 { y in
                        let common = Swift.min(x.count, y.count)
                        let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                        if order != 0 { return order < 0 ? -1 : 1 }
                        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
                    }
                }
            }
            let x = objects[Int(a.index)].name
            let y = objects[Int(b.index)].name
            return x == y ? 0 : (x < y ? -1 : 1)
        }
        keys.sort { a, b in
            if a.namespace != b.namespace { return a.namespace < b.namespace }
            if a.kind != b.kind { return a.kind < b.kind }
            let names = compareNames(a, b)
            if names != 0 { return names < 0 }
            if a.file != b.file { return a.file < b.file }
            if a.document != b.document { return a.document < b.document }
            if a.item != b.item { return a.item < b.item }
            return a.index < b.index
        }
        var objectRank = [Int32](repeating: 0, count: objects.count)
        var rank: Int32 = -1
        var previous: Key?
        for key in keys {
            let index = Int(key.index)
            // Equal keys mean equal in `<`; sharing a rank needs `==` (which also compares API versions).
            if let previous, previous.namespace == key.namespace, previous.kind == key.kind,
                previous.file == key.file, previous.document == key.document, previous.item == key.item,
                objects[Int(previous.index)] == objects[index]
            {
                objectRank[index] = objectRank[Int(previous.index)]
                continue
            }
            rank += 1
            objectRank[index] = rank
            previous = key
        }
        return objectRank
    }
}

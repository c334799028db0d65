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
    }

    /// Marks an absent optional string.
    static let none = UInt32.max
    /// Marks a line or column too large for a record; the real position is in ``wide``.
    static let wideMark = UInt32.max

    var strings: [String] = []
    var objects: [ObjectRef] = []
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

    /// Builds a ``FindingList``, interning strings and objects as findings arrive.
    ///
    /// Findings of one object usually arrive together (``append(objectFindings:)``): their object is stored
    /// once without hashing it. Other findings (cross-object rules) find theirs through a table.
    public struct Builder: Sendable {
        var list = FindingList()
        private var stringIDs: [String: UInt32] = [:]
        private var objectIDs: [ObjectRef: UInt32] = [:]

        public init() {}

        public var count: Int { list.records.count }

        /// Appends the findings of one object evaluation (all about the same object, as the engine returns them).
        public mutating func append(objectFindings findings: [Finding]) {
            guard let first = findings.first else { return }
            var object = UInt32(list.objects.count)
            let interned = internedObject(first.object)
            list.objects.append(interned)
            for finding in findings {
                if finding.object != list.objects[Int(object)] { object = objectID(finding.object) }
                append(finding, object: object)
            }
        }

        /// Appends one finding (its object is looked up among those appended through this method).
        public mutating func append(_ finding: Finding) {
            append(finding, object: objectID(finding.object))
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
                for (i, s) in other.strings.enumerated() { stringIDs[s] = UInt32(i) }
                return
            }
            var strings: [UInt32] = []
            strings.reserveCapacity(other.strings.count)
            for text in other.strings { strings.append(intern(text)) }
            let objectBase = UInt32(list.objects.count)
            list.objects.append(contentsOf: other.objects)
            let chainBase = UInt32(list.chains.count - 1)
            list.chains.append(contentsOf: other.chains.dropFirst())
            let recordBase = list.records.count
            list.records.reserveCapacity(recordBase + other.records.count)
            for r in other.records {
                var r = r
                r.rule = strings[Int(r.rule)]
                r.message = strings[Int(r.message)]
                r.path = strings[Int(r.path)]
                if r.container != none { r.container = strings[Int(r.container)] }
                if r.image != none { r.image = strings[Int(r.image)] }
                if r.check != none { r.check = strings[Int(r.check)] }
                r.object += objectBase
                if r.chain != 0 { r.chain += chainBase }
                list.records.append(r)
            }
            for (i, position) in other.wide { list.wide[recordBase + i] = position }
        }

        /// The list; the builder's lookup tables are dropped.
        public consuming func finish() -> FindingList { list }

        private var none: UInt32 { FindingList.none }

        private mutating func append(_ f: Finding, object: UInt32) {
            var chain: UInt32 = 0
            if !f.chain.isEmpty {
                chain = UInt32(list.chains.count)
                list.chains.append(f.chain)
            }
            let line = UInt32(exactly: f.position.line).flatMap { $0 == FindingList.wideMark ? nil : $0 }
            let column = UInt32(exactly: f.position.column).flatMap { $0 == FindingList.wideMark ? nil : $0 }
            if line == nil || column == nil { list.wide[list.records.count] = f.position }
            let record = Record(
                    rule: intern(f.ruleID), message: intern(f.message), path: intern(f.path),
                    container: intern(f.container), image: intern(f.image),
                    check: intern(f.check), object: object, chain: chain,
                    line: line ?? FindingList.wideMark, column: column ?? FindingList.wideMark,
                    severity: f.severity, action: f.action)
            list.records.append(record)
        }

        private mutating func objectID(_ object: ObjectRef) -> UInt32 {
            if let known = objectIDs[object] { return known }
            let id = UInt32(list.objects.count)
            let interned = internedObject(object)
            list.objects.append(interned)
            objectIDs[interned] = id
            return id
        }

        /// The object with its repeated strings (API version, kind, namespace, file) shared with earlier ones.
        private mutating func internedObject(_ object: ObjectRef) -> ObjectRef {
            var source = object.source
            source.file = shared(source.file)
            return ObjectRef(
                apiVersion: shared(object.apiVersion), kind: shared(object.kind), namespace: object.namespace.map { shared($0) },
                name: object.name, source: source)
        }

        private mutating func shared(_ text: String) -> String {
            let id = intern(text)
            return list.strings[Int(id)]
        }

        private mutating func intern(_ text: String?) -> UInt32 {
            guard let text else { return FindingList.none }
            return intern(text)
        }

        private mutating func intern(_ text: String) -> UInt32 {
            if let id = stringIDs[text] { return id }
            let id = UInt32(list.strings.count)
            list.strings.append(text)
            stringIDs[text] = id
            return id
        }
    }
}

extension FindingList {
    /// Sorts in ``AuditReport/canonicalOrder(_:_:)``: by rule, object, line and column as integer keys (the
    /// distinct rules and objects are ranked once), comparing path and message strings only on ties, then by
    /// arrival. Objects that compare equal keep the order they were first seen in.
    mutating func sortCanonically() {
        guard records.count > 1 else { return }
        var ruleRank = [UInt32: Int32]()
        for id in Set(records.map(\.rule)).sorted(by: { strings[Int($0)] < strings[Int($1)] }) {
            ruleRank[id] = Int32(ruleRank.count)
        }
        let objects = self.objects
        let objectOrder = objects.indices.sorted { a, b in
            if objects[a] < objects[b] { return true }
            if objects[b] < objects[a] { return false }
            return a < b
        }
        // Equal objects stored twice (a cross-object finding about an object that also has per-object findings)
        // share the rank of the first.
        var objectRank = [Int32](repeating: 0, count: objects.count)
        var rank: Int32 = -1
        var previous: Int?
        for index in objectOrder {
            if let previous, objects[previous] == objects[index] {
                objectRank[index] = objectRank[previous]
                continue
            }
            rank += 1
            objectRank[index] = rank
            previous = index
        }

        struct Key {
            var rule: Int32
            var object: Int32
            var line: Int32
            var column: Int32
            var index: Int32
        }
        var keys = records.indices.map { i in
            let p = position(of: i)
            return Key(
                rule: ruleRank[records[i].rule]!, object: objectRank[Int(records[i].object)],
                line: Int32(clamping: p.line), column: Int32(clamping: p.column), index: Int32(i))
        }
        do {
        let records = self.records
        let strings = self.strings
        keys.sort { a, b in
            if a.rule != b.rule { return a.rule < b.rule }
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
        }
        // Apply the permutation in place, cycle by cycle: position k receives the record from source[k].
        var source = keys.map { Int($0.index) }
        keys = []
        if !wide.isEmpty {
            var moved: [Int: SourcePosition] = [:]
            for (k, from) in source.enumerated() { if let p = wide[from] { moved[k] = p } }
            wide = moved
        }
        for start in source.indices where source[start] != start {
            let first = self.records[start]
            var k = start
            while source[k] != start {
                let from = source[k]
                self.records[k] = self.records[from]
                source[k] = k
                k = from
            }
            self.records[k] = first
            source[k] = k
        }
    }
}

import Glibc

/// A problem met while reading an audit log, with the file and line it is at.
public struct AuditReadProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A line or document that is not an audit event: an input error.
        case malformed
        /// The input ends inside its last line (a log still being written, or cut by rotation): tolerated.
        case truncated
    }

    public var origin: AuditEvent.Origin
    public var kind: Kind
    public var message: String

    public init(origin: AuditEvent.Origin, kind: Kind, message: String) {
        self.origin = origin
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(origin): \(message)" }
}

/// Turns the bytes of an audit log into ``AuditEvent``s, chunk by chunk.
///
/// The input is JSON Lines (the log backend's file: one event per line) unless its first line is not a whole
/// JSON value, in which case it is one or more pretty-printed JSON documents. Each value may be an `Event`, an
/// `EventList`, an AKS Event Hub message (`records[].properties.log` holding the event as JSON text, or an
/// `AzureDiagnostics` row's `log_s`), a Log Analytics `AKSAudit` row, the Log Analytics query API's answer
/// (`tables` of columns and rows), or an array of any of these.
///
/// Memory: in JSON Lines each line is parsed on its own, straight from the chunk it lies in, so the reader
/// holds one line at a time. A pretty-printed document is held whole until the input ends (exports of that
/// shape are small; the `items` of an `EventList` are still delivered one at a time).
///
/// Errors never stop the input: a malformed line is reported with its line and reading goes on with the next
/// one; a last line cut short is reported as ``AuditReadProblem/Kind/truncated``.
public struct AuditEventReader {
    /// Malformed values reported per input before the rest is skipped (a file that is no audit log at all).
    public static let maxProblems = 100

    public let file: String
    private let limits: LoadLimits
    private enum Mode { case undecided, lines, document }
    private var mode = Mode.undecided
    /// The start of a line whose end is in a later chunk (or, in document mode, the whole document so far).
    private var pending: [UInt8] = []
    /// The 1-based line of the first byte not yet delivered (the start of `pending`).
    private var line = 1
    private var problemCount = 0
    private var stopped = false

    /// `firstLine` is the line number of the input's first byte: above 1 when reading starts inside a file
    /// (following a log from its end), so that problems still name the file's own lines.
    public init(file: String, limits: LoadLimits = .default, firstLine: Int = 1) {
        self.file = file
        self.limits = limits
        self.line = firstLine
    }

    /// Reads a whole input held in memory: the entry point for tests and fuzzing.
    public static func read(
        _ bytes: UnsafeRawBufferPointer, file: String = "-", onEvent: (AuditEvent) -> Void,
        onProblem: (AuditReadProblem) -> Void
    ) {
        var reader = AuditEventReader(file: file)
        reader.feed(bytes, onEvent: onEvent, onProblem: onProblem)
        reader.finish(onEvent: onEvent, onProblem: onProblem)
    }

    /// Reads the next chunk of the input. Lines completed by it are delivered now.
    public mutating func feed(
        _ chunk: UnsafeRawBufferPointer, onEvent: (AuditEvent) -> Void, onProblem: (AuditReadProblem) -> Void
    ) {
        guard !stopped, let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), chunk.count > 0 else { return }
        if mode == .document {
            pending.append(contentsOf: UnsafeBufferPointer(start: base, count: chunk.count))
            return
        }
        var start = 0
        while start < chunk.count, !stopped, mode != .document {
            guard let newline = Self.newline(in: base, from: start, to: chunk.count) else { break }
            if pending.isEmpty {
                readLine(UnsafeBufferPointer(start: base + start, count: newline - start), onEvent, onProblem)
            } else {
                pending.append(contentsOf: UnsafeBufferPointer(start: base + start, count: newline - start))
                let whole = pending
                pending.removeAll(keepingCapacity: true)
                whole.withUnsafeBufferPointer { readLine($0, onEvent, onProblem) }
            }
            start = newline + 1
        }
        if start < chunk.count, !stopped {
            pending.append(contentsOf: UnsafeBufferPointer(start: base + start, count: chunk.count - start))
        }
    }

    /// Ends the input: reads what is left (a last line without a newline, or the pretty-printed documents).
    public mutating func finish(onEvent: (AuditEvent) -> Void, onProblem: (AuditReadProblem) -> Void) {
        guard !stopped, !pending.isEmpty else { return }
        let rest = pending
        pending = []
        if mode == .document {
            rest.withUnsafeBytes { readDocuments($0, onEvent, onProblem) }
            return
        }
        rest.withUnsafeBufferPointer { buffer in
            guard let text = Self.trimmed(buffer) else { return }
            switch JSONLoader.parse(UnsafeRawBufferPointer(text), limits: limits) {
            case .success(let tree):
                mode = .lines
                deliver(tree.root, baseLine: line, inList: false, onEvent, onProblem)
            case .failure(let problem):
                let at = AuditEvent.Origin(file: file, line: line)
                report(
                    AuditReadProblem(
                        origin: at, kind: .truncated,
                        message: "the input ends inside this line (\(problem.message)): a log still being written or "
                            + "cut by rotation; the events before it are read"), onProblem)
            }
        }
    }

    // MARK: - Lines

    private mutating func readLine(
        _ bytes: UnsafeBufferPointer<UInt8>, _ onEvent: (AuditEvent) -> Void, _ onProblem: (AuditReadProblem) -> Void
    ) {
        defer { line += 1 }
        guard let text = Self.trimmed(bytes) else { return }
        switch JSONLoader.parse(UnsafeRawBufferPointer(text), limits: limits) {
        case .success(let tree):
            mode = .lines
            deliver(tree.root, baseLine: line, inList: false, onEvent, onProblem)
        case .failure(let problem):
            if mode == .undecided, let first = text.first, first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
                // The first value does not fit on its line: pretty-printed JSON, read whole at the end.
                mode = .document
                pending = Array(bytes)
                pending.append(0x0A)
                line -= 1  // The document starts on this line: undo the deferred step.
                return
            }
            mode = .lines
            report(
                AuditReadProblem(
                    origin: AuditEvent.Origin(file: file, line: line), kind: .malformed,
                    message: "not a JSON value: column \(problem.position.column): \(problem.message)"), onProblem)
        }
    }

    /// The line without surrounding whitespace (and the `\r` of CRLF), or `nil` when blank.
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var lower = 0
        var upper = bytes.count
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        guard lower < upper, let base = bytes.baseAddress else { return nil }
        return UnsafeBufferPointer(start: base + lower, count: upper - lower)
    }

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    private static func newline(in base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard let found = memchr(base + start, 0x0A, end - start) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    // MARK: - Documents

    private mutating func readDocuments(
        _ bytes: UnsafeRawBufferPointer, _ onEvent: (AuditEvent) -> Void, _ onProblem: (AuditReadProblem) -> Void
    ) {
        let baseLine = line
        let problem = JSONLoader.stream(bytes, limits: limits) { tree, place in
            deliver(tree.root, baseLine: baseLine, inList: place.item != nil, onEvent, onProblem)
        }
        if let problem {
            let at = AuditEvent.Origin(file: file, line: baseLine + max(problem.position.line, 1) - 1)
            report(
                AuditReadProblem(origin: at, kind: .malformed, message: "not valid JSON: \(problem.message)"),
                onProblem)
        }
    }

    // MARK: - Shapes

    /// Delivers the events `value` holds. `baseLine` is the input line of the value's tree's line 1; `inList`
    /// says the value is an item of a `*List` delivered on its own (an `EventList` item may omit its `kind`).
    private mutating func deliver(
        _ value: Value, baseLine: Int, inList: Bool, _ onEvent: (AuditEvent) -> Void,
        _ onProblem: (AuditReadProblem) -> Void
    ) {
        let origin = AuditEvent.Origin(file: file, line: baseLine + max(value.position.line, 1) - 1)
        if value.isSequence {
            for item in value.items { deliver(item, baseLine: baseLine, inList: false, onEvent, onProblem) }
            return
        }
        guard value.isMapping else {
            return report(
                AuditReadProblem(origin: origin, kind: .malformed, message: "a JSON \(value.kind), not an audit event"),
                onProblem)
        }
        if let event = AuditEvent(event: value, origin: origin) { return onEvent(event) }
        if inList, let event = AuditEvent(event: value, origin: origin, impliedByList: true) { return onEvent(event) }
        let kind = value["kind"]?.string
        if kind == "EventList", let items = value["items"], items.isSequence {
            for item in items.items {
                let at = AuditEvent.Origin(file: file, line: baseLine + max(item.position.line, 1) - 1)
                if let event = AuditEvent(event: item, origin: at, impliedByList: true) {
                    onEvent(event)
                } else {
                    report(AuditReadProblem(origin: at, kind: .malformed, message: "an EventList item that is not an audit Event"), onProblem)
                }
            }
            return
        }
        if let records = value["records"], records.isSequence {
            for record in records.items { deliverRecord(record, baseLine: baseLine, onEvent, onProblem) }
            return
        }
        if value["log_s"] != nil { return deliverRecord(value, baseLine: baseLine, onEvent, onProblem) }
        if let tables = value["tables"], tables.isSequence {
            for table in tables.items { deliverTable(table, baseLine: baseLine, onEvent, onProblem) }
            return
        }
        if let event = AuditEvent(aksAuditRow: value, origin: origin) { return onEvent(event) }
        let what = kind.map { "a \($0) (\(value["apiVersion"]?.string ?? "no apiVersion"))" } ?? "a JSON object without kind"
        report(
            AuditReadProblem(
                origin: origin, kind: .malformed,
                message: "\(what), not an audit.k8s.io Event, EventList, AKS Event Hub message, AKSAudit row or Log Analytics answer"),
            onProblem)
    }

    /// An Azure resource-log record: the audit event is JSON text in `properties.log` (Event Hub, storage
    /// export) or `log_s` (the `AzureDiagnostics` table). Records of other categories routed to the same hub
    /// (`kube-apiserver`, `guard`...) carry klog text or other JSON and are skipped.
    private mutating func deliverRecord(
        _ record: Value, baseLine: Int, _ onEvent: (AuditEvent) -> Void, _ onProblem: (AuditReadProblem) -> Void
    ) {
        let origin = AuditEvent.Origin(file: file, line: baseLine + max(record.position.line, 1) - 1)
        let category = (record["category"] ?? record["Category"])?.string
        if let category, !category.hasPrefix("kube-audit") { return }
        guard let log = (record["properties"]?["log"] ?? record["log_s"])?.string else {
            if category == nil { return }
            return report(
                AuditReadProblem(origin: origin, kind: .malformed, message: "a \(category!) record without properties.log"),
                onProblem)
        }
        switch JSONLoader.parse(log, limits: limits) {
        case .success(let tree):
            if let event = AuditEvent(event: tree.root, origin: origin) {
                onEvent(event)
            } else if category != nil {
                report(AuditReadProblem(origin: origin, kind: .malformed, message: "a \(category!) record whose log is not an audit Event"), onProblem)
            }
        case .failure(let problem):
            // Without a category the record may be any component's log line: only an audit category's must parse.
            guard let category else { return }
            report(
                AuditReadProblem(
                    origin: origin, kind: .malformed,
                    message: "a \(category) record whose log is not JSON: \(problem.message)"), onProblem)
        }
    }

    /// A table of the Log Analytics query API's answer (`az rest` or the REST API's
    /// `{"tables":[{"name","columns":[{"name","type"}],"rows":[[...]]}]}`): each row is an `AKSAudit` row
    /// whose values follow the order of `columns`. A table without the `AuditId` and `Verb` columns is not
    /// audit data and is reported once.
    private mutating func deliverTable(
        _ table: Value, baseLine: Int, _ onEvent: (AuditEvent) -> Void, _ onProblem: (AuditReadProblem) -> Void
    ) {
        let origin = AuditEvent.Origin(file: file, line: baseLine + max(table.position.line, 1) - 1)
        var columns: [String: Int] = [:]
        let written = table["columns"].map { Array($0.items) } ?? []
        for (index, column) in written.enumerated() {
            if let name = column["name"]?.string ?? column["ColumnName"]?.string { columns[name] = index }
        }
        guard columns["AuditId"] != nil, columns["Verb"] != nil, let rows = table["rows"], rows.isSequence else {
            let name = table["name"]?.string ?? table["TableName"]?.string ?? "a table"
            return report(
                AuditReadProblem(
                    origin: origin, kind: .malformed,
                    message: "\(name) of a Log Analytics answer without the AKSAudit columns AuditId and Verb, or without rows"),
                onProblem)
        }
        for row in rows.items {
            let at = AuditEvent.Origin(file: file, line: baseLine + max(row.position.line, 1) - 1)
            let cells = Array(row.items)
            let event = AuditEvent(aksAuditColumn: { name in columns[name].flatMap { $0 < cells.count ? cells[$0] : nil } }, origin: at)
            if let event {
                onEvent(event)
            } else {
                report(AuditReadProblem(origin: at, kind: .malformed, message: "a Log Analytics row without AuditId or Verb"), onProblem)
            }
        }
    }

    private mutating func report(_ problem: AuditReadProblem, _ onProblem: (AuditReadProblem) -> Void) {
        problemCount += 1
        if problem.kind == .malformed, problemCount > Self.maxProblems {
            stopped = true
            pending = []
            return onProblem(
                AuditReadProblem(
                    origin: problem.origin, kind: .malformed,
                    message: "stopped after \(Self.maxProblems) malformed values: is this an audit log?"))
        }
        onProblem(problem)
    }
}

extension AuditEvent {
    /// Reads an `EventList` item, whose `kind` and `apiVersion` the list may leave out.
    public init?(event value: Value, origin: Origin, impliedByList: Bool) {
        guard value.isMapping else { return nil }
        if Self.isEvent(value) {
            self.init(event: value, origin: origin)
            return
        }
        guard value["kind"] == nil, value["verb"] != nil || value["auditID"] != nil else { return nil }
        self.init(fields: value, origin: origin)
    }
}

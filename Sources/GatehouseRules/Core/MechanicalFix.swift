import KubeModel

/// A fix that needs no judgement: one field set to one value (or one item added to one list) at the path a
/// finding names. `gatehouse fix` applies it to YAML files; the JSON and SARIF reports carry it as an RFC 6902
/// JSON patch.
///
/// A rule declares its fix in its own file (``RuleDescription/fix``), with the finding paths it applies to: a
/// finding at another path (an added capability, `runAsUser: 0`) has no mechanical fix, because the right value
/// depends on the application.
public struct MechanicalFix: Sendable {
    /// What the fix does, for reports and `rules explain` ("sets allowPrivilegeEscalation to false").
    public let summary: String
    private let intent: @Sendable (_ findingPath: String) -> FixIntent?

    public init(summary: String, intent: @escaping @Sendable (_ findingPath: String) -> FixIntent?) {
        self.summary = summary
        self.intent = intent
    }

    /// Sets the field a finding's path ends with (`…securityContext.privileged`) to `value`.
    public static func setting(_ field: String, to value: FixValue, summary: String) -> MechanicalFix {
        MechanicalFix(summary: summary) { path in
            guard path == field || path.hasSuffix("." + field), let segments = FieldPath.segments(path) else { return nil }
            return FixIntent(path: segments, change: .set(value))
        }
    }

    /// Adds `item` to the list a finding's path names (`…capabilities.drop`), creating the list if needed.
    public static func addingItem(_ item: FixValue, toListEnding field: String, summary: String) -> MechanicalFix {
        MechanicalFix(summary: summary) { path in
            guard path == field || path.hasSuffix("." + field), let segments = FieldPath.segments(path) else { return nil }
            return FixIntent(path: segments, change: .appendItem(item))
        }
    }

    /// What the fix would change for a finding at `path`, or `nil` when it does not apply there.
    public func intent(for path: String) -> FixIntent? { intent(path) }
}

/// A value a fix writes. Not `indirect`: the arrays already hold nested values out of line, and an indirect
/// case's box pointer carries tag bits that LeakSanitizer cannot follow (the fuzz run reported the rules'
/// static fixes as leaked).
public enum FixValue: Sendable, Equatable {
    case bool(Bool)
    case string(String)
    case list([FixValue])
    /// Members in the order they are written.
    case object([Member])

    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: FixValue

        public init(key: String, value: FixValue) {
            self.key = key
            self.value = value
        }
    }

    /// The value as JSON.
    public var json: String {
        var emitter = JSONEmitter(style: .compact)
        write(to: &emitter)
        return String(decoding: emitter.bytes, as: UTF8.self)
    }

    /// Writes the value where `json` is (its key, if any, already written).
    public func write(to json: inout JSONEmitter) {
        switch self {
        case .bool(let flag): json.bool(flag)
        case .string(let text): json.string(text)
        case .list(let items):
            json.beginArray()
            for item in items { item.write(to: &json) }
            json.endArray()
        case .object(let members):
            json.beginObject()
            for member in members {
                json.key(member.key)
                member.value.write(to: &json)
            }
            json.endObject()
        }
    }
}

/// One segment of a field path: a mapping key or a list index.
public enum PathSegment: Sendable, Hashable {
    case key(String)
    case index(Int)
}

/// What one fix wants: `change` at `path` in the object.
public struct FixIntent: Sendable, Equatable {
    public var path: [PathSegment]
    public var change: Change

    public init(path: [PathSegment], change: Change) {
        self.path = path
        self.change = change
    }

    public enum Change: Sendable, Equatable {
        case set(FixValue)
        case appendItem(FixValue)
    }
}

/// Field paths as findings write them (`spec.template.spec.containers[1].securityContext.privileged`).
public enum FieldPath {
    /// The segments of `path`; `nil` for a path with quoted keys (annotations), which no fix edits.
    public static func segments(_ path: String) -> [PathSegment]? {
        var segments: [PathSegment] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            guard let keyEnd = rest.firstIndex(of: "[") else {
                guard !rest.isEmpty else { return nil }
                segments.append(.key(String(rest)))
                continue
            }
            if keyEnd != rest.startIndex { segments.append(.key(String(rest[..<keyEnd]))) }
            rest = rest[keyEnd...]
            while rest.first == "[" {
                guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]) else {
                    return nil
                }
                segments.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
            guard rest.isEmpty else { return nil }
        }
        return segments
    }
}

/// One RFC 6902 operation.
public struct JSONPatchOperation: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case add, replace
    }

    public var op: Kind
    /// The target as segments; an `add` to the end of a list ends with ``appendSegment``.
    public var path: [PathSegment]
    public var value: FixValue

    public init(op: Kind, path: [PathSegment], value: FixValue) {
        self.op = op
        self.path = path
        self.value = value
    }

    /// RFC 6901's `-`: the end of a list.
    public static let appendSegment = PathSegment.key("-")

    /// The target as a JSON Pointer (RFC 6901: `~` is written `~0`, `/` is written `~1`).
    public var pointer: String {
        path.map { segment in
            switch segment {
            case .key(let key):
                "/" + key.map { $0 == "~" ? "~0" : $0 == "/" ? "~1" : String($0) }.joined()
            case .index(let index): "/\(index)"
            }
        }.joined()
    }

    /// Writes `{"op": ..., "path": ..., "value": ...}` where `json` is.
    public func write(to json: inout JSONEmitter) {
        json.beginObject()
        json.field("op", op.rawValue)
        json.field("path", pointer)
        json.key("value")
        value.write(to: &json)
        json.endObject()
    }
}

extension FixIntent {
    /// How much of the path exists in `root`: the number of leading segments found (the target itself
    /// included when present), or `nil` when the fix cannot be applied there (a segment runs into a value of
    /// another type, or a null that would have to be replaced).
    public func existingDepth(in root: Value) -> Int? {
        var node = root
        for (depth, segment) in path.enumerated() {
            let next: Value?
            switch segment {
            case .key(let key):
                guard node.isMapping else { return nil }
                next = node[key]
            case .index(let index):
                guard node.isSequence else { return nil }
                next = node[index]
            }
            guard let next else {
                // What is missing is built as nested mappings, so it may not include a list position.
                return path[depth...].allSatisfy { if case .key = $0 { true } else { false } } ? depth : nil
            }
            if next.isNull { return nil }
            node = next
        }
        if case .appendItem = change, !node.isSequence { return nil }
        return path.count
    }

    /// The JSON patch of this fix on an object in which the first `depth` segments of the path exist.
    public func patch(existingDepth depth: Int) -> [JSONPatchOperation] {
        switch change {
        case .set(let value):
            if depth == path.count { return [JSONPatchOperation(op: .replace, path: path, value: value)] }
            return [JSONPatchOperation(op: .add, path: Array(path.prefix(depth + 1)), value: nested(value, below: depth + 1))]
        case .appendItem(let item):
            if depth == path.count { return [JSONPatchOperation(op: .add, path: path + [JSONPatchOperation.appendSegment], value: item)] }
            return [JSONPatchOperation(op: .add, path: Array(path.prefix(depth + 1)), value: nested(.list([item]), below: depth + 1))]
        }
    }

    /// `value` wrapped in the mappings of the path's segments from `start` on.
    private func nested(_ value: FixValue, below start: Int) -> FixValue {
        var result = value
        for segment in path[start...].reversed() {
            guard case .key(let key) = segment else { return result }
            result = .object([FixValue.Member(key: key, value: result)])
        }
        return result
    }
}

extension Finding {
    /// This finding's mechanical fix as a JSON patch against its object, when it has one.
    public var fixPatch: (summary: String, operations: [JSONPatchOperation])? {
        guard fixDepth > 0, let fix = RuleCatalogue.description(id: ruleID)?.fix, let intent = fix.intent(for: path) else {
            return nil
        }
        return (fix.summary, intent.patch(existingDepth: Int(fixDepth) - 1))
    }

    /// Records whether `fix` applies to this finding in `object` (``fixDepth``).
    public mutating func noteFix(_ fix: MechanicalFix, in object: KubeObject) {
        guard let depth = fix.intent(for: path)?.existingDepth(in: object.root), depth < 255 else { return }
        fixDepth = UInt8(depth + 1)
    }
}

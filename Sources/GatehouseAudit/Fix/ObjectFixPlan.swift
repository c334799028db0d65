import GatehouseRules
import KubeModel

/// The JSON patch that applies every chosen fix of one object at once.
///
/// Fixes are planned together because they share parents: a container without `securityContext` that needs
/// `allowPrivilegeEscalation`, `readOnlyRootFilesystem` and `capabilities.drop` gets one `securityContext`
/// holding all three, not three (which YAML would read as a repeated key). Each field that exists is replaced
/// in place; what is missing is added, merged, under the deepest mapping that exists. The operations are in
/// path order, so the result does not depend on the order of the findings.
public struct ObjectFixPlan: Sendable {
    public private(set) var operations: [JSONPatchOperation] = []
    /// The fixes that were planned, as "rule: summary" for messages.
    public private(set) var applied: [String] = []

    public init(intents: [(rule: String, summary: String, intent: FixIntent)], root: Value) {
        var replacements: [[PathSegment]: JSONPatchOperation] = [:]
        var additions: [[PathSegment]: FixValue] = [:]
        for (rule, summary, intent) in intents {
            guard let depth = intent.existingDepth(in: root) else { continue }
            for operation in intent.patch(existingDepth: depth) {
                if operation.op == .add, operation.path.last != JSONPatchOperation.appendSegment {
                    additions[operation.path] = additions[operation.path].map { Self.merge($0, operation.value) } ?? operation.value
                } else if replacements[operation.path] == nil {
                    replacements[operation.path] = operation
                }
            }
            let line = "\(rule): \(summary)"
            if !applied.contains(line) { applied.append(line) }
        }
        operations = replacements.values.map { $0 }
            + additions.map { JSONPatchOperation(op: .add, path: $0.key, value: $0.value) }
        operations.sort { $0.pointer < $1.pointer }
    }

    /// Two values added at one path, as one: mappings merged member by member (the first value wins elsewhere).
    static func merge(_ first: FixValue, _ second: FixValue) -> FixValue {
        guard case .object(var members) = first, case .object(let more) = second else { return first }
        for member in more {
            if let i = members.firstIndex(where: { $0.key == member.key }) {
                members[i].value = merge(members[i].value, member.value)
            } else {
                members.append(member)
            }
        }
        return .object(members)
    }
}

/// An object as a JSON tree that patches apply to, to check that edited text parses to the patched object.
enum PatchableJSON: Equatable {
    /// A scalar, as its JSON text.
    case scalar(String)
    case object([Member])
    case array([PatchableJSON])

    struct Member: Equatable {
        var key: String
        var value: PatchableJSON
    }

    init(_ value: Value) {
        if value.isMapping {
            self = .object(value.pairs.map { Member(key: $0.key.string ?? "", value: PatchableJSON($0.value)) })
        } else if value.isSequence {
            self = .array(value.items.map(PatchableJSON.init))
        } else {
            var json = JSONEmitter(style: .compact)
            json.value(value)
            self = .scalar(String(decoding: json.bytes, as: UTF8.self))
        }
    }

    init(_ value: FixValue) {
        switch value {
        case .bool, .string: self = .scalar(value.json)
        case .list(let items): self = .array(items.map(PatchableJSON.init))
        case .object(let members): self = .object(members.map { Member(key: $0.key, value: PatchableJSON($0.value)) })
        }
    }

    /// Applies one operation; `false` when its path does not fit the tree.
    mutating func apply(_ operation: JSONPatchOperation) -> Bool {
        apply(operation, at: operation.path[...])
    }

    private mutating func apply(_ operation: JSONPatchOperation, at path: ArraySlice<PathSegment>) -> Bool {
        guard let segment = path.first else { return false }
        let last = path.count == 1
        switch (self, segment) {
        case (.object(var members), .key(let key)):
            let i = members.firstIndex { $0.key == key }
            if last {
                if let i {
                    members[i].value = PatchableJSON(operation.value)
                } else {
                    guard operation.op == .add else { return false }
                    members.append(Member(key: key, value: PatchableJSON(operation.value)))
                }
                self = .object(members)
                return true
            }
            guard let i else { return false }
            guard members[i].value.apply(operation, at: path.dropFirst()) else { return false }
            self = .object(members)
            return true
        case (.array(var items), .key("-")) where last && operation.op == .add:
            items.append(PatchableJSON(operation.value))
            self = .array(items)
            return true
        case (.array(var items), .index(let index)):
            guard items.indices.contains(index) else { return false }
            if last {
                guard operation.op == .replace else { return false }
                items[index] = PatchableJSON(operation.value)
            } else if !items[index].apply(operation, at: path.dropFirst()) {
                return false
            }
            self = .array(items)
            return true
        default:
            return false
        }
    }
}

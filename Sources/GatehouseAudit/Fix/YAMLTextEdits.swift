import Foundation
import GatehouseRules
import KubeModel

/// Turns JSON patch operations on a parsed YAML document into edits of its text that change only what the
/// patch changes: comments, key order, quoting, blank lines and every other line stay as they were.
///
/// - `replace` of a scalar rewrites the scalar's characters on its line (quoted or plain; a trailing comment
///   stays).
/// - `add` of a member to a block mapping inserts `key: value` lines after the mapping's last line, at the
///   indentation of its keys (a new mapping below it is written in block style, two more spaces per level);
///   to a flow mapping (`{...}`), `key: value` is written before its closing brace.
/// - `add` to the end of a list (`/-`) inserts `- item` after a block sequence's last line, at the column of
///   its dashes, or the item before a flow sequence's `]`.
///
/// Positions come from the parser (line and column of each node, columns counted in Unicode scalars). An
/// operation whose place cannot be found in the text (an anchor or alias, a tag, a null written as nothing)
/// is refused, and the caller leaves that object alone.
struct YAMLTextEdits {
    /// The text as lines of Unicode scalars, without their line breaks.
    private(set) var lines: [[Unicode.Scalar]]
    private var edits: [Edit] = []
    /// Items already planned before each flow collection's closing bracket (by its line and column): the
    /// second one needs a comma even when the collection was empty.
    private var flowInsertions: [[Int]: Int] = [:]

    struct Edit {
        enum Kind {
            /// Replace columns `columns` (0-based, half-open) of a line.
            case replace(columns: Range<Int>, text: String)
            /// Insert whole lines after a line.
            case insertLines([String])
        }

        /// 0-based line.
        var line: Int
        /// 0-based column the edit starts at; `Int.max` for an insertion after the line.
        var column: Int
        var kind: Kind
        /// For insertions after one line: the indentation of what is inserted. A deeper block ends an inner
        /// mapping, so it goes first (a container's new key before its pod's).
        var indent: Int
        /// Order of creation, so insertions at one place and depth keep the order they were planned in.
        var sequence: Int
    }

    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    init(lines: [[Unicode.Scalar]]) {
        self.lines = lines
    }

    /// Plans the text edits of `operations` on the document whose tree is `root`.
    mutating func plan(_ operations: [JSONPatchOperation], root: Value) throws {
        for operation in operations {
            try plan(operation, root: root)
        }
    }

    private mutating func plan(_ operation: JSONPatchOperation, root: Value) throws {
        guard let last = operation.path.last else { throw Refusal(description: "empty patch path") }
        let parentPath = operation.path.dropLast()
        guard let parent = Self.node(at: parentPath, in: root) else {
            throw Refusal(description: "\(operation.pointer): its parent is not in the document")
        }
        switch (operation.op, last) {
        case (.replace, _):
            guard let target = Self.node(at: operation.path[...], in: root), !target.isMapping, !target.isSequence else {
                throw Refusal(description: "\(operation.pointer): not a scalar in the document")
            }
            try replaceScalar(target, with: operation.value)
        case (.add, .key("-")):
            guard parent.isSequence else { throw Refusal(description: "\(operation.pointer): not a list") }
            try appendItem(operation.value, to: parent)
        case (.add, .key(let key)):
            guard parent.isMapping else { throw Refusal(description: "\(operation.pointer): not a mapping") }
            try addMember(key, operation.value, to: parent)
        default:
            throw Refusal(description: "\(operation.pointer): unsupported operation")
        }
    }

    /// The text with every planned edit applied.
    func applied() -> [[Unicode.Scalar]] {
        var result = lines
        // From the end backwards, so the positions of edits not yet applied stay valid. Each insertion after a
        // line goes right below it, pushing down those applied before: so the one that must end up last (the
        // shallowest, then the last planned) is applied first.
        let ordered = edits.sorted { a, b in
            (a.line, a.column, -a.indent, a.sequence) > (b.line, b.column, -b.indent, b.sequence)
        }
        for edit in ordered {
            switch edit.kind {
            case .replace(let columns, let text):
                result[edit.line].replaceSubrange(columns, with: Array(text.unicodeScalars))
            case .insertLines(let inserted):
                result.insert(contentsOf: inserted.map { Array($0.unicodeScalars) }, at: edit.line + 1)
            }
        }
        return result
    }

    var isEmpty: Bool { edits.isEmpty }

    // MARK: - Operations

    /// Rewrites a scalar; a string keeps the quotes the old value was written with.
    private mutating func replaceScalar(_ node: Value, with value: FixValue) throws {
        let (line, column) = try place(of: node)
        let row = lines[line]
        guard column < row.count else { throw Refusal(description: "line \(line + 1): no scalar at column \(column + 1)") }
        var text = Self.scalarText(value)
        if case .string(let string) = value {
            if row[column] == "'" { text = "'" + string.replacingOccurrences(of: "'", with: "''") + "'" }
            if row[column] == "\"" { text = value.json }
        }
        // Two values at one place are one value shared through a YAML alias: changing it changes both.
        if edits.contains(where: { $0.line == line && $0.column == column }) {
            throw Refusal(description: "line \(line + 1): the value is shared through a YAML alias")
        }
        var end = column
        switch row[column] {
        case "\"":
            end += 1
            while end < row.count, row[end] != "\"" { end += row[end] == "\\" ? 2 : 1 }
            guard end < row.count else { throw Refusal(description: "line \(line + 1): a quoted scalar spans lines") }
            end += 1
        case "'":
            end += 1
            while end < row.count {
                if row[end] == "'" {
                    if end + 1 < row.count, row[end + 1] == "'" { end += 2; continue }
                    break
                }
                end += 1
            }
            guard end < row.count else { throw Refusal(description: "line \(line + 1): a quoted scalar spans lines") }
            end += 1
        case "&", "*", "!", "|", ">":
            throw Refusal(description: "line \(line + 1): the value carries an anchor, alias, tag or block scalar")
        default:
            // A plain scalar ends at a comment, at the end of a flow item, or at the end of the line.
            while end < row.count {
                let c = row[end]
                if c == "," || c == "}" || c == "]" { break }
                if c == "#", end > column, row[end - 1] == " " || row[end - 1] == "\t" { break }
                end += 1
            }
            while end > column, row[end - 1] == " " || row[end - 1] == "\t" { end -= 1 }
        }
        add(line: line, column: column, .replace(columns: column..<end, text: text))
    }

    private mutating func addMember(_ key: String, _ value: FixValue, to mapping: Value) throws {
        let (line, column) = try place(of: mapping)
        if lines[line][column] == "{" {
            try insertInFlow(Self.scalarKey(key) + ": " + Self.flowText(value), openingAt: (line, column), closing: "}")
            return
        }
        let last = lastLine(ofBlockAt: line, column: column, isSequence: false)
        let indent = String(repeating: " ", count: column)
        add(line: last, column: Int.max, indent: column, .insertLines(Self.blockLines(key: key, value: value, indent: indent)))
    }

    private mutating func appendItem(_ item: FixValue, to sequence: Value) throws {
        let (line, column) = try place(of: sequence)
        if lines[line][column] == "[" {
            try insertInFlow(Self.flowText(item), openingAt: (line, column), closing: "]")
            return
        }
        guard lines[line][column] == "-" else { throw Refusal(description: "line \(line + 1): not a block list item") }
        let last = lastLine(ofBlockAt: line, column: column, isSequence: true)
        add(line: last, column: Int.max, indent: column, .insertLines([String(repeating: " ", count: column) + "- " + Self.flowText(item)]))
    }

    /// Writes `text` as the last item of the flow collection opening at `open`, before its closing bracket.
    private mutating func insertInFlow(_ text: String, openingAt open: (line: Int, column: Int), closing: Unicode.Scalar) throws {
        var depth = 0
        var line = open.line
        var column = open.column
        var quote: Unicode.Scalar?
        var hasItems = false
        while line < lines.count {
            let row = lines[line]
            while column < row.count {
                let c = row[column]
                if let q = quote {
                    if c == "\\" && q == "\"" { column += 2; continue }
                    if c == q { quote = nil }
                } else if c == "\"" || c == "'" {
                    quote = c
                    hasItems = true
                } else if c == "#", column > 0, row[column - 1] == " " {
                    break  // a comment ends the line
                } else if c == "{" || c == "[" {
                    depth += 1
                    if depth > 1 { hasItems = true }
                } else if c == "}" || c == "]" {
                    depth -= 1
                    if depth == 0 {
                        guard c == closing else { throw Refusal(description: "line \(line + 1): unbalanced flow collection") }
                        let before = flowInsertions[[line, column], default: 0]
                        flowInsertions[[line, column]] = before + 1
                        let separator = hasItems || before > 0 ? ", " : ""
                        add(line: line, column: column, .replace(columns: column..<column, text: separator + text))
                        return
                    }
                } else if c != " " && c != "\t" && depth == 1 {
                    hasItems = true
                }
                column += 1
            }
            line += 1
            column = 0
        }
        throw Refusal(description: "line \(open.line + 1): the flow collection does not close")
    }

    /// The last line that belongs to the block mapping or sequence whose first key or dash is at `column`
    /// of `line`: every following line indented further (or, for a sequence, another dash at the same
    /// column), skipping blank and comment lines, up to a document marker.
    private func lastLine(ofBlockAt line: Int, column: Int, isSequence: Bool) -> Int {
        var last = line
        var next = line + 1
        while next < lines.count {
            let row = lines[next]
            let indent = row.prefix { $0 == " " }.count
            if indent == row.count || row[indent] == "#" {
                next += 1
                continue
            }
            if indent == 0, row.starts(with: "---".unicodeScalars) || row.starts(with: "...".unicodeScalars) { break }
            let belongs = isSequence
                ? indent > column || (indent == column && row[indent] == "-")
                : indent >= column
            guard belongs else { break }
            last = next
            next += 1
        }
        return last
    }

    private mutating func add(line: Int, column: Int, indent: Int = 0, _ kind: Edit.Kind) {
        edits.append(Edit(line: line, column: column, kind: kind, indent: indent, sequence: edits.count))
    }

    /// A node's 0-based line and column, checked against the text.
    private func place(of node: Value) throws -> (Int, Int) {
        let position = node.position
        let line = position.line - 1
        let column = position.column - 1
        guard position != .unknown, lines.indices.contains(line), column >= 0, column < lines[line].count else {
            throw Refusal(description: "a value's position (\(position.line):\(position.column)) is not in the text")
        }
        return (line, column)
    }

    static func node(at path: ArraySlice<PathSegment>, in root: Value) -> Value? {
        var node = root
        for segment in path {
            switch segment {
            case .key(let key): guard node.isMapping, let next = node[key] else { return nil }; node = next
            case .index(let index): guard node.isSequence, let next = node[index] else { return nil }; node = next
            }
        }
        return node
    }

    // MARK: - Rendering

    /// `key: value` as block lines at `indent`; a mapping value continues two spaces deeper.
    static func blockLines(key: String, value: FixValue, indent: String) -> [String] {
        guard case .object(let members) = value, !members.isEmpty else {
            return [indent + scalarKey(key) + ": " + flowText(value)]
        }
        return [indent + scalarKey(key) + ":"] + members.flatMap { blockLines(key: $0.key, value: $0.value, indent: indent + "  ") }
    }

    /// A value in flow style (`{a: {b: false}}`, `[ALL]`, `true`).
    static func flowText(_ value: FixValue) -> String {
        switch value {
        case .bool, .string: scalarText(value)
        case .list(let items): "[" + items.map(flowText).joined(separator: ", ") + "]"
        case .object(let members): "{" + members.map { scalarKey($0.key) + ": " + flowText($0.value) }.joined(separator: ", ") + "}"
        }
    }

    /// A scalar as YAML reads it back as the same value: plain where that is unambiguous, else JSON-quoted.
    static func scalarText(_ value: FixValue) -> String {
        switch value {
        case .bool(let flag): flag ? "true" : "false"
        case .string(let text): isPlainSafe(text) ? text : value.json
        case .list, .object: flowText(value)
        }
    }

    static func scalarKey(_ key: String) -> String { isPlainSafe(key) ? key : FixValue.string(key).json }

    /// Letters, digits, `-`, `_`, `.`, `/`, starting with a letter, and no word YAML 1.1 reads as a boolean
    /// or null.
    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII else { return false }
        let words: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]
        guard !words.contains(text.lowercased()) else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_./".unicodeScalars.contains($0)) }
    }
}

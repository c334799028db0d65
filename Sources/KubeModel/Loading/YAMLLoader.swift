import CYAML

/// Reads a YAML stream with the system libyaml, event by event, straight into ``Tree``s.
///
/// The block YAML that manifests are written in is read first by ``BlockYAMLScanner``, several times faster,
/// which builds the very trees libyaml would; libyaml reads whatever that scanner leaves to it, document by
/// document, and alone reports errors.
///
/// No intermediate node graph and no String per scalar: each scalar's bytes go from libyaml's buffer into the
/// tree's byte arena. Plain scalars are resolved as Kubernetes' YAML decoder (YAML 1.1) resolves them: `yes`,
/// `on` are booleans, `0755` is octal, `~` is null. Aliases share the anchored subtree instead of copying it,
/// and the expanded size is bounded so an alias bomb fails fast instead of exhausting memory.
public enum YAMLLoader {
    /// Calls `onDocument` for each document of the stream, in order, with its 0-based index. Empty documents
    /// are passed as trees whose root is null. Returns the error that stopped the stream, if any; documents
    /// before it have already been delivered.
    public static func load(
        _ input: UnsafeRawBufferPointer, limits: LoadLimits = .default,
        onDocument: (Tree, Int) -> Void
    ) -> LoadProblem? {
        load(input, limits: limits) { tree, index, _ in onDocument(tree, index) }
    }

    /// As ``load(_:limits:onDocument:)``, also passing a byte offset before which the parser will not read
    /// again (a lower bound: libyaml counts characters), so a caller can release the pages behind it.
    static func load(
        _ input: UnsafeRawBufferPointer, limits: LoadLimits = .default,
        onDocument: (Tree, Int, Int) -> Void
    ) -> LoadProblem? {
        load(input, limits: limits, route: .fastFirst, onDocument: onDocument).problem
    }

    /// How a stream is read: by ``BlockYAMLScanner`` first, libyaml taking over where it stops, or by libyaml
    /// alone (the reference the scanner is tested against).
    package enum Route: Sendable {
        case fastFirst, libyamlOnly
    }

    /// As ``load(_:limits:onDocument:)`` by the given route, also telling how many documents the fast scanner
    /// delivered. Package-wide so the differential tests and the fuzz targets can read a stream both ways.
    package static func load(
        _ input: UnsafeRawBufferPointer, limits: LoadLimits = .default, route: Route,
        onDocument: (Tree, Int, Int) -> Void
    ) -> (problem: LoadProblem?, fastDocuments: Int) {
        guard input.count > 0 else { return (nil, 0) }
        var resume = BlockYAMLScanner.Resume(offset: 0, line: 1, index: 0, deliverFrom: 0)
        var fast = 0
        let fastFirst = route == .fastFirst && BlockYAMLScanner.readerAccepts(input)
        var start: BlockYAMLScanner.Resume? = fastFirst ? resume : nil
        while true {
            if let place = start {
                var scanner = BlockYAMLScanner(input, limits: limits, from: place)
                let stop = scanner.run(onDocument: onDocument)
                fast += scanner.deliveredDocuments
                guard let stop else { return (nil, fast) }
                resume = stop
            }
            // libyaml reads what the scanner could not, and hands the stream back at the next `---`.
            switch loadWithLibYAML(input, from: resume, limits: limits, handBack: fastFirst, onDocument: onDocument) {
            case .finished(let problem):
                return (problem, fast)
            case .handBack(let place):
                start = place
            }
        }
    }

    private enum LibYAMLOutcome {
        /// The stream ended, or stopped at this problem.
        case finished(LoadProblem?)
        /// A document ended at a `---` line, from which the fast scanner may go on.
        case handBack(BlockYAMLScanner.Resume)
    }

    /// libyaml's reading of `input` from `resume.offset`, a place where libyaml sees what it would see from the
    /// start of the stream. Lines, document indices and offsets are the whole input's; documents before
    /// `resume.deliverFrom` were delivered already and are read again only to reach the rest.
    ///
    /// With `handBack`, it stops after the first document it delivers that ends at a `---` line and says where
    /// that line is: there libyaml's state is the one it has at the start of a stream, so the fast scanner can
    /// go on from it (libyaml has scanned no further than the `---` token, and reader errors are ruled out
    /// before the fast scanner is used at all).
    private static func loadWithLibYAML(
        _ input: UnsafeRawBufferPointer, from resume: BlockYAMLScanner.Resume, limits: LoadLimits,
        handBack: Bool, onDocument: (Tree, Int, Int) -> Void
    ) -> LibYAMLOutcome {
        guard resume.offset < input.count else { return .finished(nil) }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return .finished(
                LoadProblem(position: .unknown, message: "could not start the YAML parser (out of memory)"))
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(
            &parser, input.baseAddress!.assumingMemoryBound(to: UInt8.self) + resume.offset,
            input.count - resume.offset)
        let lineOffset = resume.line - 1

        var builder = TreeBuilder()
        var anchors: [String: (node: Node, expanded: Int)] = [:]
        // Anchors on containers are known at the start event, the node only at the end event.
        var pendingAnchors: [(depth: Int, name: String)] = []
        var documentIndex = resume.index
        var event = yaml_event_t()

        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                return .finished(problem(from: parser, lineOffset: lineOffset))
            }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1 + lineOffset
            let column = Int(event.start_mark.column) + 1

            switch event.type {
            case YAML_STREAM_END_EVENT:
                return .finished(nil)
            case YAML_DOCUMENT_START_EVENT:
                anchors.removeAll(keepingCapacity: true)
            case YAML_DOCUMENT_END_EVENT:
                let delivered = documentIndex >= resume.deliverFrom
                if let tree = builder.finish(), delivered {
                    onDocument(tree, documentIndex, resume.offset + Int(event.end_mark.index))
                }
                documentIndex += 1
                if handBack, delivered, event.data.document_end.implicit == 1, event.start_mark.column == 0,
                    let offset = documentStartLine(
                        input, from: resume.offset, characters: Int(event.start_mark.index))
                {
                    return .handBack(
                        BlockYAMLScanner.Resume(
                            offset: offset, line: Int(event.start_mark.line) + 1 + lineOffset, index: documentIndex,
                            deliverFrom: documentIndex))
                }
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let text = UnsafeRawBufferPointer(start: s.value, count: Int(s.length))
                let plain = s.style == YAML_PLAIN_SCALAR_STYLE
                let (kind, flag) = resolve(text, plain: plain, tag: s.tag)
                if kind == .null {
                    builder.null(line: line, column: column)
                } else {
                    let mergeKey = plain && s.length == 2 && s.value[0] == UInt8(ascii: "<") && s.value[1] == UInt8(ascii: "<")
                    builder.scalar(kind, flag: flag, text: text, line: line, column: column, mergeKey: mergeKey)
                }
                if let anchor = s.anchor, let node = builder.lastNode {
                    anchors[String(cString: anchor)] = (node, 1)
                }
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                if builder.depth >= limits.maxDepth {
                    return .finished(
                        LoadProblem(
                            position: SourcePosition(line: line, column: column),
                            message: "nesting deeper than \(limits.maxDepth) levels"))
                }
                builder.open(event.type == YAML_MAPPING_START_EVENT ? .mapping : .sequence, line: line, column: column)
                let anchor = event.type == YAML_MAPPING_START_EVENT
                    ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                if let anchor {
                    pendingAnchors.append((builder.depth, String(cString: anchor)))
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let depth = builder.depth
                let (node, expanded) = builder.close()
                if let last = pendingAnchors.last, last.depth == depth {
                    anchors[last.name] = (node, expanded)
                    pendingAnchors.removeLast()
                }
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                guard let target = anchors[name] else {
                    return .finished(
                        LoadProblem(
                            position: SourcePosition(line: line, column: column),
                            message: "alias *\(name) refers to an unknown anchor"))
                }
                builder.reuse(target.node, expanded: target.expanded, line: line, column: column)
            default:
                break
            }
            if builder.expandedNodes > limits.maxExpandedNodes
                && builder.expandedNodes > limits.maxExpansionRatio * max(builder.storedNodes, 1)
            {
                return .finished(
                    LoadProblem(
                        position: SourcePosition(line: line, column: column),
                        message: "aliases expand this document beyond \(limits.maxExpandedNodes) nodes (an alias bomb?)"))
            }
        }
    }

    /// The byte offset of the character `characters` characters after byte `start` (libyaml counts
    /// characters), if a `---` line starts there.
    private static func documentStartLine(_ input: UnsafeRawBufferPointer, from start: Int, characters: Int) -> Int? {
        var offset = start
        var remaining = characters
        while remaining > 0 && offset < input.count {
            offset += 1
            while offset < input.count && input[offset] & 0xC0 == 0x80 { offset += 1 }
            remaining -= 1
        }
        guard offset + 3 <= input.count, input[offset] == UInt8(ascii: "-"), input[offset + 1] == UInt8(ascii: "-"),
            input[offset + 2] == UInt8(ascii: "-")
        else { return nil }
        if offset + 3 < input.count {
            let next = input[offset + 3]
            guard next == UInt8(ascii: " ") || next == 0x0A || next == 0x0D || next == 0x09 else { return nil }
        }
        return offset
    }
}

extension YAMLLoader {
    /// `lineOffset`: lines of the stream before the place libyaml started reading.
    static func problem(from parser: yaml_parser_t, lineOffset: Int = 0) -> LoadProblem {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        var message = problem
        if let context = parser.context {
            message = "\(problem) \(String(cString: context))"
        }
        // libyaml reports offending bytes as "#XX" codes; say what that usually means.
        if problem.contains("control characters") || problem.contains("invalid leading UTF-8") {
            message += " (is this a binary file?)"
        }
        let mark = parser.problem_mark.line > 0 || parser.problem_mark.column > 0 ? parser.problem_mark : parser.context_mark
        if lineOffset > 0 && (parser.error == YAML_SCANNER_ERROR || parser.error == YAML_PARSER_ERROR) {
            // Scanner and parser errors always set their problem mark, which read from the start of the stream
            // would not have been at line 0.
            let mark = parser.problem_mark
            return LoadProblem(
                position: SourcePosition(line: Int(mark.line) + 1 + lineOffset, column: Int(mark.column) + 1),
                message: message)
        }
        return LoadProblem(position: SourcePosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1), message: message)
    }
}

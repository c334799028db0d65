/// Reads a YAML stream by both routes of ``YAMLLoader`` and compares what they built.
///
/// The fast block-YAML scanner must build exactly the trees libyaml builds (kinds, flags, bytes, lines,
/// columns, structure, document indices, repeated keys) and stop with exactly libyaml's error, whatever the
/// input; where it cannot, it hands the stream to libyaml, so the two routes never differ. The differential
/// tests and the differential fuzz target both judge through this one comparison.
package enum YAMLDifferential {
    /// One document as stored: every node and every byte of the arena.
    package struct Document: Equatable, Sendable {
        package var index: Int
        /// Per node: kind, flag, line, column, start, count.
        package var nodes: [[UInt32]]
        package var bytes: [UInt8]
        package var root: Int32
        package var repeatedKey: RepeatedKey?
    }

    /// Every document one route delivered, and the problem that stopped it.
    package struct Outcome: Equatable, Sendable {
        package var documents: [Document]
        package var problem: LoadProblem?
    }

    package static func read(_ input: UnsafeRawBufferPointer, route: YAMLLoader.Route, limits: LoadLimits = .default)
        -> (outcome: Outcome, fastDocuments: Int)
    {
        var documents: [Document] = []
        let (problem, fast) = YAMLLoader.load(input, limits: limits, route: route) { tree, index, _ in
            var nodes: [[UInt32]] = []
            for i in 0..<tree.storedNodes {
                let n = tree.nodes[i]
                nodes.append([UInt32(n.kind.rawValue), n.flag ? 1 : 0, n.line, n.column, n.start, n.count])
            }
            let bytes = Array(UnsafeBufferPointer(start: tree.bytes, count: tree.storedBytes))
            documents.append(
                Document(index: index, nodes: nodes, bytes: bytes, root: tree.rootIndex, repeatedKey: tree.repeatedKey))
        }
        return (Outcome(documents: documents, problem: problem), fast)
    }

    package static func read(_ bytes: [UInt8], route: YAMLLoader.Route, limits: LoadLimits = .default)
        -> (outcome: Outcome, fastDocuments: Int)
    {
        bytes.withUnsafeBytes { read($0, route: route, limits: limits) }
    }

    /// Where the two readings first differ, in words, or `nil` when they agree.
    package static func difference(_ bytes: [UInt8], limits: LoadLimits = .default) -> String? {
        let fast = read(bytes, route: .fastFirst, limits: limits).outcome
        let reference = read(bytes, route: .libyamlOnly, limits: limits).outcome
        return difference(fast: fast, reference: reference)
    }

    /// Where `fast` first differs from `reference`, in words, or `nil` when they are equal.
    package static func difference(fast: Outcome, reference: Outcome) -> String? {
        if fast == reference { return nil }
        if fast.problem != reference.problem {
            return "problem: fast \(String(describing: fast.problem)), libyaml \(String(describing: reference.problem))"
        }
        if fast.documents.count != reference.documents.count {
            return "documents: fast \(fast.documents.count), libyaml \(reference.documents.count)"
        }
        for (a, b) in zip(fast.documents, reference.documents) where a != b {
            if a.index != b.index { return "document index: fast \(a.index), libyaml \(b.index)" }
            if a.repeatedKey != b.repeatedKey {
                return "document \(a.index) repeated key: fast \(String(describing: a.repeatedKey)), "
                    + "libyaml \(String(describing: b.repeatedKey))"
            }
            if a.bytes != b.bytes {
                return "document \(a.index) bytes: fast \(String(decoding: a.bytes, as: UTF8.self).debugDescription), "
                    + "libyaml \(String(decoding: b.bytes, as: UTF8.self).debugDescription)"
            }
            for (i, (x, y)) in zip(a.nodes, b.nodes).enumerated() where x != y {
                return "document \(a.index) node \(i): fast \(x), libyaml \(y) (kind, flag, line, column, start, count)"
            }
            return "document \(a.index): fast \(a.nodes.count) nodes, libyaml \(b.nodes.count)"
        }
        return "outcomes differ"
    }

    /// The whole outcome, one line per node, for a report a person can diff.
    package static func dump(_ outcome: Outcome) -> String {
        var lines: [String] = []
        for document in outcome.documents {
            lines.append(
                "document \(document.index) root \(document.root) repeatedKey \(String(describing: document.repeatedKey))"
                    + " bytes \(String(decoding: document.bytes, as: UTF8.self).debugDescription)")
            for (i, node) in document.nodes.enumerated() {
                lines.append("  node \(i): kind \(node[0]) flag \(node[1]) at \(node[2]):\(node[3]) start \(node[4]) count \(node[5])")
            }
        }
        lines.append("problem: \(String(describing: outcome.problem))")
        return lines.joined(separator: "\n")
    }
}

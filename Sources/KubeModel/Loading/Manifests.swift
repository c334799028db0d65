/// Something the loader skipped that the user may want to know about (not an error).
public struct LoadNote: Sendable, Hashable {
    public var source: SourceRef
    public var position: SourcePosition
    public var message: String

    public init(source: SourceRef, position: SourcePosition, message: String) {
        self.source = source
        self.position = position
        self.message = message
    }
}

/// A document that could not be read, with where.
public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var position: SourcePosition
    public var message: String

    public init(file: String, position: SourcePosition, message: String) {
        self.file = file
        self.position = position
        self.message = message
    }

    public var description: String {
        position == .unknown ? "\(file): \(message)" : "\(file):\(position.line):\(position.column): \(message)"
    }
}

/// Turns parsed documents into Kubernetes objects: skips empty documents, flattens `kind: List` and every
/// `*List` kind, and notes documents that are not Kubernetes objects.
public struct ObjectSplitter {
    public let file: String

    public init(file: String) {
        self.file = file
    }

    /// Splits one parsed document into objects, in order.
    public func split(_ tree: Tree, document: Int, into objects: inout [KubeObject], notes: inout [LoadNote]) {
        split(tree, document: document, onObject: { objects.append($0) }, onNote: { notes.append($0) })
    }

    /// Splits one parsed document, handing each object and note over as it is found.
    public func split(
        _ tree: Tree, document: Int, onObject: (KubeObject) -> Void, onNote: (LoadNote) -> Void
    ) {
        let root = tree.root
        let source = SourceRef(file: file, document: document)
        if root.isNull { return }  // empty document
        guard root.isMapping else {
            onNote(
                LoadNote(
                    source: source, position: root.position,
                    message: "document is not a mapping, so not a Kubernetes object; skipped"))
            return
        }
        if Self.isList(root) {
            for (i, item) in (root["items"]?.items ?? ValueItems.empty).enumerated() {
                listItem(item, document: document, index: i, onObject: onObject, onNote: onNote)
            }
            return
        }
        if let object = KubeObject(root: root, source: source) {
            onObject(object)
        } else {
            onNote(
                LoadNote(
                    source: source, position: root.position,
                    message: "document has no apiVersion or kind, so it is not a Kubernetes object; skipped"))
        }
    }

    /// One item of a flattened list: an object, or a note when it is not one.
    public func listItem(
        _ item: Value, document: Int, index: Int, onObject: (KubeObject) -> Void, onNote: (LoadNote) -> Void
    ) {
        let itemSource = SourceRef(file: file, document: document, item: index)
        if let object = KubeObject(root: item, source: itemSource) {
            onObject(object)
        } else if !item.isNull {
            onNote(
                LoadNote(
                    source: itemSource, position: item.position,
                    message: "list item \(index) has no apiVersion or kind; skipped"))
        }
    }

    /// `kind: List`, or any `...List` kind with an `items` sequence (as `kubectl get -o yaml` writes).
    public static func isList(_ root: Value) -> Bool {
        guard let kind = root["kind"]?.string, kind.hasSuffix("List"), let items = root["items"] else { return false }
        return items.isSequence || items.isNull
    }
}

extension ValueItems {
    static var empty: ValueItems { ValueItems(tree: Tree(nodes: [], bytes: [], rootIndex: 0), start: 0, count: 0, stride: 1) }
}

/// Everything read from one input.
public struct LoadedFile: Sendable {
    public var file: String
    public var objects: [KubeObject] = []
    public var notes: [LoadNote] = []
    public var errors: [LoadError] = []

    public init(file: String) {
        self.file = file
    }
}

/// Convenience entry points for whole inputs held in memory (tests, stdin, admission bodies).
public enum Manifests {
    /// Parses a YAML stream (which may also be JSON: YAML is a superset) into objects.
    public static func loadYAML(_ bytes: UnsafeRawBufferPointer, file: String, limits: LoadLimits = .default)
        -> LoadedFile
    {
        var loaded = LoadedFile(file: file)
        let splitter = ObjectSplitter(file: file)
        let problem = YAMLLoader.load(bytes, limits: limits) { tree, index in
            splitter.split(tree, document: index, into: &loaded.objects, notes: &loaded.notes)
        }
        if let problem {
            loaded.errors.append(LoadError(file: file, position: problem.position, message: problem.message))
        }
        return loaded
    }

    public static func loadYAML(_ text: String, file: String = "<string>", limits: LoadLimits = .default) -> LoadedFile {
        var copy = text
        return copy.withUTF8 { loadYAML(UnsafeRawBufferPointer($0), file: file, limits: limits) }
    }
}

/// Parsing a YAML text into bare trees, for configuration and parameters that are not Kubernetes objects.
public enum ParsedYAML {
    /// The first document's root, or `nil` for empty or broken input.
    public static func firstDocument(_ text: String, limits: LoadLimits = .default) -> Value? {
        var copy = text
        var first: Value?
        _ = copy.withUTF8 { buffer in
            YAMLLoader.load(UnsafeRawBufferPointer(buffer), limits: limits) { tree, index in
                if index == 0 { first = tree.root }
            }
        }
        return first
    }
}

import KubeModel

/// The YAML loader by each of its routes, as `gatehouse audit` reads a `.yaml` input: every document split
/// into objects (lists flattened) and each object's structural fields checked.
enum YAMLLoading {
    static func load(_ bytes: UnsafeRawBufferPointer, route: YAMLLoader.Route) {
        let splitter = ObjectSplitter(file: "fuzz.yaml")
        var objects = 0
        var notes = 0
        _ = YAMLLoader.load(bytes, route: route) { tree, index, _ in
            guard tree.repeatedKey == nil else { return }
            splitter.split(
                tree, document: index,
                onObject: { object in
                    objects += 1
                    _ = ObjectShape.problems(of: object)
                }, onNote: { _ in notes += 1 })
        }
    }
}

extension FuzzTarget {
    /// The product's YAML route: ``BlockYAMLScanner`` reads what it can and libyaml takes over where it stops.
    public static let yamlBlock = FuzzTarget(
        name: "yaml-block",
        summary: "YAML loader, block-YAML scanner first (libyaml where it hands back): documents, objects, shapes",
        seeds: .yaml
    ) { YAMLLoading.load($0, route: .fastFirst) }

    /// The reference route: libyaml's event parser alone.
    public static let yamlLibYAML = FuzzTarget(
        name: "yaml-libyaml",
        summary: "YAML loader, libyaml event path alone (CYAML): documents, objects, shapes",
        seeds: .yaml
    ) { YAMLLoading.load($0, route: .libyamlOnly) }

    /// Both routes on the same input must build the same trees and stop with the same problem: the scanner
    /// builds libyaml's tree or hands the stream back to libyaml, never a different tree.
    public static let yamlDifferential = FuzzTarget(
        name: "yaml-differential",
        summary: "block-YAML scanner against libyaml: the same trees and problem, or a clean hand-back",
        seeds: .yaml
    ) { bytes in
        let fast = YAMLDifferential.read(bytes, route: .fastFirst).outcome
        let reference = YAMLDifferential.read(bytes, route: .libyamlOnly).outcome
        if let difference = YAMLDifferential.difference(fast: fast, reference: reference) {
            FuzzCheck.fail(
                "the block-YAML scanner and libyaml disagree: \(difference)\n"
                    + "input: \(String(decoding: bytes, as: UTF8.self).debugDescription)\n"
                    + "--- block scanner route:\n\(YAMLDifferential.dump(fast))\n"
                    + "--- libyaml:\n\(YAMLDifferential.dump(reference))")
        }
    }
}

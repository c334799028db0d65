import KubeModel

/// What several daemon rules read from the host document, in one place.
extension DockerHostView {
    /// The daemon's major version (`Info.ServerVersion`, else `Version.Version`): 24 for "24.0.7".
    var serverMajorVersion: Int? {
        let text = info?["ServerVersion"]?.string ?? version?["Version"]?.string
        return text.flatMap { Int($0.prefix { $0.isNumber }) }
    }

    /// A field of `GET /info` with its path in the document, when the daemon answered it.
    func infoField(_ key: String) -> (path: String, value: Value)? {
        guard let value = info?[key], !value.isNull else { return nil }
        return ("Info.\(key)", value)
    }
}

extension DockerHostView.Setting {
    /// How messages name the setting: `userland-proxy true, set by /etc/docker/daemon.json line 3`.
    var shown: String {
        let text = value.isSequence ? "[" + strings.joined(separator: ", ") + "]" : (value.string ?? "")
        return "\(key) \(text), set by \(source)"
    }
}

/// Typed reading of one image as the Docker Engine describes it (`GET /images/{id}/json`, which
/// `docker image inspect` prints).
public struct DockerImageView: Sendable {
    public let object: KubeObject
    public var root: Value { object.root }

    /// The view of `object` when a Docker reader built it as an image; `nil` for anything else.
    public init?(_ object: KubeObject) {
        guard object.subject == .dockerImage else { return nil }
        self.object = object
    }

    public var id: String { root["Id"]?.string ?? "" }
    /// The 12 hex digits `docker images` shows.
    public var shortID: String {
        let hex = id.hasPrefix("sha256:") ? String(id.dropFirst(7)) : id
        return String(hex.prefix(12))
    }
    public var repoTags: [String] { root["RepoTags"]?.items.compactMap(\.string) ?? [] }
    /// `nginx:1.27 (3f2a1b4c5d6e)`, or the short id alone for an untagged image.
    public var label: String {
        guard let tag = repoTags.first else { return shortID }
        return "\(tag) (\(shortID))"
    }
}

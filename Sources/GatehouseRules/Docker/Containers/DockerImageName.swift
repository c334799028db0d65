import KubeModel

/// How a container names its image (`Config.Image`).
enum DockerImageName {
    /// Whether `given` is the image's id rather than a name: `sha256:<hex>`, or a prefix of at least 12 hex
    /// digits of the container's Image id (`docker run 0123abcd0123`). An id pins the content and names no
    /// repository.
    static func isImageID(_ given: String, of container: DockerContainerView) -> Bool {
        if given.hasPrefix("sha256:") { return true }
        let id = container.imageID.hasPrefix("sha256:") ? String(container.imageID.dropFirst(7)) : container.imageID
        return given.count >= 12 && id.hasPrefix(given)
    }
}

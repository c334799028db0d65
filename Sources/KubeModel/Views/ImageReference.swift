/// A container image reference, normalised the way the container runtime resolves it:
/// `nginx` is `docker.io/library/nginx:latest`.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// Registry host (and port), e.g. `docker.io`, `myacr.azurecr.io`, `localhost:5000`.
    public let registry: String
    /// Repository path within the registry, e.g. `library/nginx`.
    public let repository: String
    /// The tag as written, or `nil` when none was written.
    public let tag: String?
    /// The digest (`sha256:...`), or `nil`.
    public let digest: String?

    /// Parses an image reference. Returns `nil` for an empty string.
    public init?(_ reference: String) {
        var rest = Substring(reference.trimmingWhitespace())
        guard !rest.isEmpty else { return nil }
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        // A tag is after the last ':' that comes after the last '/' (a ':' before it is a registry port).
        var tag: String?
        let lastSlash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        var registry = "docker.io"
        var repository = String(rest)
        if let slash = rest.firstIndex(of: "/") {
            let first = rest[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" {
                registry = String(first)
                repository = String(rest[rest.index(after: slash)...])
            }
        }
        if registry == "index.docker.io" || registry == "registry-1.docker.io" { registry = "docker.io" }
        if registry == "docker.io", !repository.contains("/") { repository = "library/" + repository }
        self.registry = registry.lowercased()
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// The tag the runtime pulls: the written tag, else `latest` when there is no digest.
    public var effectiveTag: String? { tag ?? (digest == nil ? "latest" : nil) }

    /// `registry/repository[:tag][@digest]` with defaults filled in.
    public var normalized: String {
        var s = "\(registry)/\(repository)"
        if let t = effectiveTag { s += ":\(t)" }
        if let d = digest { s += "@\(d)" }
        return s
    }

    /// `registry/repository`, without tag or digest.
    public var name: String { "\(registry)/\(repository)" }

    public var description: String { normalized }

    /// Whether `pattern` (an image reference as a user writes it in an exemption) names this image:
    /// a pattern without tag or digest matches every tag; a trailing `*` matches any suffix of the
    /// normalised reference.
    public func matches(_ pattern: String) -> Bool {
        if pattern.hasSuffix("*") {
            let prefix = String(pattern.dropLast())
            guard let p = ImageReference(prefix.isEmpty ? "*" : prefix) else { return true }
            // Compare on the normalised form of the prefix, minus the `:latest` a bare prefix would get.
            let normalizedPrefix = p.tag == nil && p.digest == nil ? p.name : p.normalized
            return normalized.hasPrefix(normalizedPrefix)
        }
        guard let p = ImageReference(pattern) else { return false }
        if p.name != name { return false }
        if p.tag == nil && p.digest == nil { return true }
        if let d = p.digest { return d == digest }
        return p.tag == effectiveTag
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}

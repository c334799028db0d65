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
        var copy = reference
        if let parsed = copy.withUTF8({ Self.parsePrintableASCII($0) }) {
            self = parsed
            return
        }
        self.init(general: reference)
    }

    private init(registry: String, repository: String, tag: String?, digest: String?) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// ``init(_:)`` on bytes, for references of printable ASCII without spaces (every real one): several image
    /// rules parse each container's image, and character-by-character String work cost more than the rules.
    /// `nil` for anything else (empty, whitespace, non-ASCII), which the general parser handles.
    private static func parsePrintableASCII(_ b: UnsafeBufferPointer<UInt8>) -> ImageReference? {
        guard !b.isEmpty, b.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self) }
        var end = b.count
        var digest: String?
        if let at = b.firstIndex(of: UInt8(ascii: "@")) {
            digest = text((at + 1)..<end)
            end = at
        }
        // A tag is after the last ':' that comes after the last '/' (a ':' before it is a registry port).
        var tag: String?
        let lastSlash = b[..<end].lastIndex(of: UInt8(ascii: "/"))
        if let colon = b[..<end].lastIndex(of: UInt8(ascii: ":")), lastSlash.map({ colon > $0 }) ?? true {
            tag = text((colon + 1)..<end)
            end = colon
        }
        var registry = "docker.io"
        var repositoryStart = 0
        if let slash = b[..<end].firstIndex(of: UInt8(ascii: "/")) {
            let first = b[..<slash]
            if first.contains(UInt8(ascii: ".")) || first.contains(UInt8(ascii: ":")) || first.elementsEqual("localhost".utf8) {
                registry = text(0..<slash)
                repositoryStart = slash + 1
            }
        }
        if registry == "index.docker.io" || registry == "registry-1.docker.io" { registry = "docker.io" }
        if registry.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) { registry = registry.lowercased() }
        var repository = text(repositoryStart..<end)
        if registry == "docker.io", !b[repositoryStart..<end].contains(UInt8(ascii: "/")) {
            repository = "library/" + repository
        }
        return ImageReference(registry: registry, repository: repository, tag: tag, digest: digest)
    }

    /// The parser for any text: trims Unicode whitespace and works on characters.
    private init?(general reference: String) {
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
    /// normalised reference. `*` alone matches every image, and `registry/*` every image of that registry
    /// (`docker.io/*` includes `nginx`, which is `docker.io/library/nginx`).
    public func matches(_ pattern: String) -> Bool {
        if pattern.hasSuffix("*") {
            let prefix = String(pattern.dropLast())
            if prefix.utf8.allSatisfy({ $0 == UInt8(ascii: "*") }) { return true }
            if prefix.hasSuffix("/"), !prefix.dropLast().contains("/"), Self.looksLikeHost(String(prefix.dropLast())) {
                return ImageReference(prefix + "x")?.registry == registry
            }
            if prefix.hasSuffix("/") {
                // A repository path (`myacr.azurecr.io/team/*`): normalised with a stand-in last component.
                guard let p = ImageReference(prefix + "x") else { return false }
                return Glob(String(p.name.dropLast()) + "*").matches(normalized)
            }
            // A prefix that names no image matches none: a typo must not exempt every image.
            guard let p = ImageReference(prefix) else { return false }
            // Compare on the normalised form of the prefix, minus the `:latest` a bare prefix would get.
            let normalizedPrefix = p.tag == nil && p.digest == nil ? p.name : p.normalized
            return Glob(normalizedPrefix + "*").matches(normalized)
        }
        guard let p = ImageReference(pattern) else { return false }
        if p.name != name { return false }
        if p.tag == nil && p.digest == nil { return true }
        if let d = p.digest { return d == digest }
        return p.tag == effectiveTag
    }
}

extension ImageReference {
    /// Whether this image lives under `prefix`, compared on the normalised name by whole path components,
    /// so `myacr.azurecr.io` allows `myacr.azurecr.io/team/app` but not `myacr.azurecr.io.evil.com/app`,
    /// and `docker.io/bitnami` allows `bitnami/redis` but not `docker.io/bitnamii/x`.
    ///
    /// A prefix without `/` that looks like a host (`host:port` with a numeric port, or a name with `.`, or
    /// `localhost`) names a whole registry; `nginx:1.27` is an image with a tag.
    /// Any other prefix is read as an image name; a trailing `/` or `/*` is ignored. A one-component Docker Hub
    /// name is both an official image and a namespace: `bitnami` (or `docker.io/bitnami`) allows
    /// `docker.io/library/bitnami` and everything under `docker.io/bitnami/`. A prefix with a tag or digest must match the image exactly (see ``matches(_:)``).
    /// An empty prefix matches nothing; `*` matches every image.
    public func isUnder(_ prefix: String) -> Bool {
        var p = String(prefix.trimmingWhitespace())
        if p == "*" { return true }
        if p.hasSuffix("/*") { p.removeLast(2) }
        while p.hasSuffix("/") { p.removeLast() }
        guard !p.isEmpty else { return false }
        if !p.contains("/") && Self.looksLikeHost(p) { return registry == p.lowercased() }
        guard let reference = ImageReference(p) else { return false }
        if reference.tag != nil || reference.digest != nil { return matches(p) }
        if name == reference.name || name.hasPrefix(reference.name + "/") { return true }
        let official = "docker.io/library/"
        if reference.name.hasPrefix(official), !reference.name.dropFirst(official.count).contains("/") {
            return name.hasPrefix("docker.io/" + reference.name.dropFirst(official.count) + "/")
        }
        return false
    }
}

extension ImageReference {
    static func looksLikeHost(_ text: String) -> Bool {
        if let colon = text.firstIndex(of: ":") {
            let port = text[text.index(after: colon)...]
            return !port.isEmpty && port.allSatisfy { $0.isASCII && $0.isNumber }
        }
        return text.contains(".") || text == "localhost"
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

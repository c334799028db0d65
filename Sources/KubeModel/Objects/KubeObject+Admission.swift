extension KubeObject {
    /// Wraps an object received in an admission request. `requestNamespace` is the request's namespace: it
    /// names the object's namespace when the object itself does not (the API server fills it in for most
    /// requests, but not every client path does), so namespace-scoped policy applies either way.
    ///
    /// `requestType` is the request's `group/version` and kind (`request.kind`), used for an `apiVersion` or
    /// `kind` the object lacks (the API server always knows what it sends, even when a client or a
    /// conversion left the object's own fields empty).
    public init?(
        admitted root: Value, source: SourceRef, requestNamespace: String?,
        requestType: (apiVersion: String, kind: String)? = nil
    ) {
        let ownVersion = root["apiVersion"]?.string ?? ""
        let ownKind = root["kind"]?.string ?? ""
        let apiVersion = ownVersion.isEmpty ? requestType?.apiVersion ?? "" : ownVersion
        let kind = ownKind.isEmpty ? requestType?.kind ?? "" : ownKind
        guard !apiVersion.isEmpty, !kind.isEmpty else { return nil }
        self.root = root
        self.source = source
        self.apiVersion = apiVersion
        self.kind = kind
        self.group = Self.group(of: apiVersion)
        self.subject = .kubernetes
        let metadata = root["metadata"]
        self.name = metadata?["name"]?.string ?? metadata?["generateName"]?.string ?? ""
        let own = metadata?["namespace"]?.string
        self.namespace = (own?.isEmpty ?? true) ? requestNamespace : own
    }
}

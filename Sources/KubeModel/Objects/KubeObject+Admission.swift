extension KubeObject {
    /// Wraps an object received in an admission request. `requestNamespace` is the request's namespace: it
    /// names the object's namespace when the object itself does not (the API server fills it in for most
    /// requests, but not every client path does), so namespace-scoped policy applies either way.
    public init?(admitted root: Value, source: SourceRef, requestNamespace: String?) {
        guard let apiVersion = root["apiVersion"]?.string, let kind = root["kind"]?.string,
            !apiVersion.isEmpty, !kind.isEmpty
        else { return nil }
        self.root = root
        self.source = source
        self.apiVersion = apiVersion
        self.kind = kind
        self.group = Self.group(of: apiVersion)
        let metadata = root["metadata"]
        self.name = metadata?["name"]?.string ?? metadata?["generateName"]?.string ?? ""
        let own = metadata?["namespace"]?.string
        self.namespace = (own?.isEmpty ?? true) ? requestNamespace : own
    }
}

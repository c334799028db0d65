import KubeModel

extension AuditEvent {
    /// The admission request seen as the audit event the API server will log for it, so the alert rules judge
    /// admission with no second version of themselves.
    ///
    /// It has what the request carries: the user and groups, the verb (`create`, `update`, `delete`; CONNECT
    /// as `create`, which is how exec and attach reach the API server), `objectRef` from the resource,
    /// subresource, namespace and name, and the object as `requestObject` at `RequestResponse` level. It has no
    /// stage and no response code (the request is not answered yet), so rules judge it as a request that
    /// succeeds, whatever this webhook decides; no source address or user agent (admission does not see them).
    /// Its `auditID` is the admission request's `uid`.
    public init(admission request: AdmissionRequest) {
        self.init(origin: Origin(file: "POST /validate", line: 1))
        apiVersion = "audit.k8s.io/v1"
        level = "RequestResponse"
        auditID = request.uid
        verb =
            switch request.operation {
            case .create, .connect: "create"
            case .update: "update"
            case .delete: "delete"
            }
        user = User(username: request.username, groups: request.groups)
        target = Target(
            resource: request.resource, subresource: request.subResource, namespace: request.namespace ?? "",
            name: request.name, apiGroup: request.resourceGroup, apiVersion: request.resourceVersion)
        requestObject = request.operation == .delete ? nil : request.object
        stageTimestamp = JSONLogHandler.timestamp()
    }
}

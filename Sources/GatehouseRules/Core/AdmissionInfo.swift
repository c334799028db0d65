/// Who is asking, at admission: the parts of an AdmissionReview request that rules about the requester read.
///
/// `nil` in ``CheckContext/request`` when there is no request (the auditor reading files or a cluster
/// snapshot). Rules that need it document what they do without it.
public struct AdmissionInfo: Sendable, Hashable {
    public enum Operation: String, Sendable, Hashable, CaseIterable {
        case create = "CREATE", update = "UPDATE", delete = "DELETE", connect = "CONNECT"
    }

    /// `request.userInfo.username`.
    public var user: String
    /// `request.userInfo.groups`.
    public var groups: [String]
    public var operation: Operation
    /// `request.namespace`: the namespace of the request, which an object being created may not carry
    /// in its own `metadata.namespace`.
    public var namespace: String?

    public init(user: String, groups: [String] = [], operation: Operation, namespace: String? = nil) {
        self.user = user
        self.groups = groups
        self.operation = operation
        self.namespace = namespace
    }
}

import KubeModel

/// The AdmissionReview API versions the webhook speaks. The response uses the request's version.
public enum AdmissionReviewVersion: String, Sendable, CaseIterable {
    case v1 = "admission.k8s.io/v1"
    case v1beta1 = "admission.k8s.io/v1beta1"
}

/// The admission operation, as the API server names it.
public enum AdmissionOperation: String, Sendable, CaseIterable {
    case create = "CREATE"
    case update = "UPDATE"
    case delete = "DELETE"
    case connect = "CONNECT"
}

/// Why a body is not an AdmissionReview the webhook can answer. Answered with HTTP 400 and a JSON error.
public struct MalformedReview: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The fields of `AdmissionReview.request` the webhook reads, over the parsed body.
///
/// `object` and `oldObject` are views into the request's tree: nothing is copied.
public struct AdmissionRequest: Sendable {
    public var version: AdmissionReviewVersion
    public var uid: String
    /// `request.kind`: the kind of the object as this webhook sees it (after any version conversion).
    public var kind: GroupVersionKind
    /// `request.resource.resource`, e.g. `pods`.
    public var resource: String
    /// `request.resource.group` and `.version`: the API group (empty for the core group) and version.
    public var resourceGroup = ""
    public var resourceVersion = ""
    /// `request.subResource`, e.g. `ephemeralcontainers`, `status`; empty for the main resource.
    public var subResource: String
    public var namespace: String?
    public var name: String
    public var operation: AdmissionOperation
    public var username: String
    public var groups: [String]
    public var dryRun: Bool
    /// `request.object`; `nil` for DELETE and when absent or null.
    public var object: Value?
    /// `request.oldObject`; present for UPDATE (and DELETE).
    public var oldObject: Value?

    /// A `group/version, Kind` triple.
    public struct GroupVersionKind: Sendable, Equatable {
        public var group: String
        public var version: String
        public var kind: String

        public init(group: String, version: String, kind: String) {
            self.group = group
            self.version = version
            self.kind = kind
        }

        /// `group/version` as an object's `apiVersion` writes it (`v1` for the core group); empty without a
        /// version.
        public var apiVersion: String {
            guard !version.isEmpty else { return "" }
            return group.isEmpty ? version : "\(group)/\(version)"
        }
    }

    /// `request.kind` as the `apiVersion` and `kind` for an object that lacks its own.
    public var objectType: (apiVersion: String, kind: String) { (kind.apiVersion, kind.kind) }

    /// Reads the request out of a parsed AdmissionReview body. Throws ``MalformedReview`` naming the first
    /// missing or mistyped field.
    public init(review root: Value) throws(MalformedReview) {
        guard root.isMapping else { throw MalformedReview("the body is not a JSON object") }
        guard let apiVersion = root["apiVersion"]?.stringOnly else {
            throw MalformedReview("apiVersion is missing; expected admission.k8s.io/v1 or admission.k8s.io/v1beta1")
        }
        guard let version = AdmissionReviewVersion(rawValue: apiVersion) else {
            throw MalformedReview(
                "apiVersion \"\(Self.clip(apiVersion))\" is not supported; expected admission.k8s.io/v1 or admission.k8s.io/v1beta1")
        }
        guard root["kind"]?.stringOnly == "AdmissionReview" else {
            throw MalformedReview("kind must be AdmissionReview")
        }
        guard let request = root["request"], request.isMapping else {
            throw MalformedReview("request is missing or not an object")
        }
        guard let uid = request["uid"]?.stringOnly, !uid.isEmpty else {
            throw MalformedReview("request.uid is missing or empty")
        }
        guard let kind = request["kind"], let kindName = kind["kind"]?.stringOnly else {
            throw MalformedReview("request.kind.kind is missing")
        }
        guard let op = request["operation"]?.stringOnly else {
            throw MalformedReview("request.operation is missing")
        }
        guard let operation = AdmissionOperation(rawValue: op) else {
            throw MalformedReview(
                "request.operation \"\(Self.clip(op))\" is not one of CREATE, UPDATE, DELETE, CONNECT")
        }
        self.version = version
        self.uid = uid
        self.kind = GroupVersionKind(
            group: kind["group"]?.stringOnly ?? "", version: kind["version"]?.stringOnly ?? "", kind: kindName)
        self.resource = request.at("resource", "resource")?.stringOnly ?? ""
        self.resourceGroup = request.at("resource", "group")?.stringOnly ?? ""
        self.resourceVersion = request.at("resource", "version")?.stringOnly ?? ""
        self.subResource = request["subResource"]?.stringOnly ?? ""
        let ns = request["namespace"]?.stringOnly ?? ""
        self.namespace = ns.isEmpty ? nil : ns
        self.name = request["name"]?.stringOnly ?? ""
        self.operation = operation
        let user = request["userInfo"]
        self.username = user?["username"]?.stringOnly ?? ""
        self.groups = user?["groups"]?.items.compactMap { $0.stringOnly } ?? []
        self.dryRun = request["dryRun"]?.isTrue ?? false
        self.object = Self.present(request["object"])
        self.oldObject = Self.present(request["oldObject"])
    }

    private static func present(_ value: Value?) -> Value? {
        guard let value, !value.isNull else { return nil }
        return value
    }

    /// Keeps echoes of user input in error messages short.
    static func clip(_ text: String) -> String {
        text.count <= 64 ? text : String(text.prefix(64)) + "..."
    }

    /// `pods/ephemeralcontainers`, `deployments`: the resource and subresource as RBAC writes them.
    public var resourcePath: String { subResource.isEmpty ? resource : "\(resource)/\(subResource)" }
}

import KubeModel

/// Parses a request body into a Value tree with the project's loader, within the given limits.
public enum AdmissionBody {
    /// The first (only) JSON document of `bytes`. Throws ``MalformedReview`` with the loader's position and
    /// message for invalid JSON or a body nested deeper than `limits.maxDepth`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: LoadLimits) throws(MalformedReview) -> Tree {
        guard bytes.count > 0 else { throw MalformedReview("the body is empty; expected an AdmissionReview JSON object") }
        switch JSONLoader.parse(bytes, limits: limits) {
        case .success(let tree):
            return tree
        case .failure(let problem):
            throw MalformedReview("the body is not valid JSON: line \(problem.position.line), column \(problem.position.column): \(problem.message)")
        }
    }
}

/// One request through the whole pipeline: parse, decide, encode. Shared by the HTTP handler and the
/// in-process benchmark, so the benchmark measures exactly what the server does.
public struct ReviewProcessor: Sendable {
    public let decider: AdmissionDecider
    public let limits: LoadLimits
    /// Where each decided request goes to be judged by the alert rules (not dry runs: they change nothing);
    /// `nil` for none.
    public let alerts: AlertPipeline?

    public init(decider: AdmissionDecider, limits: LoadLimits = LoadLimits(maxDepth: 64), alerts: AlertPipeline? = nil) {
        self.decider = decider
        self.limits = limits
        self.alerts = alerts
    }

    /// The answer to one body.
    public enum Outcome: Sendable {
        /// A review was decided: the summary for logs and metrics, the decision and the response body.
        case answered(ReviewSummary, AdmissionDecision, [UInt8])
        /// The body is not an AdmissionReview: answered with HTTP 400 and this error.
        case malformed(MalformedReview)
    }

    public func process(_ body: UnsafeRawBufferPointer) -> Outcome {
        do {
            let tree = try AdmissionBody.parse(body, limits: limits)
            let request = try AdmissionRequest(review: tree.root)
            let decision = decider.decide(request)
            if let alerts, !request.dryRun { alerts.submit(admission: request) }
            let bytes = AdmissionResponseEncoder.encode(uid: request.uid, version: request.version, decision: decision)
            return .answered(ReviewSummary(request), decision, bytes)
        } catch {
            return .malformed(error)
        }
    }

    public func process(_ body: [UInt8]) -> Outcome {
        body.withUnsafeBytes { process($0) }
    }
}

/// What the decision log and metrics record about a request: identity only, never object contents.
public struct ReviewSummary: Sendable {
    public var uid: String
    public var version: AdmissionReviewVersion
    public var kind: String
    public var resource: String
    public var namespace: String?
    public var name: String
    public var operation: AdmissionOperation
    public var username: String
    public var dryRun: Bool

    public init(_ r: AdmissionRequest) {
        uid = r.uid
        version = r.version
        kind = r.kind.kind
        resource = r.resourcePath
        namespace = r.namespace
        // For CREATE with generateName the request has no name yet; the object may carry generateName.
        name = r.name.isEmpty ? (r.object?.at("metadata", "generateName")?.stringOnly ?? "") : r.name
        operation = r.operation
        username = r.username
        dryRun = r.dryRun
    }
}

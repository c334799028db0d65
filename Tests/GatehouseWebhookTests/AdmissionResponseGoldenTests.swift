import Foundation
import GatehouseEngine
@testable import GatehouseWebhook
import TestSupport
import Testing

/// Each review under `Tests/Fixtures/admission/` (`NAME.review.json`) must be answered with exactly the bytes
/// of `NAME.response.json`: the AdmissionReview response (allow, deny, warnings, audit annotations, in v1 and
/// v1beta1), or the `{"error": ...}` body of a request that is not a review.
/// To accept an intended change, run the tests with `GATEHOUSE_UPDATE_GOLDEN=1` and review the diff.
@Suite("admission response golden files")
struct AdmissionResponseGoldenTests {
    static let root = Repository.root
    static let fixtures = Repository.fixture("admission")

    /// Which policy answers the review: the built-in default, or `examples/policy.yaml` (its `dev-*`
    /// namespaces warn instead of denying, and it exempts the ReplicaSet controller with an annotation).
    enum PolicySource: Sendable {
        case builtIn, example
    }

    static let cases: [(String, PolicySource)] = [
        ("allow-v1", .builtIn),
        ("allow-v1beta1", .builtIn),
        ("deny-v1", .builtIn),
        ("deny-v1beta1", .builtIn),
        ("warning-v1", .example),
        ("warning-v1beta1", .example),
        ("audit-annotation-v1", .example),
        ("unevaluable-v1", .builtIn),
        ("malformed", .builtIn),
        ("unsupported-version", .builtIn),
    ]

    @Test(arguments: cases)
    func golden(_ name: String, _ source: PolicySource) throws {
        let policy = source == .builtIn
            ? Policy() : try Policy.load(contentsOf: Self.root.appendingPathComponent("examples/policy.yaml").path)
        let processor = ReviewProcessor(decider: AdmissionDecider(engine: try Engine(policy: policy)))
        let review = try Data(contentsOf: Self.fixtures.appendingPathComponent("\(name).review.json"))
        let body: [UInt8]
        switch processor.process(Array(review)) {
        case .answered(_, _, let bytes): body = bytes
        case .malformed(let problem): body = AdmissionResponseEncoder.encodeError(problem.message)
        }
        let url = Self.fixtures.appendingPathComponent("\(name).response.json")
        if ProcessInfo.processInfo.environment["GATEHOUSE_UPDATE_GOLDEN"] == "1" {
            try Data(body).write(to: url)
        }
        let expected = try Data(contentsOf: url)
        #expect(body == Array(expected), "\(name).response.json differs from the answer; see the test's doc comment")
    }
}

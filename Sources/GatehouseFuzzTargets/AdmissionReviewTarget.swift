import GatehouseEngine
import GatehouseRules
import GatehouseWebhook
import KubeModel

extension FuzzTarget {
    /// An AdmissionReview body through the webhook's in-process path (``ReviewProcessor``, what `serve`'s
    /// handler and `gatehouse-bench review` run): parse, read the request, evaluate every rule, encode. An
    /// answer must be a JSON AdmissionReview that echoes the request's uid.
    public static let admissionReview = FuzzTarget(
        name: "admission-review",
        summary: "AdmissionReview bytes to response bytes (every rule): the answer is JSON and echoes the uid",
        maxLength: 16384,
        seeds: SeedFiles(extensions: ["json"], marker: "AdmissionReview")
    ) { bytes in
        guard case .answered(let summary, _, let response) = AdmissionReviewFuzzing.processor.process(bytes) else { return }
        let parsed = response.withUnsafeBytes { JSONLoader.parse($0) }
        guard case .success(let tree) = parsed else {
            FuzzCheck.fail("the response is not JSON: \(String(decoding: response, as: UTF8.self).debugDescription)")
        }
        guard tree.root.at("response", "uid")?.stringOnly == summary.uid else {
            FuzzCheck.fail(
                "the response does not echo uid \(summary.uid.debugDescription): "
                    + String(decoding: response, as: UTF8.self).debugDescription)
        }
    }
}

enum AdmissionReviewFuzzing {
    /// Every rule, so every rule meets the generated objects.
    static let processor: ReviewProcessor = {
        var policy = Policy()
        policy.profile = .all
        do {
            return ReviewProcessor(decider: AdmissionDecider(engine: try Engine(policy: policy)))
        } catch {
            FuzzCheck.fail("the default engine with every rule did not start: \(error)")
        }
    }()
}

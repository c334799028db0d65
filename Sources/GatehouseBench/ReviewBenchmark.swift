import ArgumentParser
import Foundation
import GatehouseEngine
import GatehouseRules
import GatehouseWebhook

/// `gatehouse-bench review FILE`: the in-process cost of one review (parse, evaluate, encode), the exact path
/// `gatehouse serve`'s HTTP handler runs, without the network. Prints figures; asserts nothing.
struct ReviewBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Time one AdmissionReview through the webhook's parse, evaluate and encode path."
    )

    @Argument(help: "An AdmissionReview JSON file (scripts/bench/review-*.json).")
    var file: String

    @Option(help: "Reviews to time (after a warm-up of up to 1,000).")
    var iterations = 20_000

    @Option(help: "Policy file, as `gatehouse serve --policy` reads it.")
    var policy: String?

    @Option(help: "Rule profile (overrides the policy's): \(Profile.allCases.map(\.rawValue).joined(separator: ", ")).")
    var profile: String?

    func run() throws {
        var loaded = try policy.map { try Policy.load(contentsOf: $0) } ?? Policy()
        if let profile {
            guard let chosen = Profile(rawValue: profile) else { throw ValidationError("unknown profile \"\(profile)\"") }
            loaded.profile = chosen
        }
        let engine = try Engine(policy: loaded)
        let body = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        let processor = ReviewProcessor(decider: AdmissionDecider(engine: engine))
        guard case .answered(_, let decision, let response) = processor.process(body) else {
            if case .malformed(let problem) = processor.process(body) {
                throw BenchmarkError("\(file): not an AdmissionReview: \(problem.message)")
            }
            return
        }
        // Warm up caches and allocators, then time batches so the clock's own cost is negligible.
        for _ in 0..<min(1000, iterations) { _ = processor.process(body) }
        let batch = 100
        var samples: [Double] = []
        let clock = ContinuousClock()
        var done = 0
        while done < iterations {
            let elapsed = clock.measure {
                for _ in 0..<batch { _ = processor.process(body) }
            }
            samples.append(Double(elapsed.components.attoseconds) / 1e12 / Double(batch)
                + Double(elapsed.components.seconds) * 1e6 / Double(batch))
            done += batch
        }
        samples.sort()
        let median = samples[samples.count / 2]
        let p90 = samples[samples.count * 9 / 10]
        // Where the time goes: parsing alone, and parsing plus reading the request.
        let parseOnly = Self.median(clock: clock, iterations: iterations, batch: batch) {
            body.withUnsafeBytes { _ = try? AdmissionBody.parse($0, limits: processor.limits) }
        }
        let parseAndRequest = Self.median(clock: clock, iterations: iterations, batch: batch) {
            body.withUnsafeBytes { bytes in
                if let tree = try? AdmissionBody.parse(bytes, limits: processor.limits) {
                    _ = try? AdmissionRequest(review: tree.root)
                }
            }
        }
        print("review: \(file) (\(body.count) bytes), decision \(decision.label), \(decision.findings.count) findings, response \(response.count) bytes")
        print("rules active: \(engine.activeRuleIDs.count) (profile \(engine.policy.profile.rawValue))")
        print(String(format: "per review (parse + evaluate + encode): median %.2f µs, p90 %.2f µs over %d reviews", median, p90, done))
        print(String(format: "  of which: JSON parse %.2f µs, + reading the request %.2f µs, evaluate + encode %.2f µs",
                     parseOnly, parseAndRequest, median - parseAndRequest))
    }
}

extension ReviewBenchmark {
    /// Median µs per call of `body`, timed in batches.
    static func median(clock: ContinuousClock, iterations: Int, batch: Int, _ body: () -> Void) -> Double {
        var samples: [Double] = []
        var done = 0
        while done < iterations {
            let elapsed = clock.measure {
                for _ in 0..<batch { body() }
            }
            samples.append(
                (Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12) / Double(batch))
            done += batch
        }
        samples.sort()
        return samples[samples.count / 2]
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

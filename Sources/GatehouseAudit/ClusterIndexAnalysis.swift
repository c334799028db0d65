#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GatehouseEngine
import GatehouseRules
import KubeModel

/// The cross-object rules (namespaces without network policies, unselected pods, exposed workloads whose
/// service account holds dangerous permissions...) over a ``ClusterIndex`` of every input.
///
/// Worker threads add objects to one shared index under a lock; the index keeps plain strings and small
/// values, not trees, so the audit still drops each tree after evaluating it. The analyses sort their
/// output, so the order objects arrive in does not matter.
public final class ClusterIndexAnalysis: CrossObjectAnalysis, @unchecked Sendable {
    // @unchecked: `index` is only touched with `lock` held (observe) or after all workers are joined (findings).
    private let engine: CrossObjectEngine
    private var index = ClusterIndex()
    private var lock = pthread_mutex_t()

    /// Throws when the policy gives a cross-object rule parameters it cannot use.
    public init(policy: Policy) throws {
        engine = try CrossObjectEngine(policy: policy)
        pthread_mutex_init(&lock, nil)
    }

    deinit { pthread_mutex_destroy(&lock) }

    /// Whether the policy enables any cross-object rule (if not, there is no need to index anything).
    public var isActive: Bool { !engine.activeRuleIDs.isEmpty }

    public var ruleIDs: [String] { engine.activeRuleIDs }

    public func observe(_ object: KubeObject) {
        pthread_mutex_lock(&lock)
        index.add(object)
        pthread_mutex_unlock(&lock)
    }

    /// The cross-object findings. Gives the index up: once the analysis has run, what it gathered is freed
    /// before the report is sorted and written (call it once, after every object was observed).
    public func findings() -> [Finding] {
        var taken = ClusterIndex()
        swap(&taken, &index)
        return engine.findings(taken)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel

/// The cross-object rules (namespaces without network policies, unselected pods, exposed workloads whose
/// service account holds dangerous permissions...) over a ``ClusterIndex`` of every input.
///
/// Each worker thread adds the objects it evaluates to an index of its own, with no lock to wait for; the
/// indexes are merged once every worker is done. An index keeps plain strings and small values, not trees, so
/// the audit still drops each tree after evaluating it. The index keeps an object's earliest definition and
/// the analyses sort their output, so neither the order objects arrive in nor which thread saw them matters.
public final class ClusterIndexAnalysis: CrossObjectAnalysis, @unchecked Sendable {
    // @unchecked: a shard's index is only touched by the thread that owns it (observe) or after all workers
    // are joined (findings); `shards` itself only with `lock` held.
    private let engine: CrossObjectEngine
    private let jobs: Int
    private var shards: [Shard] = []
    private var lock = pthread_mutex_t()
    /// Each observing thread's shard (unretained: `shards` owns them).
    private var shardKey = pthread_key_t()
    /// What policy exemptions suppressed, in rule order; set (with `lock` held) by ``orderedFindings()``.
    private var exempted: [ExemptedFinding] = []

    private final class Shard {
        var index = ClusterIndex()
    }

    /// For a process that exits right after the audit: the analysed index is left to the exit rather than
    /// freed entry by entry (tens of milliseconds on a large audit). Only for indexes of up to
    /// ``AuditMemory/largestAuditDoneAlongside`` objects, so a bigger audit's peak memory stays where it was.
    private let leavesIndexToExit: Bool
    private let vulnerabilities: VulnerabilityStore?

    /// `jobs`: how many threads the rules may run on once every object is observed (each rule runs on one).
    /// Throws when the policy gives a cross-object rule parameters it cannot use.
    ///
    /// `vulnerabilities` holds the scanner reports the attack-path rule reads, read once the objects are
    /// observed (the audit settles them before judging any object).
    public init(
        policy: Policy, jobs: Int = 1, leavesIndexToExit: Bool = false, vulnerabilities: VulnerabilityStore? = nil
    ) throws {
        engine = try CrossObjectEngine(policy: policy)
        self.vulnerabilities = vulnerabilities
        self.jobs = max(1, jobs)
        self.leavesIndexToExit = leavesIndexToExit
        pthread_mutex_init(&lock, nil)
        pthread_key_create(&shardKey, nil)
    }

    deinit {
        pthread_key_delete(shardKey)
        pthread_mutex_destroy(&lock)
    }

    /// Whether the policy enables any cross-object rule (if not, there is no need to index anything).
    public var isActive: Bool { !engine.activeRuleIDs.isEmpty }

    public var ruleIDs: [String] { engine.activeRuleIDs }

    public func observe(_ object: KubeObject) {
        shard().index.add(object)
    }

    /// The calling thread's shard, made on its first object (the only time this takes the lock).
    private func shard() -> Shard {
        if let known = pthread_getspecific(shardKey) { return Unmanaged<Shard>.fromOpaque(known).takeUnretainedValue() }
        let shard = Shard()
        // The audit settles its scanner reports before it observes any object.
        shard.index.recordsContainers = vulnerabilities?.index != nil
        pthread_mutex_lock(&lock)
        shards.append(shard)
        pthread_mutex_unlock(&lock)
        pthread_setspecific(shardKey, Unmanaged.passUnretained(shard).toOpaque())
        return shard
    }

    /// The cross-object findings, in canonical order (see ``orderedFindings()``).
    public func findings() -> [Finding] { Array(orderedFindings()) }

    /// The cross-object findings, stored compactly and in canonical order. Gives the index up: once the
    /// analysis has run, what it gathered is freed (call it once, after every object was observed).
    ///
    /// The rules run on up to `jobs` threads, one rule at a time each. Each rule's findings are stored and sorted
    /// on their own, then the per-rule lists are merged (rules never share findings), so the result is the same
    /// for any number of jobs.
    ///
    /// For an index of up to ``AuditMemory/largestAuditDoneAlongside`` objects, a rule's findings are stored on the
    /// thread that ran it while other rules still run. Beyond, that would hold the index and a big rule's
    /// findings at once (the peak memory of a million-object audit), so they are stored once the index is freed.
    public func orderedFindings() -> FindingList {
        let engine = self.engine
        let shards = takeShards()
        let memory = AuditMemory(objectCount: shards.reduce(0) { $0 + $1.index.objectCount })
        let alongside = memory.worksAlongside
        let stored = ResultSlots<FindingList>(count: engine.ruleCount)
        let unstored = ResultSlots<[Finding]>(count: engine.ruleCount)
        let exemptedByRule = ResultSlots<[ExemptedFinding]>(count: engine.ruleCount)
        runRules(taking: shards, leavingToExit: alongside && leavesIndexToExit) { rule, analysis in
            var exempted: [ExemptedFinding] = []
            let found = engine.findings(ofRule: rule, in: analysis, sorted: false, exempted: &exempted)
            if alongside { stored.set(rule, Self.ordered(found)) } else { unstored.set(rule, found) }
            if !exempted.isEmpty { exemptedByRule.set(rule, exempted) }
        }
        memory.handBackFreed()
        var exempted: [ExemptedFinding] = []
        for rule in 0..<engine.ruleCount { exempted += exemptedByRule.take(rule) ?? [] }
        pthread_mutex_lock(&lock)
        self.exempted = exempted
        pthread_mutex_unlock(&lock)
        var merged = FindingList()
        for rule in 0..<engine.ruleCount {
            guard let list = stored.take(rule) ?? unstored.take(rule).map(Self.ordered) else { continue }
            merged = FindingList.merging(consume merged, list)
        }
        return merged
    }

    /// One rule's findings, stored compactly (most rules report once per object: objects are not looked up)
    /// and sorted.
    private static func ordered(_ findings: [Finding]) -> FindingList {
        var builder = FindingList.Builder()
        for finding in findings { builder.appendStoringObject(finding) }
        var list = builder.finish()
        list.sortCanonically()
        return list
    }

    public func exemptedFindings() -> [ExemptedFinding] {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return exempted
    }

    private func takeShards() -> [Shard] {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let taken = shards
        shards = []
        return taken
    }

    /// Merges the shards' indexes (each freed once merged) and runs `rule` for every rule index over the
    /// result.
    private func runRules(
        taking shards: [Shard], leavingToExit: Bool, _ rule: @escaping @Sendable (Int, ClusterAnalysis) -> Void
    ) {
        var index = ClusterIndex()
        var first = true
        for shard in shards {
            // Taken out of the shard, so the first is not copied.
            var part = ClusterIndex()
            swap(&part, &shard.index)
            if first { swap(&index, &part) } else { index.merge(part) }
            first = false
        }
        let analysis = ClusterAnalysis(index, vulnerabilities: vulnerabilities?.index)
        index = ClusterIndex()
        WorkerPool.run(count: engine.ruleCount, jobs: jobs) { index in rule(index, analysis) }
        if leavingToExit { _ = Unmanaged.passRetained(AnalysisKeeper(analysis)) }
    }

    /// Holds an analysis that is never released (see ``leavesIndexToExit``).
    private final class AnalysisKeeper {
        let analysis: ClusterAnalysis
        init(_ analysis: ClusterAnalysis) { self.analysis = analysis }
    }

}

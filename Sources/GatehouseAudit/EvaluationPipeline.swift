#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel

/// Evaluates one file's objects on every spare core while the thread reading the file keeps parsing.
///
/// Files are the unit of parallel work, so one big input (a `kubectl get -o json` export) would leave every
/// other core idle. When there are spare cores, the thread parsing a file hands its objects over in batches
/// through a small bounded queue to evaluating threads. Parsing is cheaper than evaluating, so when the queue
/// is full the parsing thread does not wait: it evaluates the oldest queued batch itself, and every core stays
/// busy. The bound keeps memory flat: at most a few batches of trees are alive at once.
///
/// Each thread collects its findings in its own builder; which thread evaluated which object does not show in
/// the report, because the report sorts findings (and exempted findings) canonically (``FindingList``).
final class EvaluationPipeline: @unchecked Sendable {
    // @unchecked: `queue` and `finished` are guarded by `lock`; each builder in `findingsByThread` is written by
    // one thread only (slot 0 by the parsing thread) and all are read after the evaluating threads are joined.
    typealias Evaluate = (KubeObject) -> EvaluationResult

    // Small batches and a short queue: an object is evaluated soon after it was parsed, while its tree is still
    // in the cache. Batches of 64 and a queue of 8 cost a sixth more CPU time on a large export.
    private static let batchSize = 16
    private static let maxQueuedBatches = 4

    private var lock = pthread_mutex_t()
    private var changed = pthread_cond_t()
    private var queue: [[KubeObject]] = []
    private var finished = false
    private var pending: [KubeObject] = []
    private var threads: [WorkerThread] = []
    private let evaluate: Evaluate
    /// One result per thread. Raw storage: threads write their own slots at the same time, which a Swift
    /// array property would flag as overlapping accesses.
    private let findingsByThread: UnsafeMutableBufferPointer<EvaluatedObjects>

    /// A pipeline with `evaluators` threads besides the caller's.
    init(evaluators: Int, evaluate: @escaping Evaluate) {
        self.evaluate = evaluate
        let evaluators = max(1, evaluators)
        findingsByThread = .allocate(capacity: evaluators + 1)
        findingsByThread.initialize(repeating: EvaluatedObjects())
        pthread_mutex_init(&lock, nil)
        pthread_cond_init(&changed, nil)
        pending.reserveCapacity(Self.batchSize)
        for slot in 1...evaluators {
            if let thread = WorkerThread.start({ [self] in consume(slot: slot) }) { threads.append(thread) }
        }
    }

    deinit {
        findingsByThread.deinitialize()
        findingsByThread.deallocate()
        pthread_cond_destroy(&changed)
        pthread_mutex_destroy(&lock)
    }

    /// Queues `object` for evaluation.
    func submit(_ object: KubeObject) {
        pending.append(object)
        if pending.count >= Self.batchSize { push() }
    }

    /// Evaluates what is left, waits for the evaluating threads and returns every finding, one builder per
    /// thread (this thread's first). They are left for the caller to merge: once every object is evaluated the
    /// cross-object analysis can start, and merging takes long enough to be worth doing beside it.
    func finish() -> [EvaluatedObjects] {
        push()
        pthread_mutex_lock(&lock)
        finished = true
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&lock)
        for thread in threads { thread.join() }
        threads = []
        // No thread could start: evaluate the rest here.
        for batch in queue { evaluate(batch, slot: 0) }
        queue = []
        var all: [EvaluatedObjects] = []
        for slot in findingsByThread.indices {
            all.append(findingsByThread[slot])
            findingsByThread[slot] = EvaluatedObjects()
        }
        return all
    }

    /// Hands the pending batch to the queue; when the queue is full, evaluates its oldest batch on this thread
    /// first rather than waiting.
    private func push() {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        pthread_mutex_lock(&lock)
        while !threads.isEmpty, queue.count >= Self.maxQueuedBatches {
            let oldest = queue.removeFirst()
            pthread_mutex_unlock(&lock)
            evaluate(oldest, slot: 0)
            pthread_mutex_lock(&lock)
        }
        queue.append(batch)
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&lock)
    }

    private func evaluate(_ batch: [KubeObject], slot: Int) {
        for object in batch { findingsByThread[slot].add(evaluate(object), of: object) }
    }

    private func consume(slot: Int) {
        while true {
            pthread_mutex_lock(&lock)
            while queue.isEmpty && !finished { pthread_cond_wait(&changed, &lock) }
            if queue.isEmpty && finished {
                pthread_mutex_unlock(&lock)
                return
            }
            let batch = queue.removeFirst()
            pthread_cond_broadcast(&changed)
            pthread_mutex_unlock(&lock)
            evaluate(batch, slot: slot)
        }
    }
}

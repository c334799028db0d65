#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GatehouseReports
import GatehouseRules
import KubeModel

/// Evaluates one file's objects on a second thread while the first keeps parsing.
///
/// Files are the unit of parallel work, so one big input (a `kubectl get -o json` export) would leave every
/// other core idle. When there are spare cores, the thread parsing a file hands its objects over in batches
/// through a small bounded queue to an evaluating thread. The bound keeps memory flat: the parser waits when
/// the evaluator falls behind, so at most a few batches of trees are alive at once.
final class EvaluationPipeline: @unchecked Sendable {
    // @unchecked: `queue`, `finished` are guarded by `lock`; `findings` and `objectCount` are written only by
    // the evaluating thread and read after it is joined.
    typealias Evaluate = (KubeObject) -> [Finding]

    private static let batchSize = 64
    private static let maxQueuedBatches = 8

    private var lock = pthread_mutex_t()
    private var changed = pthread_cond_t()
    private var queue: [[KubeObject]] = []
    private var finished = false
    private var pending: [KubeObject] = []
    private var thread = pthread_t()
    private var started = false
    private let evaluate: Evaluate
    private(set) var findings = FindingList.Builder()

    init(evaluate: @escaping Evaluate) {
        self.evaluate = evaluate
        pthread_mutex_init(&lock, nil)
        pthread_cond_init(&changed, nil)
        pending.reserveCapacity(Self.batchSize)
        let box = Unmanaged.passRetained(self).toOpaque()
        started = pthread_create(&thread, nil, { raw in
            let pipeline = Unmanaged<EvaluationPipeline>.fromOpaque(raw!).takeRetainedValue()
            pipeline.consume()
            return nil
        }, box) == 0
        if !started { Unmanaged<EvaluationPipeline>.fromOpaque(box).release() }
    }

    deinit {
        pthread_cond_destroy(&changed)
        pthread_mutex_destroy(&lock)
    }

    /// Queues `object` for evaluation (evaluates it here if the second thread could not start).
    func submit(_ object: KubeObject) {
        guard started else {
            findings.append(objectFindings: evaluate(object))
            return
        }
        pending.append(object)
        if pending.count >= Self.batchSize { push() }
    }

    /// Waits until every submitted object is evaluated; then ``findings`` is complete.
    func finish() {
        guard started else { return }
        push()
        pthread_mutex_lock(&lock)
        finished = true
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&lock)
        pthread_join(thread, nil)
        started = false
    }

    private func push() {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        pthread_mutex_lock(&lock)
        while queue.count >= Self.maxQueuedBatches { pthread_cond_wait(&changed, &lock) }
        queue.append(batch)
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&lock)
    }

    private func consume() {
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
            for object in batch { findings.append(objectFindings: evaluate(object)) }
        }
    }
}

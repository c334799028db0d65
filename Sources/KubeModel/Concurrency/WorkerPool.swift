#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body(i)` for every `i` in `0..<count` on up to `jobs` threads (``WorkerThread``s and the caller's),
/// each thread taking the next unclaimed index, and returns when all are done.
public enum WorkerPool {
    public static func run(count: Int, jobs: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let workers = max(1, min(jobs, count))
        if workers == 1 {
            for i in 0..<count { body(i) }
            return
        }
        let queue = IndexQueue(count: count)
        let work: @Sendable () -> Void = {
            while let i = queue.next() { body(i) }
        }
        let threads = (1..<workers).compactMap { _ in WorkerThread.start(work) }
        work()  // the calling thread is a worker too
        for thread in threads { thread.join() }
    }
}

/// Hands out indices `0..<count` once each, to any number of threads.
private final class IndexQueue: @unchecked Sendable {
    // @unchecked: `nextIndex` is only touched with `lock` held.
    private var lock = pthread_mutex_t()
    private var nextIndex = 0
    private let count: Int

    init(count: Int) {
        self.count = count
        pthread_mutex_init(&lock, nil)
    }

    deinit { pthread_mutex_destroy(&lock) }

    func next() -> Int? {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        guard nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }
}

/// One slot per piece of work, each written by exactly one worker, read after all workers are joined.
public final class ResultSlots<T>: @unchecked Sendable {
    // @unchecked: slots are disjoint per index, and reads happen after the workers are joined (a happens-before
    // edge).
    private let storage: UnsafeMutableBufferPointer<T?>

    public init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    /// Stores the result of piece `index` (once, from the worker that did it).
    public func set(_ index: Int, _ value: T) { storage[index] = value }

    /// The result of piece `index`, leaving its slot empty so that the slots keep no reference to it.
    public func take(_ index: Int) -> T? {
        let value = storage[index]
        storage[index] = nil
        return value
    }
}

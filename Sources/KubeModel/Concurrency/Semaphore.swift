#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A counting semaphore: ``wait()`` takes one unit, blocking while there is none; ``signal()`` gives one back.
///
/// For handing buffers between two threads in turn. A mutex and a condition variable rather than `sem_t`,
/// which Darwin does not implement unnamed.
public final class Semaphore: @unchecked Sendable {
    // @unchecked: `units` is only touched with `lock` held.
    private var lock = pthread_mutex_t()
    private var changed = pthread_cond_t()
    private var units: Int

    public init(value: Int) {
        units = value
        pthread_mutex_init(&lock, nil)
        pthread_cond_init(&changed, nil)
    }

    deinit {
        pthread_cond_destroy(&changed)
        pthread_mutex_destroy(&lock)
    }

    public func wait() {
        pthread_mutex_lock(&lock)
        while units == 0 { pthread_cond_wait(&changed, &lock) }
        units -= 1
        pthread_mutex_unlock(&lock)
    }

    public func signal() {
        pthread_mutex_lock(&lock)
        units += 1
        pthread_cond_signal(&changed)
        pthread_mutex_unlock(&lock)
    }
}

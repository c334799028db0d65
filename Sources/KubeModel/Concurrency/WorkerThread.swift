#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A POSIX thread running one closure, to be joined once. Every thread Gatehouse's own code starts (the list
/// skim, the evaluating workers, the report writer) is started here; the server's event loops are its own.
///
/// Plain POSIX threads: the work is CPU-bound parsing, evaluating and formatting, and starting a thread costs
/// microseconds where a cold async runtime or Foundation would cost milliseconds of start-up. A system may
/// refuse a thread; every caller then does the work on its own thread, so no result depends on one starting.
public struct WorkerThread: @unchecked Sendable {
    // @unchecked: a pthread_t is an identifier; joining it is the only use made of it.
    private let thread: pthread_t

    /// Starts `body` on a new thread; `nil` when the system refuses one.
    public static func start(_ body: @escaping @Sendable () -> Void) -> WorkerThread? {
        let box = Unmanaged.passRetained(WorkBox(body)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            Unmanaged<WorkBox>.fromOpaque(raw!).takeRetainedValue().work()
            return nil
        }, box)
        guard started == 0 else {
            Unmanaged<WorkBox>.fromOpaque(box).release()
            return nil
        }
        return WorkerThread(thread: thread)
    }

    /// Waits for the closure to return. Everything it wrote is visible to the caller afterwards.
    public func join() {
        pthread_join(thread, nil)
    }
}

private final class WorkBox: @unchecked Sendable {
    let work: @Sendable () -> Void
    init(_ work: @escaping @Sendable () -> Void) { self.work = work }
}

/// A value computed on a thread of its own while the caller does something else.
public final class BackgroundWork<Value>: @unchecked Sendable {
    // @unchecked: `value` is written by the worker before it ends and read after it is joined.
    private var value: Value?
    private var thread: WorkerThread?

    private init() {}

    /// Starts computing `body` on another thread; `nil` when no thread can be started (the caller then computes
    /// it itself).
    public static func start(_ body: @escaping @Sendable () -> Value) -> BackgroundWork? {
        let work = BackgroundWork()
        guard let thread = WorkerThread.start({ work.value = body() }) else { return nil }
        work.thread = thread
        return work
    }

    /// Waits for the value and hands it over (call once: the work keeps no reference to it).
    public func wait() -> Value {
        thread?.join()
        thread = nil
        return value.take()!
    }
}

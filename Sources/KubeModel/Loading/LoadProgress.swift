import Synchronization

/// How far a long audit has read, for a progress line: bytes of input parsed and objects handed over,
/// counted by the loaders as they go (every 8 MB of a file, and at each file's end) and read by a reporter
/// on another thread.
public final class LoadProgress: Sendable {
    private let bytesRead = Atomic<Int>(0)
    private let objectsRead = Atomic<Int>(0)

    public init() {}

    public var bytes: Int { bytesRead.load(ordering: .relaxed) }
    public var objects: Int { objectsRead.load(ordering: .relaxed) }

    public func add(bytes: Int) {
        if bytes > 0 { bytesRead.add(bytes, ordering: .relaxed) }
    }

    public func add(objects: Int) {
        if objects > 0 { objectsRead.add(objects, ordering: .relaxed) }
    }
}

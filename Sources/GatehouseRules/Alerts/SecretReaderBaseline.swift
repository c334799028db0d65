import Synchronization

/// Which identities have read secrets in which namespace: the memory of alert-secret-read-unusual.
///
/// It holds at most `capacity` readers (an identity in a namespace) and never grows past that: once full, a
/// new reader is judged but not remembered, and ``Sighting/filledUp`` tells the first time so (once per
/// memory). Every call takes one lock, so one memory may serve the sink's worker and admission together.
///
/// Learning: `learningPeriod` seconds of event time from the first event given to ``startClock(at:)`` or
/// ``sight(_:at:)``; a reader sighted before it ends is learned, one sighted after it is unusual once and
/// learned then. Without a learning period (`nil`: an exported baseline judges instead) every new reader is
/// unusual once.
public final class SecretReaderBaseline: Sendable {
    /// An identity (the effective user name, as the API server records it) reading secrets in a namespace
    /// (empty: across all namespaces).
    public struct Reader: Hashable, Sendable {
        public let identity: String
        public let namespace: String

        public init(identity: String, namespace: String) {
            self.identity = identity
            self.namespace = namespace
        }
    }

    /// What the memory makes of a read.
    public struct Sighting: Equatable, Sendable {
        public enum Verdict: Equatable, Sendable {
            /// Within the learning period: remembered (if there is room), not judged.
            case learning(until: Double)
            /// Seen before (in this namespace, or across all namespaces).
            case known
            /// Not seen before, after the learning period.
            case unusual
        }

        public let verdict: Verdict
        /// The memory refused this reader for lack of room, for the first time.
        public let filledUp: Bool
    }

    struct State {
        var clockStart: Double?
        /// The latest event time seen: the moment an event without a time is taken to happen.
        var latest: Double?
        var readers: Set<Reader> = []
        var reportedFull = false

        func knows(_ reader: Reader) -> Bool {
            readers.contains(reader) || readers.contains(Reader(identity: reader.identity, namespace: ""))
        }
    }

    public let learningPeriod: Double?
    public let capacity: Int
    private let state = Mutex(State())

    public init(learningPeriod: Double?, capacity: Int) {
        self.learningPeriod = learningPeriod
        self.capacity = capacity
    }

    /// Whether the learning clock still waits for its first event.
    public var waitsForClock: Bool {
        learningPeriod != nil && state.withLock { $0.clockStart == nil }
    }

    /// Starts the learning clock at `time`, unless it runs already or `time` is unknown.
    public func startClock(at time: Double?) {
        guard learningPeriod != nil, let time else { return }
        state.withLock { state in
            if state.clockStart == nil {
                state.clockStart = time
                state.latest = max(state.latest ?? time, time)
            }
        }
    }

    /// Judges a read by `reader` at `time` (event time, seconds since 1970; `nil` when the event has none, which
    /// counts as the latest moment the clock knows) and remembers the reader when there is room.
    public func sight(_ reader: Reader, at time: Double?) -> Sighting {
        state.withLock { state in
            if state.knows(reader) {
                return Sighting(verdict: .known, filledUp: false)
            }
            var verdict = Sighting.Verdict.unusual
            if let learningPeriod {
                if let time {
                    state.clockStart = state.clockStart ?? time
                    state.latest = max(state.latest ?? time, time)
                }
                let end = (state.clockStart ?? .infinity) + learningPeriod
                if (time ?? state.latest ?? -.infinity) < end { verdict = .learning(until: end) }
            }
            guard state.readers.count < capacity else {
                defer { state.reportedFull = true }
                return Sighting(verdict: verdict, filledUp: !state.reportedFull)
            }
            state.readers.insert(reader)
            return Sighting(verdict: verdict, filledUp: false)
        }
    }

    /// Whether `reader` is remembered (in its namespace, or across all namespaces); learns nothing.
    public func knows(_ reader: Reader) -> Bool {
        state.withLock { $0.knows(reader) }
    }

    /// How many readers the memory holds.
    public var count: Int { state.withLock { $0.readers.count } }
}

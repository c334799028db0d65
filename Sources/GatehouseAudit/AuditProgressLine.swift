#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KubeModel
import Synchronization

/// The progress line a long audit keeps on standard error while it reads: objects read, megabytes read of
/// the inputs' total, the rate, and the time left at that rate:
///
///     gatehouse: 412,031 objects · 512 of 1,254 MB · 98.4 MB/s · about 8 s left
///
/// Redrawn twice a second in place (a carriage return, no newline), shown only after the first second so a
/// short audit prints nothing, and erased when the reading ends. The caller decides whether to show it at
/// all: only when standard error is a terminal and `--quiet` is not given.
public final class AuditProgressLine: Sendable {
    private let progress: LoadProgress
    private let totalBytes: Int
    private let descriptor: Int32
    private let stopped = Atomic<Bool>(false)
    private let thread: Mutex<WorkerThread?> = Mutex(nil)

    /// `totalBytes`: the inputs' combined size (0 when unknown, as for standard input: no ETA then).
    public init(progress: LoadProgress, totalBytes: Int, descriptor: Int32 = 2) {
        self.progress = progress
        self.totalBytes = totalBytes
        self.descriptor = descriptor
    }

    public func start() {
        let started = Self.seconds()
        let worker = WorkerThread.start { [self] in
            var shown = false
            while !stopped.load(ordering: .relaxed) {
                usleep(100_000)
                let elapsed = Self.seconds() - started
                // A redraw every half second, from the first second on.
                guard elapsed >= 1, Int(elapsed * 10) % 5 == 0 else { continue }
                write("\r" + Self.line(bytes: progress.bytes, objects: progress.objects, total: totalBytes, elapsed: elapsed) + "\u{1B}[K")
                shown = true
            }
            if shown { write("\r\u{1B}[K") }
        }
        thread.withLock { $0 = worker }
    }

    /// Stops redrawing and erases the line; returns once it is gone.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        thread.withLock { $0?.join(); $0 = nil }
    }

    /// The line's text (without the carriage return).
    static func line(bytes: Int, objects: Int, total: Int, elapsed: Double) -> String {
        let megabytes = Double(bytes) / 1_000_000
        let rate = elapsed > 0 ? megabytes / elapsed : 0
        var parts = ["gatehouse: \(grouped(objects)) objects"]
        parts.append(total > 0 ? "\(grouped(Int(megabytes))) of \(grouped(total / 1_000_000)) MB" : "\(grouped(Int(megabytes))) MB")
        parts.append("\(Double(Int(rate * 10)) / 10) MB/s")
        if total > 0, rate > 0, bytes < total {
            let left = Double(total - bytes) / 1_000_000 / rate
            parts.append("about \(left < 60 ? "\(Int(left.rounded(.up))) s" : "\(Int((left / 60).rounded(.up))) min") left")
        }
        return parts.joined(separator: " · ")
    }

    /// `1,254,003`.
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    private func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = Glibc.write(descriptor, $0.baseAddress, $0.count) }
    }

    private static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall and CPU time per phase of an audit, for `gatehouse audit --timings`: where a slow audit spends its
/// time (reading and evaluating, the cross-object analysis, ordering the findings, writing the report), without
/// a profiler.
///
/// CPU time is the whole process's (every thread), so a phase that keeps two cores busy shows about twice its
/// wall time. The peak is the process's largest resident size so far, so the phase where it grows is the one
/// that needs the memory.
public final class PhaseClock: @unchecked Sendable {
    // @unchecked: marked only from the thread that runs the audit, between parallel sections.
    public struct Phase: Sendable {
        public let name: String
        public let wall: Double
        public let cpu: Double
        /// Peak resident memory of the process up to the end of the phase, in bytes.
        public let peakBytes: Int
    }

    public private(set) var phases: [Phase] = []
    private var lastWall: Double
    private var lastCPU: Double

    public init() {
        lastWall = Self.now(CLOCK_MONOTONIC)
        lastCPU = Self.now(CLOCK_PROCESS_CPUTIME_ID)
    }

    /// Ends the current phase, naming it, and starts the next.
    public func mark(_ name: String) {
        let wall = Self.now(CLOCK_MONOTONIC)
        let cpu = Self.now(CLOCK_PROCESS_CPUTIME_ID)
        phases.append(Phase(name: name, wall: wall - lastWall, cpu: cpu - lastCPU, peakBytes: Self.peakResidentBytes()))
        lastWall = wall
        lastCPU = cpu
    }

    /// One line per phase and a total, aligned, e.g.
    /// `  cross-object analysis     0.412 s wall   0.409 s CPU    612 MiB peak`.
    public var summary: String {
        let width = phases.map(\.name.count).max() ?? 0
        var lines = ["timings:"]
        func line(_ name: String, _ wall: Double, _ cpu: Double, _ peak: Int) -> String {
            let pad = String(repeating: " ", count: width - name.count)
            let mib = String(peak >> 20)
            return "  \(name)\(pad)  \(Self.seconds(wall)) s wall  \(Self.seconds(cpu)) s CPU  "
                + "\(String(repeating: " ", count: max(0, 5 - mib.count)))\(mib) MiB peak"
        }
        for phase in phases { lines.append(line(phase.name, phase.wall, phase.cpu, phase.peakBytes)) }
        lines.append(line(
            "total", phases.reduce(0) { $0 + $1.wall }, phases.reduce(0) { $0 + $1.cpu }, phases.last?.peakBytes ?? 0))
        return lines.joined(separator: "\n") + "\n"
    }

    private static func seconds(_ value: Double) -> String {
        let millis = Int((value * 1000).rounded())
        let text = "\(millis / 1000).\(String(repeating: "0", count: 3 - String(millis % 1000).count))\(millis % 1000)"
        return String(repeating: " ", count: max(0, 7 - text.count)) + text
    }

    private static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)  // bytes on Darwin
        #endif
    }

    private static func now(_ clock: clockid_t) -> Double {
        var t = timespec()
        clock_gettime(clock, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

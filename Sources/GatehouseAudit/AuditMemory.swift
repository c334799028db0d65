#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How an audit keeps its peak memory down: the one place that decides, by the audit's size, what runs at the
/// same time and when freed memory is handed back to the system.
///
/// Up to ``largestAuditDoneAlongside`` objects, work that would raise a large audit's peak memory is done at
/// the same time as other work: the cross-object analysis while the per-object findings are sorted, and each
/// cross-object rule's storing of its findings while the index is still held. Beyond (a million objects), it
/// takes turns, which keeps the peak under 1 GiB, and after each step that freed much (the parsed trees, the
/// cluster index, the arrays a merge outgrew) the freed memory is handed back before the next step allocates.
struct AuditMemory {
    /// Objects up to which an audit does memory-raising work alongside other work, and does not hand memory
    /// back between steps.
    static let largestAuditDoneAlongside = 300_000

    /// Objects the audit has read.
    let objectCount: Int

    /// Whether work that raises the peak memory may run alongside other work.
    var worksAlongside: Bool { objectCount <= Self.largestAuditDoneAlongside }

    /// After a step that freed much: hands the freed memory back when the audit is too large to work alongside.
    func handBackFreed() {
        if !worksAlongside { Self.giveBack() }
    }

    /// Hands memory the audit has freed back to the system.
    ///
    /// A big audit frees many small blocks (parsed trees, the cluster index) that were allocated between its
    /// long-lived ones (the findings). The allocator keeps such holes, in every thread's arena, as resident
    /// memory; on a million objects they are hundreds of megabytes that the report's sorting would otherwise add
    /// to.
    private static func giveBack() {
        #if canImport(Glibc)
        // glibc's malloc_trim, looked up at run time: Swift's Glibc module does not import <malloc.h>, and
        // another C library simply has none.
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        }
        // jemalloc (the container image's allocator) keeps freed pages until they decay, seconds later: purging
        // every arena (4096 is MALLCTL_ARENAS_ALL) hands them back now. Absent under glibc's malloc.
        typealias Control = @convention(c) (
            UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutableRawPointer?, Int
        ) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallctl") {
            _ = unsafeBitCast(symbol, to: Control.self)("arena.4096.purge", nil, nil, nil, 0)
        }
        #endif
    }
}

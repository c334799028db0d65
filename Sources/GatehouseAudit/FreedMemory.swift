#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hands memory the audit has freed back to the system.
///
/// A big audit frees many small blocks (parsed trees, the cluster index) that were allocated between its
/// long-lived ones (the findings). The allocator keeps such holes, in every thread's arena, as resident memory;
/// on a million objects they are hundreds of megabytes that the report's sorting would otherwise add to.
enum FreedMemory {
    static func giveBack() {
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

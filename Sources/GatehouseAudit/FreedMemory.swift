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
        #endif
    }
}

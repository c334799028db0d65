#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KubeModel

/// All of standard input, read before the workers start: it can be read only once, and an audit that collects
/// namespaces first reads every input twice. (Files are read by KubeModel's loader, memory-mapped.)
final class InputBytes {
    private let base: UnsafeMutableRawPointer?
    private let count: Int

    private init(base: UnsafeMutableRawPointer?, count: Int) {
        self.base = base
        self.count = count
    }

    deinit {
        guard let base else { return }
        free(base)
    }

    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : count))
    }

    /// Reads all of standard input (or the descriptor standing for it).
    static func readStandardInput(_ descriptor: Int32) -> Result<InputBytes, LoadError> {
        readAll(descriptor: descriptor, name: "-")
    }

    private static func readAll(descriptor: Int32, name: String) -> Result<InputBytes, LoadError> {
        var capacity = 1 << 16
        var count = 0
        guard var buffer = malloc(capacity) else {
            return .failure(LoadError(file: name, position: .unknown, message: "out of memory"))
        }
        while true {
            if count == capacity {
                capacity *= 2
                guard let grown = realloc(buffer, capacity) else {
                    free(buffer)
                    return .failure(LoadError(file: name, position: .unknown, message: "out of memory"))
                }
                buffer = grown
            }
            let n = Glibc.read(descriptor, buffer + count, capacity - count)
            if n < 0 {
                if errno == EINTR { continue }
                let message = InputWalker.errnoMessage(errno)
                free(buffer)
                return .failure(LoadError(file: name, position: .unknown, message: message))
            }
            if n == 0 { break }
            count += n
        }
        return .success(InputBytes(base: buffer, count: count))
    }
}

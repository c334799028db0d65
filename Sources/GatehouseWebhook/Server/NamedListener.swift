import Foundation
import NIOCore
import ServiceLifecycle
import Synchronization

/// Why a listener could not start: the socket error, with the address and port it was for.
public struct ListenerStartError: Error, Sendable, CustomStringConvertible {
    /// `https`, `http` or `metrics`.
    public var listener: String
    public var host: String
    public var port: Int
    /// The underlying error (`Address already in use (errno: 98)`, a name that does not resolve...).
    public var underlying: any Error

    public var description: String {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let hint = (underlying as? IOError)?.errnoCode == EADDRINUSE
            ? " (another process listens there: stop it or choose another port)" : ""
        return "cannot listen on \(address) for \(listener): \(underlying)\(hint)"
    }
}

/// A listener (a Hummingbird `Application`) whose start-up failure names its address and port: the error
/// from `bind(2)` or name resolution alone names neither, and `serve` opens up to two listeners.
///
/// An error thrown before the listener reports itself running is a start-up failure; later errors pass
/// through unchanged.
struct NamedListener: Service {
    let listener: String
    let host: String
    let port: Int
    let running: Running
    let base: any Service

    /// Set by the listener's `onServerRunning` once it is bound.
    final class Running: Sendable {
        private let value = Atomic<Bool>(false)

        func markRunning() { value.store(true, ordering: .releasing) }
        var isRunning: Bool { value.load(ordering: .acquiring) }
    }

    func run() async throws {
        do {
            try await base.run()
        } catch where !running.isRunning {
            throw ListenerStartError(listener: listener, host: host, port: port, underlying: error)
        }
    }
}

import Foundation
import Synchronization

/// What `GET /readyz` reports: ready while a policy is loaded, the serving certificate is inside its validity
/// period, the HTTPS listener has room for another connection, and the server is not draining.
public final class Readiness: Sendable {
    private let draining = Atomic<Bool>(false)
    let store: CertificateStore?
    let connections: ConnectionLedger?

    /// `store`: the serving certificate to check, `nil` when the listener has none (plain HTTP in tests).
    /// `connections`: the HTTPS listener's open connections, `nil` when not counted.
    public init(store: CertificateStore?, connections: ConnectionLedger? = nil) {
        self.store = store
        self.connections = connections
    }

    /// Set on SIGTERM, before the listener stops: the Service's endpoints drop this pod while requests finish.
    public func startDraining() {
        draining.store(true, ordering: .relaxed)
    }

    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// `nil` when ready, else the reason it is not.
    public func problem(now: Date = Date()) -> String? {
        if isDraining { return "shutting down" }
        if let cert = store?.current, !cert.isValid(at: now) {
            return "serving certificate is not valid now (valid \(cert.notValidBefore) to \(cert.notValidAfter))"
        }
        if let connections, connections.isFull {
            return "the listener is full: \(connections.openConnections) connections open, the most it serves at once is \(connections.maxConnections)"
        }
        return nil
    }
}

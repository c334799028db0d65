import Foundation
import Synchronization

/// What `GET /readyz` reports: ready while a policy is loaded, the serving certificate is inside its validity
/// period, and the server is not draining.
public final class Readiness: Sendable {
    private let draining = Atomic<Bool>(false)
    let store: CertificateStore?

    /// `store`: the serving certificate to check, `nil` when the listener has none (plain HTTP in tests).
    public init(store: CertificateStore?) {
        self.store = store
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
        return nil
    }
}

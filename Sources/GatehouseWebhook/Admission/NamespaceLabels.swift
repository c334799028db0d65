import GatehouseRules
import KubeModel
import Synchronization

/// The pod-security labels of the namespaces this webhook has admitted, so that under the `pss-*` profiles a
/// pod is judged at the level and version its namespace enforces, as Pod Security Admission does.
///
/// The webhook has no API client: it learns a namespace only when the API server sends it a Namespace CREATE or
/// UPDATE (the chart registers namespaces for that) and forgets it on DELETE. Until a namespace has been seen
/// since the webhook started, its pods are judged at the policy's profile level and version.
public final class NamespaceLabels: Sendable {
    private let labels = Mutex<[String: [String: String]]>([:])

    public init() {}

    /// Records an admitted Namespace's labels.
    func record(_ namespace: KubeObject) {
        guard namespace.kind == "Namespace", namespace.group == "", !namespace.name.isEmpty else { return }
        let current = namespace.labels
        labels.withLock { $0[namespace.name] = current }
    }

    func forget(_ name: String) {
        _ = labels.withLock { $0.removeValue(forKey: name) }
    }

    /// The Pod Security level and version pods in `namespace` are enforced at: the namespace's
    /// `pod-security.kubernetes.io/enforce(-version)` labels when it has been seen with some, else `defaults`.
    func podSecurity(in namespace: String?, defaults: PSSContext) -> PSSContext {
        guard let namespace, let known = labels.withLock({ $0[namespace] }), PSSNamespacePolicy.hasLabels(known) else {
            return defaults
        }
        let base = PSSNamespacePolicy(enforce: defaults, audit: defaults, warn: defaults)
        return PSSNamespacePolicy.parse(labels: known, defaults: base).policy.enforce
    }
}

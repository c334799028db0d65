/// One step in the chain of objects that proves a cross-object finding, e.g.
/// `Service shop/web (LoadBalancer) → Deployment shop/web → ServiceAccount shop/web → ClusterRoleBinding x →
/// ClusterRole y rules[0]`.
public struct ChainLink: Sendable, Hashable, CustomStringConvertible {
    /// The object of this step.
    public var object: ObjectRef
    /// What this step contributes, e.g. `type LoadBalancer, selector app=web` or `rules[0]: get, list on secrets`.
    public var detail: String

    public init(object: ObjectRef, detail: String) {
        self.object = object
        self.detail = detail
    }

    public var description: String { detail.isEmpty ? object.displayName : "\(object.displayName) (\(detail))" }
}

import GatehouseRules
import KubeModel

extension Engine {
    /// An engine with the same policy (severities, actions, parameters, namespace settings, exemptions) that
    /// runs only this engine's rules whose description passes `include`. Built once (the webhook keeps the
    /// rules that judge DELETE requests this way), never per object.
    ///
    /// Throws only what building this engine would have thrown (a rule rejecting its parameters), which has
    /// already happened by the time an engine exists.
    public func restricted(to include: (RuleDescription) -> Bool) throws -> Engine {
        try Engine(policy: policy, rules: active.map { type(of: $0.rule) }.filter { include($0.description) })
    }

    /// Whether any rule of this engine reads objects like `object` (its ``Scope`` applies), so a caller can
    /// skip an evaluation that cannot find anything.
    public func hasRule(applyingTo object: KubeObject) -> Bool {
        let template = PodTemplate(of: object)
        return active.contains { $0.scope.applies(to: object, template: template) }
    }
}

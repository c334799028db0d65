import GatehouseEngine
import GatehouseRules

extension Policy {
    /// The default policy with every rule but `pod-privileged` off, so a test controls exactly which findings
    /// a manifest produces and the webhook's mechanics are tested apart from the catalogue.
    static var onlyPrivileged: Policy {
        var policy = Policy()
        for id in Registry.ids where id != "pod-privileged" {
            policy.rules[id] = RuleSettings(action: .off)
        }
        if policy.rules["pod-privileged"] == nil { policy.rules["pod-privileged"] = RuleSettings(action: .deny) }
        return policy
    }
}

import KubeModel

/// Shared parts of the RBAC rules: which roles and bindings are Kubernetes' own, the `includeSystem` parameter
/// that decides whether they are checked, and the walk over a role's rules.
enum RoleChecks {
    static let includeSystemParameter = RoleChecks.includeSystemParameter(
        describing: "Also check Kubernetes' own roles and bindings (labelled `kubernetes.io/bootstrapping: rbac-defaults` with a default's name; roles granting no more than the default, bindings with its role and subjects).")

    /// The `includeSystem` parameter of rules that check bindings only.
    static let includeSystemBindingsParameter = RoleChecks.includeSystemParameter(
        describing: "Also check Kubernetes' own bindings (labelled rbac-defaults, with a default's name, role and subjects).")

    /// The `includeSystem` parameter, described in the words of a rule that checks one kind of object only.
    static func includeSystemParameter(describing doc: String) -> ParameterSpec {
        ParameterSpec("includeSystem", .bool, default: "false", doc)
    }

    /// The `includeSystem` parameter's value: whether ``isBuiltIn(_:)`` roles and bindings are checked too.
    static func includeSystem(_ parameters: RuleParameters) -> Bool {
        parameters.bool("includeSystem", default: false)
    }

    /// Kubernetes' own roles and bindings: labelled `kubernetes.io/bootstrapping: rbac-defaults` and named as one
    /// of the defaults the API server creates (``KubernetesDefaults``); a role must also grant no more than the
    /// default, and a binding grant the default role to no subject but the default ones. A `system:` name alone, or the label on another name, proves
    /// nothing: anyone who may create RBAC objects can choose both. The per-object rules and the cluster index
    /// both ask this.
    static func isBuiltIn(_ object: KubeObject) -> Bool {
        KubernetesDefaults.contains(object)
    }

    static let roleKinds: Scope = .kinds(["Role", "ClusterRole"])
    static let bindingKinds: Scope = .kinds(["RoleBinding", "ClusterRoleBinding"])

    /// Reports each rule entry of `object` that grants some verbs of `permissions`, once per entry, at `rules[i]`,
    /// at `severity` (`nil`: the rule's default). The message names the verbs and resources granted, in the
    /// order of `permissions`.
    static func reportGrants(
        _ object: KubeObject, _ context: inout CheckContext, includeSystem: Bool, permissions: [Permission],
        severity: Severity? = nil, reason: @autoclosure () -> String
    ) {
        guard includeSystem || !isBuiltIn(object) else { return }
        for (rule, value) in context.policyRules() {
            let granted = grants(rule, permissions)
            guard !granted.isEmpty else { continue }
            context.report(
                "\(reason()): rules[\(rule.index)] grants \(granted)", path: "rules[\(rule.index)]", at: value,
                severity: severity)
        }
    }

    /// `get, list on secrets; create on pods/exec`, or empty when nothing is granted.
    static func grants(_ rule: PolicyRule, _ permissions: [Permission]) -> String {
        var parts: [String] = []
        for permission in permissions {
            let verbs = permission.granted(by: rule)
            guard !verbs.isEmpty else { continue }
            // Granted verbs keep the permission's order, so all of them read as the permission's own text.
            let text = verbs.count == permission.verbs.count ? permission.text : Permission.text(verbs, on: permission.resource)
            // A handful of parts at most: a linear search is cheaper than hashing.
            if !parts.contains(text) { parts.append(text) }
        }
        return parts.joined(separator: "; ")
    }

    /// Subjects of a binding with their index, as `Kind:name` (`ServiceAccount:ns:name` for service accounts).
    static func subjects(of object: KubeObject) -> [(text: String, kind: String, name: String, value: Value, index: Int)] {
        guard let list = object.root["subjects"], list.isSequence else { return [] }
        return list.items.enumerated().compactMap { i, item in
            guard let kind = item["kind"]?.string, let name = item["name"]?.string else { return nil }
            var text = "\(kind):\(name)"
            if kind == "ServiceAccount" {
                text = "ServiceAccount:\(item["namespace"]?.string ?? object.namespace ?? ""):\(name)"
            }
            return (text, kind, name, item, i)
        }
    }
}

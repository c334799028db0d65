import GatehouseRules
import KubeModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Policy {
    /// The `apiVersion` a policy file declares.
    public static let apiVersion = "gatehouse.io/v1"
    /// The `kind` a policy file declares.
    public static let kind = "Policy"

    /// Reads and validates the policy file at `path`.
    ///
    /// Throws ``PolicyError`` listing every problem, each with the file's line and column and, for a
    /// misspelt name, the closest valid one. Nothing is ignored: an unknown key anywhere is an error.
    /// `rules` and `crossObjectRules` (and the alert rules, see ``parse(_:file:rules:crossObjectRules:alertRules:)``)
    /// are the catalogue rule ids and parameters are checked against (the
    /// registries by default): a policy may configure per-object and cross-object rules alike.
    public static func load(
        contentsOf path: String, rules: [any Rule.Type] = Registry.rules,
        crossObjectRules: [any CrossObjectRule.Type] = CrossObjectRegistry.rules
    ) throws(PolicyError) -> Policy {
        guard let text = readFile(path) else {
            let reason = String(cString: strerror(errno))
            throw PolicyError(
                file: path,
                problems: [PolicyProblem(position: .unknown, message: "cannot read the policy file: \(reason)")])
        }
        return try parse(text, file: path, rules: rules, crossObjectRules: crossObjectRules)
    }

    /// Parses and validates a policy from YAML text; `file` names it in messages.
    /// See ``load(contentsOf:rules:crossObjectRules:)``.
    public static func parse(
        _ text: String, file: String = "policy.yaml", rules: [any Rule.Type] = Registry.rules,
        crossObjectRules: [any CrossObjectRule.Type] = CrossObjectRegistry.rules,
        alertRules: [any AlertRule.Type] = AlertRegistry.rules,
        dockerAlertRules: [any DockerAlertRule.Type] = DockerAlertRegistry.rules
    ) throws(PolicyError) -> Policy {
        var copy = text
        var documents: [Tree] = []
        let problem = copy.withUTF8 { buffer in
            YAMLLoader.load(UnsafeRawBufferPointer(buffer)) { tree, _ in documents.append(tree) }
        }
        if let problem {
            throw PolicyError(file: file, problems: [PolicyProblem(position: problem.position, message: problem.message)])
        }
        let nonEmpty = documents.filter { !$0.root.isNull }
        guard let tree = nonEmpty.first else {
            throw PolicyError(
                file: file,
                problems: [
                    PolicyProblem(
                        position: .unknown,
                        message: "the policy file is empty; it needs at least apiVersion: \(apiVersion) and kind: \(kind)")
                ])
        }
        if nonEmpty.count > 1 {
            throw PolicyError(
                file: file,
                problems: [
                    PolicyProblem(
                        position: nonEmpty[1].root.position,
                        message: "the policy file holds \(nonEmpty.count) documents; put the whole policy in one")
                ])
        }
        let catalogue =
            rules.map { type in CataloguedRule(description: type.description) { _ = try type.init(parameters: $0) } }
            + crossObjectRules.map { type in CataloguedRule(description: type.description) { _ = try type.init(parameters: $0) } }
            + alertRules.map { type in CataloguedRule(description: type.description) { _ = try type.init(parameters: $0) } }
            + dockerAlertRules.map { type in CataloguedRule(description: type.description) { _ = try type.init(parameters: $0) } }
        var reader = PolicyReader(catalog: catalogue)
        var policy = reader.read(tree.root)
        policy.file = file
        policy.warnings = policy.settingsWithoutEffect(rules: rules, crossObjectRules: crossObjectRules)
        if !reader.problems.isEmpty {
            let sorted = reader.problems.enumerated().sorted {
                ($0.element.position, $0.offset) < ($1.element.position, $1.offset)
            }.map(\.element)
            throw PolicyError(file: file, problems: sorted)
        }
        return policy
    }

    /// Settings for rules the profile leaves off and the policy does not turn on: valid (another profile may
    /// be chosen on the command line) but without effect as written, in file order. ``load(contentsOf:rules:crossObjectRules:)``
    /// stores them in ``warnings`` for the policy's own profile; a caller that changes ``profile`` asks again.
    public func settingsWithoutEffect(
        rules catalogue: [any Rule.Type] = Registry.rules,
        crossObjectRules: [any CrossObjectRule.Type] = CrossObjectRegistry.rules
    ) -> [PolicyProblem] {
        var descriptions: [String: RuleDescription] = [:]
        for type in catalogue { descriptions[type.description.id] = type.description }
        for type in crossObjectRules { descriptions[type.description.id] = type.description }
        var result: [PolicyProblem] = []
        for (id, settings) in rules where settings.action == nil {
            guard let description = descriptions[id], action(for: description) == nil else { continue }
            result.append(
                PolicyProblem(
                    position: settings.position,
                    message: "rule \"\(id)\" is not in profile \(profile.rawValue), so its settings have no effect; "
                        + "add action: to turn it on"))
        }
        return result.sorted { $0.position < $1.position }
    }

    private static func readFile(_ path: String) -> String? {
        guard let handle = fopen(path, "rb") else { return nil }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                if ferror(handle) != 0 { return nil }
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A rule a policy may configure: its description (id, parameters) and a way to build it from parameters,
/// whichever protocol (per-object or cross-object) it implements.
struct CataloguedRule {
    let description: RuleDescription
    let build: (RuleParameters) throws -> Void
}

/// Walks a policy document, building the ``Policy`` and collecting every problem on the way.
struct PolicyReader {
    let ruleIDs: [String]
    let specs: [String: CataloguedRule]
    /// The alert rules' ids: the only rules whose verdicts have an actor for `users` and `groups` to match.
    let alertRuleIDs: [String]
    var problems: [PolicyProblem] = []

    init(catalog: [CataloguedRule]) {
        self.ruleIDs = catalog.map(\.description.id).sorted()
        self.alertRuleIDs = catalog.filter { $0.description.category == .alerts }.map(\.description.id)
        var specs: [String: CataloguedRule] = [:]
        for rule in catalog { specs[rule.description.id] = rule }
        self.specs = specs
    }

    mutating func fail(_ position: SourcePosition, _ message: String) {
        problems.append(PolicyProblem(position: position, message: message))
    }

    // MARK: Document

    static let topLevelKeys = [
        "apiVersion", "kind", "profile", "pssVersion", "failOn", "excludedNamespaces", "annotationExemptions",
        "podTemplates", "namespaceLimits", "admission", "rules", "exemptions", "vulnerabilities",
    ]

    mutating func read(_ root: Value) -> Policy {
        var policy = Policy()
        guard let fields = mapping(root, keys: Self.topLevelKeys, in: "the policy") else { return policy }

        if let v = fields["apiVersion"] {
            if v.string != Policy.apiVersion {
                fail(v.position, "apiVersion must be \(Policy.apiVersion), found \(describe(v))")
            }
        } else {
            fail(root.position, "missing apiVersion: \(Policy.apiVersion)")
        }
        if let v = fields["kind"] {
            if v.string != Policy.kind { fail(v.position, "kind must be \(Policy.kind), found \(describe(v))") }
        } else {
            fail(root.position, "missing kind: \(Policy.kind)")
        }
        if let v = fields["profile"], let profile = enumValue(v, Profile.self, what: "profile") {
            policy.profile = profile
        }
        if let v = fields["pssVersion"], let text = scalar(v, what: "pssVersion") {
            if PSSVersion.parse(text) != nil {
                policy.pssVersion = text
            } else {
                fail(v.position, "pssVersion must be \"latest\" or \"v1.<minor>\" (e.g. v1.30), found \"\(text)\"")
            }
        }
        if let v = fields["failOn"], let severity = enumValue(v, Severity.self, what: "severity") {
            policy.failOn = severity
        }
        if let v = fields["excludedNamespaces"], let list = strings(v, what: "excludedNamespaces") {
            policy.excludedNamespaces = list.compactMap { namespaceGlob($0.text, at: $0.position) }.map(\.pattern)
        }
        if let v = fields["annotationExemptions"] {
            policy.annotationExemptions = annotationExemptions(v)
        }
        if let v = fields["podTemplates"], let f = mapping(v, keys: ["action"], in: "podTemplates") {
            if let a = f["action"] { policy.templateAction = enumValue(a, Action.self, what: "action") }
        }
        if let v = fields["namespaceLimits"] {
            policy.namespaceLimits = namespaceLimits(v)
        }
        if let v = fields["admission"],
            let f = mapping(v, keys: ["exemptUsers", "exemptGroups", "exemptNamespaces"], in: "admission")
        {
            if let users = f["exemptUsers"].flatMap({ strings($0, what: "exemptUsers") }) {
                policy.exemptUsers = users.compactMap { identityGlob($0.text, at: $0.position, what: "user") }.map(\.pattern)
            }
            if let groups = f["exemptGroups"].flatMap({ strings($0, what: "exemptGroups") }) {
                policy.exemptGroups = groups.compactMap { identityGlob($0.text, at: $0.position, what: "group") }.map(\.pattern)
            }
            if let namespaces = f["exemptNamespaces"].flatMap({ strings($0, what: "exemptNamespaces") }) {
                policy.exemptNamespaces = namespaces.compactMap { namespaceGlob($0.text, at: $0.position) }.map(\.pattern)
            }
        }
        if let v = fields["rules"] {
            policy.rules = ruleSettings(v)
        }
        if let v = fields["vulnerabilities"], !v.isNull {
            vulnerabilities(v, into: &policy)
        }
        if let v = fields["exemptions"] {
            if v.isSequence {
                policy.exemptions = v.items.compactMap { exemption($0) }
            } else if !v.isNull {
                fail(v.position, "exemptions must be a list, found \(describe(v))")
            }
        }
        return policy
    }

    // MARK: Sections

    static let ruleKeys = ["action", "severity", "parameters", "namespaces"]

    mutating func ruleSettings(_ value: Value) -> [String: RuleSettings] {
        var result: [String: RuleSettings] = [:]
        guard value.isMapping else {
            if !value.isNull { fail(value.position, "rules must be a mapping from rule id to settings, found \(describe(value))") }
            return result
        }
        var seen: Set<String> = []
        for (key, body) in value.pairs {
            guard let id = key.string else {
                fail(key.position, "a rule id must be a string")
                continue
            }
            guard seen.insert(id).inserted else {
                fail(key.position, "rule \"\(id)\" is configured twice")
                continue
            }
            guard let type = specs[id] else {
                fail(key.position, unknownRule(id))
                continue
            }
            guard let fields = mapping(body, keys: Self.ruleKeys, in: "rule \"\(id)\"") else { continue }
            var settings = RuleSettings()
            settings.position = key.position
            if let v = fields["action"] { settings.action = enumValue(v, Action.self, what: "action") }
            if let v = fields["severity"] { settings.severity = enumValue(v, Severity.self, what: "severity") }
            if let v = fields["parameters"] {
                let before = problems.count
                parameters(v, of: type)
                settings.parameters = v.isNull ? nil : v
                // Only a rule whose parameters passed the type checks is asked to build itself, so its own
                // checks never see a value of the wrong type.
                if problems.count == before, v.isMapping {
                    build(type, parameters: v)
                }
            }
            if let v = fields["namespaces"] { settings.namespaceActions = namespaceActions(v, rule: id) }
            result[id] = settings
        }
        return result
    }

    mutating func build(_ type: CataloguedRule, parameters: Value) {
        let id = type.description.id
        do {
            try type.build(RuleParameters(parameters))
        } catch let error as ParameterError {
            let position = error.position == .unknown ? parameters.position : error.position
            fail(position, "rule \"\(id)\" parameter \(error.parameter): \(error.message)")
        } catch {
            fail(parameters.position, "rule \"\(id)\" rejects its parameters: \(error)")
        }
    }

    mutating func namespaceActions(_ value: Value, rule id: String) -> [NamespaceAction] {
        guard value.isSequence else {
            fail(value.position, "namespaces must be a list of {match: GLOB, action: ACTION}, found \(describe(value))")
            return []
        }
        var result: [NamespaceAction] = []
        for item in value.items {
            guard let f = mapping(item, keys: ["match", "action"], in: "a namespace override") else { continue }
            guard let m = f["match"] else {
                fail(item.position, "a namespace override needs match: (a namespace glob)")
                continue
            }
            guard let a = f["action"] else {
                fail(item.position, "a namespace override needs action: (deny, warn, audit or off)")
                continue
            }
            let glob = scalar(m, what: "match").flatMap { namespaceGlob($0, at: m.position) }
            let action = enumValue(a, Action.self, what: "action")
            if let glob, let action { result.append(NamespaceAction(match: glob, action: action)) }
        }
        return result
    }

    mutating func namespaceLimits(_ value: Value) -> [NamespaceLimit] {
        guard value.isSequence else {
            fail(value.position, "namespaceLimits must be a list of {match: GLOB, maxAction: ACTION}, found \(describe(value))")
            return []
        }
        var result: [NamespaceLimit] = []
        for item in value.items {
            guard let f = mapping(item, keys: ["match", "maxAction"], in: "a namespace limit") else { continue }
            guard let m = f["match"], let a = f["maxAction"] else {
                fail(item.position, "a namespace limit needs match: (a namespace glob) and maxAction: (deny, warn, audit or off)")
                continue
            }
            let glob = scalar(m, what: "match").flatMap { namespaceGlob($0, at: m.position) }
            let action = enumValue(a, Action.self, what: "action")
            if let glob, let action { result.append(NamespaceLimit(match: glob, maxAction: action)) }
        }
        return result
    }

    mutating func annotationExemptions(_ value: Value) -> AnnotationExemptions {
        var result = AnnotationExemptions()
        guard let f = mapping(value, keys: ["allowed", "rules", "requireReason"], in: "annotationExemptions") else {
            return result
        }
        if let v = f["allowed"], let b = boolean(v, what: "allowed") { result.allowed = b }
        if let v = f["requireReason"], let b = boolean(v, what: "requireReason") { result.requireReason = b }
        if let v = f["rules"], let list = strings(v, what: "rules") {
            result.rules = list.compactMap { ruleGlob($0.text, at: $0.position) }
        }
        return result
    }

    static let exemptionKeys = [
        "rules", "namespaces", "names", "kinds", "labelSelector", "containers", "images", "users", "groups", "reason", "name",
    ]

    mutating func exemption(_ value: Value) -> Exemption? {
        guard let f = mapping(value, keys: Self.exemptionKeys, in: "an exemption") else { return nil }
        var exemption = Exemption(rules: [], position: value.position)
        guard let rulesValue = f["rules"] else {
            fail(value.position, "an exemption needs rules: (rule ids, or [\"*\"] for every rule)")
            return nil
        }
        let before = problems.count
        if let list = strings(rulesValue, what: "rules") {
            exemption.rules = list.compactMap { ruleGlob($0.text, at: $0.position) }
        }
        if let v = f["namespaces"], let list = strings(v, what: "namespaces") {
            exemption.namespaces = list.compactMap { namespaceGlob($0.text, at: $0.position) }
        }
        if let v = f["names"], let list = strings(v, what: "names") {
            exemption.names = list.compactMap { nameGlob($0.text, at: $0.position) }
        }
        if let v = f["kinds"], let list = strings(v, what: "kinds") {
            exemption.kinds = list.compactMap { kind($0.text, at: $0.position) }
        }
        if let v = f["labelSelector"] { exemption.labelSelector = labelSelector(v) }
        if let v = f["containers"], let list = strings(v, what: "containers") {
            exemption.containers = list.compactMap { containerGlob($0.text, at: $0.position) }
        }
        if let v = f["images"], let list = strings(v, what: "images") {
            exemption.images = list.compactMap { image($0.text, at: $0.position) }
        }
        if let v = f["users"], let list = strings(v, what: "users") {
            exemption.users = list.compactMap { userGlob($0.text, at: $0.position) }
        }
        if let v = f["groups"], let list = strings(v, what: "groups") {
            exemption.groups = list.compactMap { identityGlob($0.text, at: $0.position, what: "group") }
        }
        if let v = f["reason"] { exemption.reason = scalar(v, what: "reason") }
        if let v = f["name"] { exemption.name = scalar(v, what: "name") }
        // An empty matcher would match everything, which is never what an exemption that names it means.
        if rulesValue.isSequence && rulesValue.count == 0 {
            fail(rulesValue.position, "rules is empty; name the rules to exempt, or [\"*\"] for every rule")
        }
        for key in ["namespaces", "names", "kinds", "containers", "images", "users", "groups"] {
            if let v = f[key], v.isSequence, v.count == 0 {
                fail(v.position, "\(key) is empty; list at least one entry, or leave the key out to match any")
            }
        }
        if let selector = exemption.labelSelector, selector.isEmpty, let v = f["labelSelector"] {
            fail(v.position, "labelSelector is empty and would match every object; give matchLabels or matchExpressions")
        }
        let matchers = ["namespaces", "names", "kinds", "labelSelector", "containers", "images", "users", "groups"]
        if !matchers.contains(where: { f[$0] != nil }) {
            fail(
                value.position,
                "an exemption needs at least one of namespaces, names, kinds, labelSelector, containers, images, "
                    + "users or groups (to turn a rule off everywhere, set its action to off)")
        }
        // Only alerts have an actor: users and groups on per-object rules alone could never match.
        if let key = ["users", "groups"].first(where: { f[$0] != nil }), !exemption.rules.isEmpty,
            !alertRuleIDs.contains(where: { exemption.covers(rule: $0) })
        {
            fail(
                f[key]!.position,
                "\(key) match the actor of an alert, and this exemption's rules are not alert rules; "
                    + "an object has no actor, so it would never match (name alert-* rules, or drop \(key))")
        }
        return problems.count == before ? exemption : nil
    }

    static let selectorKeys = ["matchLabels", "matchExpressions"]
    static let expressionKeys = ["key", "operator", "values"]
    static let operators = ["In", "NotIn", "Exists", "DoesNotExist"]

    mutating func labelSelector(_ value: Value) -> LabelSelector? {
        guard let f = mapping(value, keys: Self.selectorKeys, in: "labelSelector") else { return nil }
        let before = problems.count
        if let labels = f["matchLabels"], !labels.isMapping {
            fail(labels.position, "matchLabels must be a mapping of label keys to values, found \(describe(labels))")
        }
        if let expressions = f["matchExpressions"] {
            if expressions.isSequence {
                for e in expressions.items {
                    guard let ef = mapping(e, keys: Self.expressionKeys, in: "a matchExpressions entry") else { continue }
                    guard let op = ef["operator"] else {
                        fail(e.position, "a matchExpressions entry needs operator: (In, NotIn, Exists or DoesNotExist)")
                        continue
                    }
                    guard let text = op.string, Self.operators.contains(text) else {
                        fail(op.position, Suggestion.unknown("label selector operator", op.string ?? describe(op), in: Self.operators))
                        continue
                    }
                    if let values = ef["values"] {
                        if text == "Exists" || text == "DoesNotExist" {
                            fail(values.position, "operator \(text) takes no values")
                        } else {
                            _ = strings(values, what: "values")
                        }
                    }
                }
            } else {
                fail(expressions.position, "matchExpressions must be a list, found \(describe(expressions))")
            }
        }
        guard problems.count == before else { return nil }
        do {
            return try LabelSelector(value)
        } catch {
            fail(error.position, "labelSelector: \(error.message)")
            return nil
        }
    }

    // MARK: Rule parameters

    mutating func parameters(_ value: Value, of type: CataloguedRule) {
        let d = type.description
        if value.isNull { return }
        guard value.isMapping else {
            fail(value.position, "parameters must be a mapping, found \(describe(value))")
            return
        }
        let names = d.parameters.map(\.name)
        var seen: Set<String> = []
        for (key, v) in value.pairs {
            guard let name = key.string else {
                fail(key.position, "a parameter name must be a string")
                continue
            }
            guard seen.insert(name).inserted else {
                fail(key.position, "duplicate parameter \"\(name)\"")
                continue
            }
            guard let spec = d.parameters.first(where: { $0.name == name }) else {
                if names.isEmpty {
                    fail(key.position, "rule \"\(d.id)\" takes no parameters")
                } else {
                    fail(key.position, Suggestion.unknown("parameter", name, in: names, context: "for rule \"\(d.id)\""))
                }
                continue
            }
            check(v, against: spec.type, name: name)
        }
    }

    mutating func check(_ value: Value, against type: ParameterType, name: String) {
        func wrong() {
            fail(value.position, "parameter \(name) must be \(article(type)), found \(describe(value))")
        }
        switch type {
        case .bool:
            if value.bool == nil { wrong() }
        case .int:
            if value.int == nil || value.kind != .number { wrong() }
        case .string:
            if value.kind != .string && value.kind != .number { wrong() }
        case .stringList:
            guard value.isSequence else { return wrong() }
            for item in value.items where item.kind != .string && item.kind != .number {
                fail(item.position, "parameter \(name) must be a list of strings; this item is \(describe(item))")
            }
        case .regex:
            guard let pattern = value.stringOnly else { return wrong() }
            do {
                _ = try Regex(pattern)
            } catch {
                fail(value.position, "parameter \(name): invalid regular expression \"\(pattern)\": \(error)")
            }
        case .quantity:
            guard value.kind == .string || value.kind == .number, let text = value.string else { return wrong() }
            if text.isEmpty { return }  // "" means "no value", as the rules read it
            do {
                _ = try Quantity(parsing: text)
            } catch {
                fail(value.position, "parameter \(name): \(error.description)")
            }
        case .objectList(let fields):
            guard value.isSequence else { return wrong() }
            let fieldNames = fields.keys.sorted()
            for item in value.items {
                guard item.isMapping else {
                    fail(item.position, "parameter \(name) must be a list of mappings; this item is \(describe(item))")
                    continue
                }
                var seen: Set<String> = []
                for (key, v) in item.pairs {
                    guard let field = key.string, let fieldType = fields[field] else {
                        fail(key.position, Suggestion.unknown("field", key.string ?? "?", in: fieldNames, context: "in parameter \(name)"))
                        continue
                    }
                    guard seen.insert(field).inserted else {
                        fail(key.position, "duplicate field \"\(field)\" in parameter \(name)")
                        continue
                    }
                    check(v, against: fieldType, name: "\(name).\(field)")
                }
            }
        }
    }

    // MARK: Scalars and lists

    /// The fields of a mapping whose keys are all in `keys`; reports unknown and duplicate keys.
    /// `nil` (with a problem) when `value` is not a mapping.
    mutating func mapping(_ value: Value, keys: [String], in context: String) -> [String: Value]? {
        guard value.isMapping else {
            fail(value.position, "\(context) must be a mapping, found \(describe(value))")
            return nil
        }
        var fields: [String: Value] = [:]
        for (key, v) in value.pairs {
            guard let name = key.string else {
                fail(key.position, "keys in \(context) must be strings")
                continue
            }
            guard keys.contains(name) else {
                fail(key.position, Suggestion.unknown("key", name, in: keys, context: "in \(context)"))
                continue
            }
            guard fields[name] == nil else {
                fail(key.position, "duplicate key \"\(name)\" in \(context)")
                continue
            }
            fields[name] = v
        }
        return fields
    }

    mutating func scalar(_ value: Value, what: String) -> String? {
        guard value.kind == .string || value.kind == .number, let text = value.string else {
            fail(value.position, "\(what) must be a string, found \(describe(value))")
            return nil
        }
        return text
    }

    mutating func boolean(_ value: Value, what: String) -> Bool? {
        guard let b = value.bool else {
            fail(value.position, "\(what) must be true or false, found \(describe(value))")
            return nil
        }
        return b
    }

    mutating func strings(_ value: Value, what: String) -> [(text: String, position: SourcePosition)]? {
        guard value.isSequence else {
            if let text = value.string {
                fail(value.position, "\(what) must be a list; write [\(text)]")
            } else {
                fail(value.position, "\(what) must be a list of strings, found \(describe(value))")
            }
            return nil
        }
        var result: [(String, SourcePosition)] = []
        for item in value.items {
            if let text = scalar(item, what: "each item of \(what)") { result.append((text, item.position)) }
        }
        return result
    }

    mutating func enumValue<E: RawRepresentable & CaseIterable>(_ value: Value, _ type: E.Type, what: String) -> E?
    where E.RawValue == String {
        guard let text = value.stringOnly else {
            fail(value.position, "\(what) must be a string, found \(describe(value))")
            return nil
        }
        if let e = E(rawValue: text) { return e }
        fail(value.position, Suggestion.unknown(what, text, in: E.allCases.map(\.rawValue)))
        return nil
    }

    func article(_ type: ParameterType) -> String {
        switch type {
        case .int: "an integer"
        default: "a \(type)"
        }
    }

    func describe(_ value: Value) -> String {
        switch value.kind {
        case .null: "nothing (null)"
        case .bool: "the boolean \(value.string ?? "")"
        case .number: "the number \(value.string ?? "")"
        case .string: "the string \"\(value.string ?? "")\""
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    func unknownRule(_ id: String) -> String {
        let message = Suggestion.unknown("rule", id, in: ruleIDs)
        return message.contains(";") ? message : message + "; `gatehouse rules` lists every rule id"
    }

    // MARK: Patterns

    static let namespaceCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789-*?")

    mutating func globSyntax(_ text: String, at position: SourcePosition, what: String) -> Bool {
        if text.isEmpty {
            fail(position, "empty \(what) pattern")
            return false
        }
        if let bad = text.first(where: { "[]{}\\".contains($0) }) {
            fail(position, "\(what) pattern \"\(text)\": '\(bad)' is not supported; patterns use only * and ?")
            return false
        }
        if text.contains(where: \.isWhitespace) {
            fail(position, "\(what) pattern \"\(text)\" contains whitespace")
            return false
        }
        return true
    }

    mutating func namespaceGlob(_ text: String, at position: SourcePosition) -> Glob? {
        labelGlob(text, at: position, what: "namespace")
    }

    mutating func containerGlob(_ text: String, at position: SourcePosition) -> Glob? {
        labelGlob(text, at: position, what: "container")
    }

    /// A glob over names that are DNS labels (namespaces, containers): a pattern with any other character can
    /// never match, so it is a mistake in the policy, not an exemption that matches nothing.
    private mutating func labelGlob(_ text: String, at position: SourcePosition, what: String) -> Glob? {
        guard globSyntax(text, at: position, what: what) else { return nil }
        guard text.allSatisfy(Self.namespaceCharacters.contains) else {
            fail(
                position,
                "\(what) pattern \"\(text)\" can never match: \(what) names hold only lowercase letters, digits and '-'")
            return nil
        }
        return Glob(text)
    }

    mutating func nameGlob(_ text: String, at position: SourcePosition) -> Glob? {
        globSyntax(text, at: position, what: "name") ? Glob(text) : nil
    }

    mutating func identityGlob(_ text: String, at position: SourcePosition, what: String) -> Glob? {
        globSyntax(text, at: position, what: what) ? Glob(text) : nil
    }

    /// A user name glob, matched against the user name the API server records. The ways a service account is
    /// written elsewhere (`ServiceAccount:NS:NAME` in Gatehouse commands, a subject's kind, a differently cased
    /// prefix) never match a recorded user name, so they are mistakes, not exemptions that match nothing.
    mutating func userGlob(_ text: String, at position: SourcePosition) -> Glob? {
        guard let glob = identityGlob(text, at: position, what: "user") else { return nil }
        let lowered = text.lowercased()
        let prefix = "system:serviceaccount:"
        if let colon = lowered.firstIndex(of: ":"), ["serviceaccount", "sa", "user", "group"].contains(String(lowered[..<colon])) {
            fail(
                position,
                "user pattern \"\(text)\" will never match: users are matched against the user name the API server "
                    + "records (alice, or system:serviceaccount:NAMESPACE:NAME for a service account), without a kind")
            return nil
        }
        if lowered.hasPrefix("system:serviceaccounts") {
            fail(position, "user pattern \"\(text)\" names a group (system:serviceaccounts...): list it under groups")
            return nil
        }
        if lowered.hasPrefix(prefix), !text.hasPrefix(prefix) {
            fail(position, "user pattern \"\(text)\" will never match: service account user names begin with \"\(prefix)\" in lowercase")
            return nil
        }
        return glob
    }

    /// A rule id or a glob over rule ids; must name at least one known rule.
    mutating func ruleGlob(_ text: String, at position: SourcePosition) -> Glob? {
        guard globSyntax(text, at: position, what: "rule") else { return nil }
        let glob = Glob(text)
        if glob.hasWildcards {
            if !ruleIDs.contains(where: glob.matches) {
                fail(position, "rule pattern \"\(text)\" matches no rule")
                return nil
            }
        } else if specs[text] == nil {
            fail(position, unknownRule(text))
            return nil
        }
        return glob
    }

    static let knownKinds = [
        "Pod", "PodTemplate", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob",
        "ReplicationController", "Namespace", "Service", "Ingress", "ServiceAccount", "Role", "ClusterRole",
        "RoleBinding", "ClusterRoleBinding", "NetworkPolicy", "Secret", "ConfigMap", "PersistentVolume",
        "PersistentVolumeClaim", "Rollout", "CloneSet",
    ]

    /// A kind as written in manifests. Kinds outside the built-in list are accepted (custom resources), but a
    /// known kind in the wrong case is a mistake: kinds are case-sensitive.
    mutating func kind(_ text: String, at position: SourcePosition) -> String? {
        guard let first = text.unicodeScalars.first, first.properties.isUppercase,
            text.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        else {
            var message = "kind \"\(text)\" is not a Kubernetes kind (written as in manifests, e.g. Deployment)"
            if let near = Suggestion.closest(to: text, in: Self.knownKinds) { message += "; did you mean \"\(near)\"?" }
            fail(position, message)
            return nil
        }
        if !Self.knownKinds.contains(text), let near = Self.knownKinds.first(where: { $0.lowercased() == text.lowercased() }) {
            fail(position, "unknown kind \"\(text)\"; did you mean \"\(near)\"? (kinds are case-sensitive)")
            return nil
        }
        return text
    }

    /// An image reference as an exemption writes it: a name, optionally with tag or digest, or a prefix ending
    /// in `*`.
    mutating func image(_ text: String, at position: SourcePosition) -> String? {
        if text.isEmpty || text.contains(where: \.isWhitespace) {
            fail(position, "image pattern \"\(text)\" must be a non-empty reference without spaces")
            return nil
        }
        if text.contains("?") || text.dropLast().contains("*") {
            fail(position, "image pattern \"\(text)\": only a trailing * is supported (e.g. myacr.azurecr.io/*)")
            return nil
        }
        if text != "*", ImageReference(String(text.hasSuffix("*") ? text.dropLast() : text[...])) == nil {
            fail(position, "image pattern \"\(text)\" is not an image reference")
            return nil
        }
        return text
    }
}

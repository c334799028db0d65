/// A Kubernetes label selector (`matchLabels` and `matchExpressions` with In, NotIn, Exists, DoesNotExist).
///
/// Semantics as `metav1.LabelSelectorAsSelector`: all requirements must hold; an empty selector matches every
/// object; a selector that is absent (`nil` where one is optional) is for the caller to interpret.
public struct LabelSelector: Sendable, Hashable {
    public enum Operator: String, Sendable, Hashable {
        case `in` = "In", notIn = "NotIn", exists = "Exists", doesNotExist = "DoesNotExist"
    }

    public struct Requirement: Sendable, Hashable {
        public let key: String
        public let op: Operator
        public let values: [String]

        public init(key: String, op: Operator, values: [String]) {
            self.key = key
            self.op = op
            self.values = values
        }

        public func matches(_ labels: [String: String]) -> Bool {
            switch op {
            case .in: labels[key].map(values.contains) ?? false
            case .notIn: labels[key].map { !values.contains($0) } ?? true
            case .exists: labels[key] != nil
            case .doesNotExist: labels[key] == nil
            }
        }
    }

    public let matchLabels: [String: String]
    public let requirements: [Requirement]

    public init(matchLabels: [String: String] = [:], requirements: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.requirements = requirements
    }

    /// Reads a selector from its YAML/JSON form. Throws a message naming the bad part and its position.
    public init(_ value: Value) throws(LoadProblem) {
        var labels: [String: String] = [:]
        for (k, v) in value["matchLabels"]?.pairs ?? ValuePairs(tree: value.tree, start: 0, count: 0) {
            guard let key = k.string, let text = v.string else {
                throw LoadProblem(position: k.position, message: "matchLabels values must be strings")
            }
            labels[key] = text
        }
        var requirements: [Requirement] = []
        for expression in value["matchExpressions"]?.items ?? ValueItems.empty {
            guard let key = expression["key"]?.string else {
                throw LoadProblem(position: expression.position, message: "matchExpressions entry needs a key")
            }
            guard let opText = expression["operator"]?.string, let op = Operator(rawValue: opText) else {
                throw LoadProblem(
                    position: expression["operator"]?.position ?? expression.position,
                    message: "matchExpressions operator must be In, NotIn, Exists or DoesNotExist")
            }
            let values = expression["values"]?.items.compactMap(\.string) ?? []
            if (op == .in || op == .notIn) && values.isEmpty {
                throw LoadProblem(position: expression.position, message: "operator \(op.rawValue) needs values")
            }
            requirements.append(Requirement(key: key, op: op, values: values))
        }
        self.init(matchLabels: labels, requirements: requirements)
    }

    /// An empty selector selects everything.
    public var isEmpty: Bool { matchLabels.isEmpty && requirements.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        for (k, v) in matchLabels where labels[k] != v { return false }
        return requirements.allSatisfy { $0.matches(labels) }
    }
}

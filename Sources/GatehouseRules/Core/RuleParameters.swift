import KubeModel

/// The declared type of a rule parameter, used to validate policy files before a rule sees them.
public enum ParameterType: Sendable, Hashable, CustomStringConvertible {
    case bool
    case int
    case string
    case stringList
    /// A regular expression (Swift Regex syntax, compatible with RE2 for the common subset).
    case regex
    /// A Kubernetes resource quantity such as `500m` or `2Gi`.
    case quantity
    /// A list of mappings with these fields and types.
    case objectList([String: ParameterType])

    public var description: String {
        switch self {
        case .bool: "boolean"
        case .int: "integer"
        case .string: "string"
        case .stringList: "list of strings"
        case .regex: "regular expression"
        case .quantity: "quantity"
        case .objectList: "list of objects"
        }
    }
}

/// One parameter a rule accepts.
public struct ParameterSpec: Sendable {
    public let name: String
    public let type: ParameterType
    /// The default, as a user would write it in the policy file (for docs).
    public let defaultValue: String
    public let doc: String

    public init(_ name: String, _ type: ParameterType, default defaultValue: String, _ doc: String) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.doc = doc
    }
}

/// A parameter value a rule cannot use, with where it was written.
public struct ParameterError: Error, Sendable, CustomStringConvertible {
    public let parameter: String
    public let position: SourcePosition
    public let message: String

    public init(parameter: String, position: SourcePosition, message: String) {
        self.parameter = parameter
        self.position = position
        self.message = message
    }

    public var description: String { "\(position): parameter \(parameter): \(message)" }
}

/// The parameters the policy gives a rule: a YAML mapping (or nothing), read with typed accessors that fall
/// back to the rule's defaults when a parameter is absent.
public struct RuleParameters: Sendable {
    public let values: Value?

    public init(_ values: Value?) {
        self.values = values
    }

    public static let none = RuleParameters(nil)

    public func value(_ name: String) -> Value? { values?[name] }

    public func bool(_ name: String, default fallback: Bool) -> Bool {
        value(name)?.bool ?? fallback
    }

    public func int(_ name: String, default fallback: Int) -> Int {
        value(name)?.int ?? fallback
    }

    public func string(_ name: String, default fallback: String?) -> String? {
        value(name)?.string ?? fallback
    }

    public func strings(_ name: String, default fallback: [String]) -> [String] {
        guard let list = value(name) else { return fallback }
        if list.isSequence { return list.items.compactMap(\.string) }
        if let single = list.string { return [single] }
        return fallback
    }

    /// Compiles a regex parameter; a bad pattern is an error naming the parameter and its position.
    public func regex(_ name: String, default fallback: String?) throws -> Regex<AnyRegexOutput>? {
        let pattern = value(name)?.string ?? fallback
        guard let pattern else { return nil }
        do {
            return try Regex(pattern)
        } catch {
            throw ParameterError(
                parameter: name, position: value(name)?.position ?? .unknown,
                message: "invalid regular expression \"\(pattern)\": \(error)")
        }
    }
}

extension RuleParameters {
    /// Reads a quantity parameter (`500m`, `2Gi`); `nil` when absent or empty. A value that is not a valid
    /// quantity is an error naming the parameter and its position.
    public func quantity(_ name: String) throws -> Quantity? {
        guard let value = value(name), let text = value.string, !text.isEmpty else { return nil }
        do {
            return try Quantity(parsing: text)
        } catch {
            throw ParameterError(parameter: name, position: value.position, message: error.description)
        }
    }

    /// Reads a string parameter that must be one of `allowed`; a different value is an error.
    public func choice(_ name: String, _ allowed: [String], default fallback: String) throws -> String {
        guard let value = value(name) else { return fallback }
        guard let text = value.string, allowed.contains(text) else {
            throw ParameterError(
                parameter: name, position: value.position,
                message: "must be one of \(allowed.joined(separator: ", "))")
        }
        return text
    }
}

/// A duration as a user writes one in the policy and on the command line: `0`, or a number followed by `s`,
/// `m`, `h` or `d` (`90s`, `10m`, `24h`, `7d`).
public enum DurationText {
    /// The duration in seconds, or `nil` when `text` is not one.
    public static func seconds(_ text: String) -> Double? {
        if text == "0" { return 0 }
        guard let unit = text.last, let number = Double(text.dropLast()), number >= 0, number.isFinite else { return nil }
        switch unit {
        case "s": return number
        case "m": return number * 60
        case "h": return number * 3600
        case "d": return number * 86400
        default: return nil
        }
    }
}

extension RuleParameters {
    /// Reads a duration parameter (``DurationText``) in seconds; a value that is not a duration is an error
    /// naming the parameter and its position.
    public func duration(_ name: String, default fallback: Double) throws -> Double {
        guard let value = value(name) else { return fallback }
        guard let text = value.string, let seconds = DurationText.seconds(text) else {
            throw ParameterError(
                parameter: name, position: value.position,
                message: "must be a duration such as 0, 90s, 30m, 24h or 7d")
        }
        return seconds
    }
}

import ArgumentParser
import GatehouseEngine
import GatehouseReports
import GatehouseRules

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the rules: id, severity, default action, title.",
        subcommands: [Explain.self, Docs.self]
    )

    @Option(help: "Only the rules of this profile: \(Profile.allCases.map(\.rawValue).joined(separator: ", ")).")
    var profile: Profile?

    func run() throws {
        print(RuleDocumentation.table(profile: profile), terminator: "")
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain one rule: what it checks, why, how to fix, references, parameters, examples.")

        @Argument(help: "A rule id, e.g. pod-privileged.")
        var id: String

        func validate() throws {
            guard RuleCatalogue.description(id: id) != nil else {
                let close = RuleCatalogue.ids.filter { $0.contains(id) || id.contains($0) }
                let hint = close.isEmpty ? " (run `gatehouse rules` for the list)" : "; did you mean \(close.joined(separator: ", "))?"
                throw ValidationError("unknown rule \"\(id)\"\(hint)")
            }
        }

        func run() throws {
            print(RuleDocumentation.explain(RuleCatalogue.description(id: id)!), terminator: "")
        }
    }

    struct Docs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print docs/rules.md, generated from the rule registry.")

        func run() throws {
            print(RuleDocumentation.markdown(), terminator: "")
        }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() throws {
        print("\(GatehouseInfo.name) \(GatehouseInfo.version)")
    }
}

import ArgumentParser
import Foundation
import GatehouseAudit
import GatehouseEngine
import GatehouseRules

/// `gatehouse fix PATH...`: the mechanical fixes, applied to YAML files in place.
struct FixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Apply the fixes that need no judgement to YAML manifests, in place (or show them with --dry-run).",
        discussion: """
            Fixes: \(FixRequest.fixableRules.keys.sorted().joined(separator: ", ")). Each sets one field (or adds \
            ALL to capabilities.drop) where the policy's rules find it missing or wrong; exempted findings are \
            left alone. Only the changed lines change: comments, key order, quoting and layout stay. Every edited \
            file is read back and must parse to the same objects apart from the fix, or it is not written. JSON \
            files are not rewritten (audit --format json carries each fix as a JSON patch). Exit status: 0, or 2 \
            when a file could not be read or fixed (the others are still fixed).
            """
    )

    @Argument(help: "YAML files or directories (walked for .yaml and .yml files).")
    var paths: [String] = []

    @Flag(help: "Change nothing; print the changes as a unified diff.")
    var dryRun = false

    @Option(
        name: .customLong("rule"),
        help: ArgumentHelp("Fix only this rule's findings (repeatable); the rule is run whatever the profile.", valueName: "id"))
    var rules: [String] = []

    @OptionGroup var policyOptions: PolicyOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or directory") }
        let fixable = FixRequest.fixableRules
        for rule in rules where fixable[rule] == nil {
            throw ValidationError("rule \"\(rule)\" has no mechanical fix; the rules with one: \(fixable.keys.sorted().joined(separator: ", "))")
        }
    }

    func run() throws {
        var policy = try policyOptions.load()
        if !rules.isEmpty { policy.profile = .all }
        var request = FixRequest(paths: paths, policy: policy)
        request.rules = Set(rules)
        request.dryRun = dryRun
        let outcome: FixRequest.Outcome
        do {
            outcome = try request.run()
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        var output = ""
        for file in outcome.files {
            if dryRun {
                output += file.diff
            } else {
                let count = file.fixes.values.reduce(0, +)
                output += "fixed \(file.file): \(count) finding\(count == 1 ? "" : "s") in \(file.changedObjects) object\(file.changedObjects == 1 ? "" : "s")\n"
                for (fix, count) in file.fixes.sorted(by: { $0.key < $1.key }) { output += "  \(count) × \(fix)\n" }
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        for error in outcome.errors { printError("\(error)") }
        let total = outcome.files.reduce(0) { $0 + $1.fixes.values.reduce(0, +) }
        var summary = "\(dryRun ? "would fix" : "fixed") \(total) finding\(total == 1 ? "" : "s") in \(outcome.files.count) file\(outcome.files.count == 1 ? "" : "s")"
        if outcome.unfixable > 0 { summary += "; \(outcome.unfixable) finding\(outcome.unfixable == 1 ? "" : "s") of these rules need a change by hand (gatehouse audit lists them)" }
        printError(summary)
        if !outcome.errors.isEmpty { throw ExitCode(2) }
    }
}

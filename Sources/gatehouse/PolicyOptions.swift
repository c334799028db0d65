import ArgumentParser
import GatehouseEngine
import GatehouseRules

extension Profile: ExpressibleByArgument {}

/// `--policy`, `--profile` and `--pss-version`: what every command that evaluates rules reads its policy from.
struct PolicyOptions: ParsableArguments {
    @Option(help: "Policy file (YAML): profile, per-rule actions, severities, parameters, exemptions.")
    var policy: String?

    @Option(help: "Rule profile: \(Profile.allCases.map(\.rawValue).joined(separator: ", ")) (overrides the policy's).")
    var profile: Profile?

    @Option(help: ArgumentHelp(
        "Pod Security Standards version for the pss-* profiles: latest or v1.N (overrides the policy's; default latest).",
        valueName: "version"))
    var pssVersion: String?

    func validate() throws {
        if let pssVersion, PSSVersion.parse(pssVersion) == nil {
            throw ValidationError("--pss-version must be \"latest\" or v1.N (e.g. v1.31); got \"\(pssVersion)\"")
        }
    }

    /// The policy file (or the embedded default) with the command line's overrides applied.
    ///
    /// Its warnings (settings without effect under the profile in force) go to standard error as
    /// `file:line:column: warning: message`; a policy file that cannot be used is printed with every problem
    /// and ends the command with status 2.
    func load() throws -> Policy {
        var loaded = Policy()
        if let policy {
            do {
                loaded = try Policy.load(contentsOf: policy)
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
        }
        if let profile {
            loaded.profile = profile
            loaded.warnings = loaded.settingsWithoutEffect()
        }
        if let pssVersion { loaded.pssVersion = pssVersion }
        if let file = loaded.file {
            for warning in loaded.warnings {
                printError(PolicyProblem(position: warning.position, message: "warning: \(warning.message)").formatted(file: file))
            }
        }
        return loaded
    }
}

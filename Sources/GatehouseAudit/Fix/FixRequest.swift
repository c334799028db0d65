import Foundation
import GatehouseEngine
import GatehouseRules
import KubeModel

/// `gatehouse fix` as a library call: applies the rules' mechanical fixes (``RuleDescription/fix``) to YAML
/// files in place, or describes them as a unified diff.
///
/// Which findings are fixed: those the policy's engine reports (so rules that are off, exempted findings and
/// excluded namespaces are left alone: an exemption says the setting is wanted), of rules with a fix, at a
/// path the fix covers, narrowed to ``rules`` when given.
///
/// Safety: after editing a file's text, the result is parsed again, and every object must equal the original
/// with its JSON patch applied (and every other object must be unchanged) (``ManifestTextFixer``). A file that
/// fails this check is not written and is reported as an error. JSON files are not rewritten (their findings
/// carry the same fix as a JSON patch in `audit --format json`).
public struct FixRequest: Sendable {
    public var paths: [String]
    public var policy: Policy
    /// Rule ids to fix; empty fixes every rule that has a fix.
    public var rules: Set<String> = []
    public var dryRun = false

    public init(paths: [String], policy: Policy = Policy()) {
        self.paths = paths
        self.policy = policy
    }

    /// What one file got.
    public struct FileResult: Sendable {
        public var file: String
        /// The unified diff of the change (empty when nothing changed).
        public var diff: String
        /// "rule: summary" of each fix applied, with how many findings it fixed.
        public var fixes: [String: Int] = [:]
        public var changedObjects = 0
    }

    public struct Outcome: Sendable {
        public var files: [FileResult] = []
        public var errors: [LoadError] = []
        /// Findings of fixable rules that no mechanical fix covers (an added capability, `runAsUser: 0`).
        public var unfixable = 0
    }

    /// The rules that have a mechanical fix, by id.
    public static var fixableRules: [String: RuleDescription] {
        var rules: [String: RuleDescription] = [:]
        for (description, _) in RuleCatalogue.descriptions where description.fix != nil { rules[description.id] = description }
        return rules
    }

    public func run() throws -> Outcome {
        let engine = try Engine(policy: policy)
        let (inputs, argumentErrors) = InputWalker().expand(paths)
        var outcome = Outcome()
        outcome.errors = argumentErrors
        for input in inputs {
            guard case .file(let path) = input else {
                outcome.errors.append(LoadError(file: "-", position: .unknown, message: "fix edits files in place; standard input cannot be fixed"))
                continue
            }
            if path.hasSuffix(".json") { continue }
            fixFile(path, engine: engine, into: &outcome)
        }
        return outcome
    }

    private func fixFile(_ path: String, engine: Engine, into outcome: inout Outcome) {
        guard let data = FileManager.default.contents(atPath: path) else {
            outcome.errors.append(LoadError(file: path, position: .unknown, message: "cannot read the file"))
            return
        }
        let fixed = ManifestTextFixer(engine: engine, rules: rules).fix(String(decoding: data, as: UTF8.self), file: path)
        outcome.errors += fixed.errors
        outcome.unfixable += fixed.unfixable
        guard let newText = fixed.text else { return }
        if !dryRun {
            do {
                try Self.replaceContents(of: path, with: newText)
            } catch {
                outcome.errors.append(LoadError(file: path, position: .unknown, message: "cannot write the fixed file: \(error.localizedDescription)"))
                return
            }
        }
        outcome.files.append(FileResult(file: path, diff: fixed.diff, fixes: fixed.fixes, changedObjects: fixed.changedObjects))
    }

    /// Writes `text` over the file at `path` as one rename: a symbolic link is followed (the link stays a
    /// link) and the file keeps its permissions.
    static func replaceContents(of path: String, with text: String) throws {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let attributes = try FileManager.default.attributesOfItem(atPath: target)
        let temporary = (target as NSString).deletingLastPathComponent + "/.\((target as NSString).lastPathComponent).gatehouse-fix"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        if let mode = attributes[.posixPermissions] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary)
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: reason])
        }
    }
}

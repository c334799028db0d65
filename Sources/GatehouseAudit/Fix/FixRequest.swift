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
/// with its JSON patch applied (and every other object must be unchanged). A file that fails this check is
/// not written and is reported as an error. JSON files are not rewritten (their findings carry the same fix as
/// a JSON patch in `audit --format json`).
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
        let text = String(decoding: data, as: UTF8.self)
        let loaded = Manifests.loadYAML(text, file: path)
        if let error = loaded.errors.first {
            outcome.errors.append(error)
            return
        }
        // Lines end as the file's first line does (LF or CRLF); inserted lines end the same way.
        let lineBreak = text.contains("\r\n") ? "\r\n" : "\n"
        let endsWithNewline = text.hasSuffix(lineBreak)
        var lines = text.components(separatedBy: lineBreak).map { Array($0.unicodeScalars) }
        if endsWithNewline { lines.removeLast() }
        var editor = YAMLTextEdits(lines: lines)
        var result = FileResult(file: path, diff: "")
        var expected: [SourceRef: PatchableJSON] = [:]
        for object in loaded.objects {
            var intents: [(rule: String, summary: String, intent: FixIntent)] = []
            for finding in engine.evaluate(object) where rules.isEmpty || rules.contains(finding.ruleID) {
                guard let fix = RuleCatalogue.description(id: finding.ruleID)?.fix else { continue }
                guard finding.fixDepth > 0, let intent = fix.intent(for: finding.path) else {
                    outcome.unfixable += 1
                    continue
                }
                intents.append((finding.ruleID, fix.summary, intent))
            }
            guard !intents.isEmpty else { continue }
            let plan = ObjectFixPlan(intents: intents, root: object.root)
            var patched = PatchableJSON(object.root)
            guard plan.operations.allSatisfy({ patched.apply($0) }) else {
                outcome.errors.append(LoadError(file: path, position: object.position, message: "\(ObjectRef(object).displayName): the fix does not apply to this object; left unchanged"))
                continue
            }
            var trial = editor
            do {
                try trial.plan(plan.operations, root: object.root)
            } catch {
                outcome.errors.append(
                    LoadError(file: path, position: object.position, message: "\(ObjectRef(object).displayName): cannot be fixed in place (\(error)); left unchanged"))
                continue
            }
            editor = trial
            expected[object.source] = patched
            result.changedObjects += 1
            for intent in intents { result.fixes["\(intent.rule): \(intent.summary)", default: 0] += 1 }
        }
        guard !editor.isEmpty else { return }
        let newLines = editor.applied().map { String(String.UnicodeScalarView($0)) }
        var newText = newLines.joined(separator: lineBreak)
        if endsWithNewline { newText += lineBreak }
        // The edited text must parse to the same objects, each with its patch applied.
        let reparsed = Manifests.loadYAML(newText, file: path)
        let originals = Dictionary(loaded.objects.map { ($0.source, PatchableJSON($0.root)) }, uniquingKeysWith: { a, _ in a })
        let same = reparsed.errors.isEmpty && reparsed.objects.count == loaded.objects.count
            && reparsed.objects.allSatisfy { object in PatchableJSON(object.root) == (expected[object.source] ?? originals[object.source]) }
        guard same else {
            outcome.errors.append(
                LoadError(file: path, position: .unknown, message: "the fixed text would not read back as the fixed objects; the file was not changed"))
            return
        }
        // Named as git names them (`a/path`, `b/path`), so `git apply` and `patch -p1` take the diff.
        let name = path.hasPrefix("/") ? String(path.dropFirst()) : path
        result.diff = UnifiedDiff.render(
            old: lines.map { String(String.UnicodeScalarView($0)) }, new: newLines, oldName: "a/" + name, newName: "b/" + name)
        if !dryRun {
            do {
                try Self.replaceContents(of: path, with: newText)
            } catch {
                outcome.errors.append(LoadError(file: path, position: .unknown, message: "cannot write the fixed file: \(error.localizedDescription)"))
                return
            }
        }
        outcome.files.append(result)
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

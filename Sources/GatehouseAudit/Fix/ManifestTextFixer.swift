import Foundation
import GatehouseEngine
import GatehouseRules
import KubeModel

/// The fixes of one YAML text: which findings get fixed, the edited text, and the check that it reads back
/// as the fixed objects (see ``FixRequest``). Pure: it reads and writes no file, so the fuzz target runs it.
public struct ManifestTextFixer: Sendable {
    public let engine: Engine
    /// Rule ids to fix; empty fixes every rule that has a fix.
    public let rules: Set<String>

    public init(engine: Engine, rules: Set<String> = []) {
        self.engine = engine
        self.rules = rules
    }

    /// What fixing one text gave.
    public struct Result: Sendable {
        /// The fixed text; `nil` when nothing changed or the change was refused.
        public var text: String?
        /// The unified diff from the old text to ``text``.
        public var diff = ""
        /// "rule: summary" of each fix applied, with how many findings it fixed.
        public var fixes: [String: Int] = [:]
        public var changedObjects = 0
        /// Findings of fixable rules that no mechanical fix covers.
        public var unfixable = 0
        public var errors: [LoadError] = []
    }

    public func fix(_ text: String, file: String) -> Result {
        var result = Result()
        let loaded = Manifests.loadYAML(text, file: file)
        if let error = loaded.errors.first {
            result.errors.append(error)
            return result
        }
        // Lines end as the file's first line does (LF or CRLF); inserted lines end the same way.
        let lineBreak = text.contains("\r\n") ? "\r\n" : "\n"
        let endsWithNewline = text.hasSuffix(lineBreak)
        var lines = text.components(separatedBy: lineBreak).map { Array($0.unicodeScalars) }
        if endsWithNewline { lines.removeLast() }
        var editor = YAMLTextEdits(lines: lines)
        var expected: [SourceRef: PatchableJSON] = [:]
        for object in loaded.objects {
            var intents: [(rule: String, summary: String, intent: FixIntent)] = []
            for finding in engine.evaluate(object) where rules.isEmpty || rules.contains(finding.ruleID) {
                guard let fix = RuleCatalogue.description(id: finding.ruleID)?.fix else { continue }
                guard finding.fixDepth > 0, let intent = fix.intent(for: finding.path) else {
                    result.unfixable += 1
                    continue
                }
                intents.append((finding.ruleID, fix.summary, intent))
            }
            guard !intents.isEmpty else { continue }
            let plan = ObjectFixPlan(intents: intents, root: object.root)
            var patched = PatchableJSON(object.root)
            let name = ObjectRef(object).displayName
            guard plan.operations.allSatisfy({ patched.apply($0) }) else {
                result.errors.append(
                    LoadError(file: file, position: object.position, message: "\(name): the fix does not apply to this object; left unchanged"))
                continue
            }
            var trial = editor
            do {
                try trial.plan(plan.operations, root: object.root)
            } catch {
                result.errors.append(
                    LoadError(file: file, position: object.position, message: "\(name): cannot be fixed in place (\(error)); left unchanged"))
                continue
            }
            editor = trial
            expected[object.source] = patched
            result.changedObjects += 1
            for intent in intents { result.fixes["\(intent.rule): \(intent.summary)", default: 0] += 1 }
        }
        guard !editor.isEmpty else { return result }
        let newLines = editor.applied().map { String(String.UnicodeScalarView($0)) }
        var newText = newLines.joined(separator: lineBreak)
        if endsWithNewline { newText += lineBreak }
        // The edited text must parse to the same objects, each with its patch applied.
        let reparsed = Manifests.loadYAML(newText, file: file)
        let originals = Dictionary(loaded.objects.map { ($0.source, PatchableJSON($0.root)) }, uniquingKeysWith: { a, _ in a })
        let same = reparsed.errors.isEmpty && reparsed.objects.count == loaded.objects.count
            && reparsed.objects.allSatisfy { object in PatchableJSON(object.root) == (expected[object.source] ?? originals[object.source]) }
        guard same else {
            result.errors.append(
                LoadError(file: file, position: .unknown, message: "the fixed text would not read back as the fixed objects; the file was not changed"))
            result.fixes = [:]
            result.changedObjects = 0
            return result
        }
        // Named as git names them (`a/path`, `b/path`), so `git apply` and `patch -p1` take the diff.
        let name = file.hasPrefix("/") ? String(file.dropFirst()) : file
        result.diff = UnifiedDiff.render(
            old: lines.map { String(String.UnicodeScalarView($0)) }, new: newLines, oldName: "a/" + name, newName: "b/" + name)
        result.text = newText
        return result
    }
}

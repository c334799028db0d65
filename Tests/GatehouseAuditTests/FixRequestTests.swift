import Foundation
import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel
import Testing
import TestSupport

@testable import GatehouseAudit

/// `gatehouse fix` as a library call, on copies of files: what it changes, what it leaves, and that the text
/// it writes reads back as the objects the JSON report's patches describe.
struct FixRequestTests {
    /// A scratch copy of `files` (name → text), fixed with `configure`d request; returns the folder and outcome.
    static func fix(
        _ files: [String: String], policy: Policy = Policy(), dryRun: Bool = false,
        configure: (inout FixRequest) -> Void = { _ in }
    ) throws -> (folder: String, outcome: FixRequest.Outcome) {
        let folder = NSTemporaryDirectory() + "gatehouse-fix-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        var request = FixRequest(paths: [folder], policy: policy)
        request.dryRun = dryRun
        configure(&request)
        return (folder, try request.run())
    }

    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    static func examples() throws -> [String: String] {
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: Repository.url("examples").path)
        where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            files[name] = try read(Repository.url("examples/" + name).path)
        }
        return files
    }

    /// Findings of an audit of `folder` as the JSON report has them.
    static func jsonFindings(_ folder: String, policy: Policy = Policy()) throws -> [[String: Any]] {
        let file = NSTemporaryDirectory() + "gatehouse-fix-report-" + UUID().uuidString + ".json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let request = AuditRequest(paths: [folder], format: .json, failOn: .never, policy: policy)
        _ = try request.run(to: ReportOutput(descriptor: descriptor))
        close(descriptor)
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(report["findings"] as? [[String: Any]])
    }

    @Test func theExamplesAreFixedAndTheFixedRulesNoLongerFire() throws {
        let before = try Self.fix(Self.examples(), dryRun: true).folder
        let fixableBefore = try Self.jsonFindings(before).filter { $0["fix"] != nil }
        #expect(fixableBefore.count > 20)
        let (folder, outcome) = try Self.fix(Self.examples())
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.files.reduce(0) { $0 + $1.fixes.values.reduce(0, +) } == fixableBefore.count)
        let after = try Self.jsonFindings(folder)
        #expect(after.filter { $0["fix"] != nil }.isEmpty)
        // What is left of the fixed rules is what no mechanical fix covers.
        let fixable = Set(FixRequest.fixableRules.keys)
        #expect(after.filter { fixable.contains($0["rule"] as? String ?? "") }.count == outcome.unfixable)
        // Fixing again changes nothing.
        var again = FixRequest(paths: [folder])
        again.dryRun = true
        #expect(try again.run().files.isEmpty)
    }

    @Test func commentsAndEveryUntouchedLineSurvive() throws {
        let originals = try Self.examples()
        let (folder, outcome) = try Self.fix(originals)
        for result in outcome.files {
            let name = (result.file as NSString).lastPathComponent
            let old = originals[name]!.components(separatedBy: "\n")
            let new = try Self.read(result.file).components(separatedBy: "\n")
            // Every comment survives.
            for line in old where line.contains("#") { #expect(new.contains(line), "\(name): lost \(line)") }
            // Only additions, and lines whose value changed in place.
            let script = UnifiedDiff.editScript(old, new)
            #expect(script.filter { $0 == .delete }.count <= script.filter { $0 == .insert }.count)
            #expect(script.filter { $0 == .keep }.count >= old.count - 3, "\(name)")
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The text change equals the JSON report's patches: each object of a fixed file reads back as the original
    /// with every fix of its findings applied (additions at one place merged, as the fix merges them).
    @Test func fixedFilesReadBackAsTheReportsPatchesDescribe() throws {
        let (originalFolder, _) = try Self.fix(Self.examples(), dryRun: true)
        let findings = try Self.jsonFindings(originalFolder)
        let (folder, _) = try Self.fix(Self.examples())
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let original = try Self.objects(originalFolder + "/" + name)
            let fixed = try Self.objects(folder + "/" + name)
            #expect(original.count == fixed.count)
            for (key, object) in original {
                var expected = object
                for finding in findings {
                    guard let location = finding["location"] as? [String: Any],
                        (location["file"] as? String)?.hasSuffix("/" + name) == true,
                        "\(location["document"] ?? "")/\(location["item"] ?? "")" == key,
                        let fix = finding["fix"] as? [String: Any], let patch = fix["patch"] as? [[String: Any]]
                    else { continue }
                    for operation in patch { expected = Self.apply(operation, to: expected) }
                }
                #expect(NSDictionary(dictionary: expected).isEqual(to: fixed[key] ?? [:]), "\(name) \(key)")
            }
        }
    }

    /// Each object of a file as Foundation JSON, keyed by "document/item".
    static func objects(_ path: String) throws -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        let loaded = Manifests.loadYAML(try read(path), file: path)
        for object in loaded.objects {
            var json = JSONEmitter(style: .compact)
            json.value(object.root)
            let key = "\(object.source.document)/\(object.source.item.map(String.init) ?? "<null>")"
            result[key] = try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any]
        }
        return result
    }

    /// One RFC 6902 add or replace; an add of a mapping where one already is merges into it.
    static func apply(_ operation: [String: Any], to object: [String: Any]) -> [String: Any] {
        let path = (operation["path"] as? String ?? "").split(separator: "/").map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
        return set(path[...], operation["value"] as Any, in: object) as? [String: Any] ?? object
    }

    static func set(_ path: ArraySlice<String>, _ value: Any, in node: Any) -> Any {
        guard let key = path.first else { return merge(node, value) }
        if var array = node as? [Any] {
            if key == "-" { array.append(value); return array }
            guard let index = Int(key), array.indices.contains(index) else { return node }
            array[index] = set(path.dropFirst(), value, in: array[index])
            return array
        }
        var object = node as? [String: Any] ?? [:]
        object[key] = path.count == 1 ? merge(object[key] as Any, value) : set(path.dropFirst(), value, in: object[key] ?? [:])
        return object
    }

    static func merge(_ old: Any, _ new: Any) -> Any {
        guard var object = old as? [String: Any], let more = new as? [String: Any] else { return new }
        for (key, value) in more { object[key] = merge(object[key] as Any, value) }
        return object
    }

    @Test func flowAndBlockCollectionsAreEditedInTheirOwnStyle() throws {
        let text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec:
              template:
                spec:
                  automountServiceAccountToken: true   # set by the chart
                  containers:
                  - name: api
                    image: api:1
                    securityContext: {}
                  - name: sidecar
                    image: proxy:2
                    securityContext:
                      capabilities:
                        drop:
                        - NET_RAW
                  - name: shell
                    image: busybox:1
                    securityContext: {capabilities: {drop: [NET_RAW]}, privileged: true}

            """
        let (folder, outcome) = try Self.fix(["d.yaml": text])
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        let fixed = try Self.read(folder + "/d.yaml")
        #expect(fixed.contains("      automountServiceAccountToken: false   # set by the chart\n"))
        #expect(fixed.contains(
            "        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true, runAsNonRoot: true}\n"))
        #expect(fixed.contains("            drop:\n            - NET_RAW\n            - ALL\n"))
        #expect(fixed.contains("securityContext: {capabilities: {drop: [NET_RAW, ALL]}, privileged: false, allowPrivilegeEscalation: false"))
    }

    @Test func exemptedFindingsAreNotFixed() throws {
        let text = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: csi-node
              namespace: storage
              annotations:
                gatehouse.io/exempt: pod-privileged
                gatehouse.io/exempt-reason: CSI node plugins mount volumes on the host
            spec:
              template:
                spec:
                  containers:
                  - name: driver
                    image: csi:1
                    securityContext:
                      privileged: true
                      allowPrivilegeEscalation: true

            """
        let (folder, outcome) = try Self.fix(["csi.yaml": text]) { $0.rules = ["pod-privileged", "pod-allow-privilege-escalation"] }
        #expect(outcome.errors.isEmpty)
        let fixed = try Self.read(folder + "/csi.yaml")
        #expect(fixed.contains("privileged: true\n"))
        #expect(fixed.contains("allowPrivilegeEscalation: false\n"))
    }

    @Test func listsMultipleDocumentsAndCRLFAreKept() throws {
        let text = "apiVersion: v1\r\nkind: List\r\nitems:\r\n- apiVersion: v1\r\n  kind: Pod\r\n  metadata: {name: a, namespace: x}\r\n  spec:\r\n    containers:\r\n    - {name: c, image: i:1}\r\n---\r\napiVersion: v1\r\nkind: Pod\r\nmetadata: {name: b, namespace: x}\r\nspec:\r\n  containers:\r\n  - name: c\r\n    image: i:1\r\n    securityContext:\r\n      privileged: yes\r\n"
        let (folder, outcome) = try Self.fix(["l.yaml": text]) { $0.rules = ["pod-privileged", "pod-automount-sa-token"] }
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        let fixed = try Self.read(folder + "/l.yaml")
        #expect(fixed.contains("      privileged: false\r\n"))
        #expect(fixed.contains("    - {name: c, image: i:1}\r\n    automountServiceAccountToken: false\r\n---\r\n"))
        #expect(!fixed.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func anAliasIsLeftAloneAndSaidSo() throws {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: x}
            spec:
              automountServiceAccountToken: false
              containers:
              - name: c
                image: i:1
                securityContext: &hardened
                  privileged: true
              - name: d
                image: i:1
                securityContext: *hardened

            """
        let (folder, outcome) = try Self.fix(["a.yaml": text]) { $0.rules = ["pod-privileged"] }
        #expect(outcome.errors.count == 1)
        #expect(outcome.errors.first?.message.contains("Pod x/p") == true)
        #expect(try Self.read(folder + "/a.yaml") == text)
    }

    /// Every YAML manifest of the shared corpus (real charts and examples of public projects), with every rule:
    /// fixed without an error, read back as the fixed objects (the fixer's own check), and needing no second fix.
    @Test(.enabled(if: Repository.sharedCorpus != nil, "needs the shared corpus beside the repository"))
    func theSharedCorpusIsFixedOnceAndCleanly() throws {
        var policy = Policy()
        policy.profile = .all
        let fixer = ManifestTextFixer(engine: try Engine(policy: policy))
        var fixedFiles = 0
        for case .file(let path) in InputWalker().expand([Repository.sharedCorpus!.path]).inputs
        where path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
            let first = fixer.fix(try Self.read(path), file: path)
            #expect(first.errors.isEmpty, "\(first.errors)")
            guard let text = first.text else { continue }
            fixedFiles += 1
            #expect(fixer.fix(text, file: path).text == nil, "\(path) needed a second fix")
        }
        #expect(fixedFiles > 500)
    }

    @Test func theDiffIsWhatDiffUPrints() throws {
        let old = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]
        let new = ["a", "b", "c", "D", "e", "f", "g", "h", "i", "x", "j", "k"]
        let folder = NSTemporaryDirectory() + "gatehouse-diff-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/a", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/b", withIntermediateDirectories: true)
        try (old.joined(separator: "\n") + "\n").write(toFile: folder + "/a/f", atomically: true, encoding: .utf8)
        try (new.joined(separator: "\n") + "\n").write(toFile: folder + "/b/f", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        process.arguments = ["-u", "a/f", "b/f"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // diff's header lines carry timestamps; the hunks must be the same.
        let hunks = output.components(separatedBy: "\n").dropFirst(2).joined(separator: "\n")
        let ours = UnifiedDiff.render(old: old, new: new, oldName: "a/f", newName: "b/f")
        #expect(ours.components(separatedBy: "\n").dropFirst(2).joined(separator: "\n") == hunks)
    }
}

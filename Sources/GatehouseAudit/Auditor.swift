#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel

/// How an audit runs.
public struct AuditOptions: Sendable {
    /// Worker threads; files are the unit of work. At least 1.
    public var jobs: Int
    public var limits: LoadLimits
    /// Read every input once before evaluating, to collect the inputs' Namespace objects (their labels), so
    /// that namespace-aware evaluation (Pod Security levels from `pod-security.kubernetes.io/*` labels) sees
    /// every namespace whatever the file order. Costs one extra parse of the inputs.
    public var collectNamespacesFirst: Bool
    /// Where `-` reads from: standard input (0) unless a test passes a pipe.
    public var standardInputDescriptor: Int32
    /// Records how long each phase takes (`--timings`), when set.
    public var clock: PhaseClock?
    /// Keeps a progress line on standard error while the inputs are read (``AuditProgressLine``).
    public var showsProgress = false

    public init(
        jobs: Int = AuditOptions.availableCores, limits: LoadLimits = .default, collectNamespacesFirst: Bool = false,
        standardInputDescriptor: Int32 = 0
    ) {
        self.jobs = max(1, jobs)
        self.limits = limits
        self.collectNamespacesFirst = collectNamespacesFirst
        self.standardInputDescriptor = standardInputDescriptor
    }

    /// The number of online processors.
    public static var availableCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// What an evaluation may know beyond the object itself.
public struct AuditContext: Sendable {
    /// Namespaces found among the inputs (empty unless ``AuditOptions/collectNamespacesFirst``).
    public let namespaces: NamespaceDirectory

    public init(namespaces: NamespaceDirectory = NamespaceDirectory()) {
        self.namespaces = namespaces
    }
}

extension AuditContext {
    /// The Pod Security level and version `object` is judged at: its namespace's enforced policy when the
    /// namespace is among the inputs with `pod-security.kubernetes.io/` labels, else `defaults.enforce`.
    public func podSecurity(for object: KubeObject, defaults: PSSNamespacePolicy) -> PSSContext {
        guard let namespace = object.namespace, let labels = namespaces.labels(of: namespace),
            PSSNamespacePolicy.hasLabels(labels)
        else { return defaults.enforce }
        return PSSNamespacePolicy.parse(labels: labels, defaults: defaults).policy.enforce
    }
}

/// Namespace objects among the audit's inputs, by name, with their labels.
public struct NamespaceDirectory: Sendable {
    public private(set) var labels: [String: [String: String]] = [:]

    public init() {}

    /// Records a Namespace object (other kinds are ignored). The first definition of a name wins, so the
    /// result does not depend on thread timing.
    public mutating func record(_ object: KubeObject) {
        guard object.kind == "Namespace", object.group == "", !object.name.isEmpty else { return }
        if labels[object.name] == nil { labels[object.name] = object.labels }
    }

    /// The labels of namespace `name`, `nil` when it is not among the inputs.
    public func labels(of name: String) -> [String: String]? { labels[name] }
}

/// Analysis across objects (network policies selecting pods, service accounts bound to roles...).
///
/// The auditor calls ``observe(_:)`` for every object from its worker threads (so implementations must be
/// thread-safe and must copy or retain what they need: the auditor drops each document's tree after
/// evaluating it), then ``orderedFindings()`` once, after every input has been read.
public protocol CrossObjectAnalysis: AnyObject, Sendable {
    /// Ids of the rules the analysis runs, for the report's rule list.
    var ruleIDs: [String] { get }
    func observe(_ object: KubeObject)
    func findings() -> [Finding]
    /// The same findings, stored compactly in canonical order (``FindingList/sortCanonically()``).
    func orderedFindings() -> FindingList
    /// The findings a policy exemption suppressed, once ``orderedFindings()`` has run.
    func exemptedFindings() -> [ExemptedFinding]
}

extension CrossObjectAnalysis {
    public func exemptedFindings() -> [ExemptedFinding] { [] }

    public func orderedFindings() -> FindingList {
        var list = FindingList(findings())
        list.sortCanonically()
        return list
    }
}

/// Runs the engine over files, directories and standard input, in parallel, and builds the report.
///
/// Each file is one unit of work: read (memory-mapped), parsed document by document, each object evaluated
/// as soon as its document is complete and the document's tree released. Results are stored per input index
/// and merged in input order, and the report sorts findings canonically, so the output is identical for any
/// number of jobs.
public struct Auditor: Sendable {
    public typealias Evaluation = @Sendable (KubeObject, AuditContext) -> [Finding]
    /// An evaluation that also says what exemptions suppressed and which exemption annotations were ignored.
    public typealias TracedEvaluation = @Sendable (KubeObject, AuditContext) -> EvaluationResult

    public let options: AuditOptions
    public let profile: Profile
    public let activeRules: [String]
    private let evaluate: TracedEvaluation
    private let crossObject: (any CrossObjectAnalysis)?
    /// The scanner reports, and how a scanned image is judged, when the audit reads them.
    private var vulnerabilities: (reports: AuditVulnerabilities, evaluate: @Sendable (ScannedImage) -> EvaluationResult)?

    /// An auditor applying `engine` to each object.
    ///
    /// Under the `pss-baseline` and `pss-restricted` profiles, pods are judged by the Pod Security Standards at
    /// the policy's level and version (``Engine/podSecurity``), except in a namespace that is among the inputs
    /// and carries `pod-security.kubernetes.io/enforce` (and `enforce-version`) labels: there they are judged at
    /// the level the namespace enforces, as admission would. The auditor then reads the inputs that mention
    /// `Namespace` once before evaluating (``AuditOptions/collectNamespacesFirst``). Other profiles use Azure
    /// semantics and ignore the labels.
    ///
    /// With `vulnerabilities` (whose store `engine` reads), the VulnerabilityReports among the inputs join the
    /// given reports before any object is judged, and every scanned image is judged too.
    public init(
        engine: Engine, options: AuditOptions = AuditOptions(), crossObject: (any CrossObjectAnalysis)? = nil,
        vulnerabilities: AuditVulnerabilities? = nil
    ) {
        self.init(engine: engine, options: options, crossObject: crossObject)
        self.vulnerabilities = vulnerabilities.map { reports in (reports, { engine.evaluate($0) }) }
    }

    private init(engine: Engine, options: AuditOptions, crossObject: (any CrossObjectAnalysis)?) {
        var options = options
        let activeRules = engine.activeRuleIDs + (crossObject?.ruleIDs ?? [])
        guard let base = engine.podSecurity else {
            self.init(
                profile: engine.policy.profile, activeRules: activeRules, options: options,
                crossObject: crossObject, tracedEvaluate: { object, _ in engine.evaluate(object, admission: nil, pss: nil) })
            return
        }
        options.collectNamespacesFirst = true
        let defaults = PSSNamespacePolicy(enforce: base, audit: base, warn: base)
        self.init(
            profile: engine.policy.profile, activeRules: activeRules, options: options,
            crossObject: crossObject,
            tracedEvaluate: { object, context in
                engine.evaluate(object, admission: nil, pss: context.podSecurity(for: object, defaults: defaults))
            })
    }

    /// An auditor with a custom evaluation (namespace-aware engines, tests).
    public init(
        profile: Profile, activeRules: [String], options: AuditOptions = AuditOptions(),
        crossObject: (any CrossObjectAnalysis)? = nil, evaluate: @escaping Evaluation
    ) {
        self.init(
            profile: profile, activeRules: activeRules, options: options, crossObject: crossObject,
            tracedEvaluate: { object, context in
                var result = EvaluationResult()
                result.findings = evaluate(object, context)
                return result
            })
    }

    /// An auditor with a custom evaluation that reports exemptions too.
    public init(
        profile: Profile, activeRules: [String], options: AuditOptions = AuditOptions(),
        crossObject: (any CrossObjectAnalysis)? = nil, tracedEvaluate evaluate: @escaping TracedEvaluation
    ) {
        self.profile = profile
        self.activeRules = activeRules.sorted()
        self.options = options
        self.crossObject = crossObject
        self.evaluate = evaluate
    }

    /// Audits the paths as given on a command line (`-` for standard input). `inputErrors` (inputs that
    /// failed before the audit) are reported first.
    public func audit(paths: [String], inputErrors: [LoadError] = []) -> AuditReport {
        let (inputs, errors) = InputWalker().expand(paths)
        return audit(inputs, argumentErrors: inputErrors + errors)
    }

    /// Audits already expanded inputs. `argumentErrors` (unreadable paths) are reported first.
    ///
    /// The steps: standard input read once, the namespace pre-scan, the evaluation of every input, the
    /// assembly of the ordered findings, the report. What runs alongside what, and when freed memory goes back
    /// to the system, is ``AuditMemory``'s policy.
    public func audit(_ inputs: [AuditInput], argumentErrors: [LoadError] = []) -> AuditReport {
        let standardInput = readStandardInput(ifAmong: inputs)
        let context = namespacePreScan(inputs, standardInput: standardInput)
        let reportErrors = vulnerabilities.map {
            $0.reports.settle(found: collectVulnerabilityReports(inputs, standardInput: standardInput))
        } ?? []
        if vulnerabilities != nil { options.clock?.mark("scanner reports (--vulns, VulnerabilityReports among the inputs)") }
        var options = self.options
        let line = options.showsProgress ? Self.progressLine(for: inputs, limits: &options.limits) : nil
        line?.start()
        var outcomes = evaluateInputs(inputs, in: context, standardInput: standardInput, options: options)
        line?.stop()
        if let images = judgeScannedImages(errors: reportErrors) { outcomes.insert(images, at: 0) }
        let assembled = assembleFindings(outcomes, argumentErrors: argumentErrors)
        return AuditReport(
            profile: profile, activeRules: activeRules, files: inputs.map(\.description),
            objectCount: assembled.objectCount, orderedFindings: assembled.findings, errors: assembled.errors,
            notes: assembled.notes, exempted: assembled.exempted, exemptionNotes: assembled.exemptionNotes)
    }

    /// The findings of every scanned image, and the errors of reading the scanner reports, as one more input's
    /// outcome (last in input order: `outcomes` are last input first).
    private func judgeScannedImages(errors: [LoadError]) -> FileOutcome? {
        guard let (reports, evaluate) = vulnerabilities else { return nil }
        var outcome = FileOutcome()
        outcome.errors = errors
        for image in reports.store.index?.images ?? [] {
            outcome.evaluated.add(evaluate(image), of: KubeObject(scannedImage: image))
        }
        return outcome
    }

    /// A progress line over `inputs` (their sizes make the total), with `limits` set to count into it.
    private static func progressLine(for inputs: [AuditInput], limits: inout LoadLimits) -> AuditProgressLine {
        let progress = LoadProgress()
        limits.progress = progress
        var total = 0
        for case .file(let path) in inputs {
            var info = stat()
            if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { total += Int(info.st_size) }
        }
        return AuditProgressLine(progress: progress, totalBytes: inputs.contains(.standardInput) ? 0 : total)
    }

    /// Standard input, read once when it is among the inputs: it can be read only once, and the namespace
    /// pre-scan and the evaluation both read it.
    private func readStandardInput(ifAmong inputs: [AuditInput]) -> SendableResult? {
        guard inputs.contains(.standardInput) else { return nil }
        return SendableResult(value: InputBytes.readStandardInput(options.standardInputDescriptor))
    }

    /// The namespaces among the inputs, for namespace-aware evaluation (``AuditOptions/collectNamespacesFirst``).
    private func namespacePreScan(_ inputs: [AuditInput], standardInput: SendableResult?) -> AuditContext {
        guard options.collectNamespacesFirst else { return AuditContext() }
        return AuditContext(namespaces: collectNamespaces(inputs, standardInput: standardInput))
    }

    /// Reads, parses and evaluates every input, on up to ``AuditOptions/jobs`` threads, and returns what each
    /// produced, last input first (so the assembly moves each out whole with `popLast`).
    private func evaluateInputs(
        _ inputs: [AuditInput], in context: AuditContext, standardInput stdinBytes: SendableResult?, options: AuditOptions
    ) -> [FileOutcome] {
        let slots = ResultSlots<FileOutcome>(count: inputs.count)
        let limits = options.limits
        let progress = limits.progress
        let evaluate = self.evaluate
        let crossObject = self.crossObject
        // With more cores than inputs, each input's objects are evaluated on the spare cores too (one big
        // `kubectl get -o json` export would otherwise keep one core busy and leave the others idle).
        let pipelined = inputs.count < options.jobs
        let evaluators = max(1, options.jobs / max(1, inputs.count) - 1)
        WorkerPool.run(count: inputs.count, jobs: options.jobs) { index in
            let input = inputs[index]
            var outcome = FileOutcome()
            let evaluateOne: (KubeObject) -> EvaluationResult = { object in
                crossObject?.observe(object)
                return evaluate(object, context)
            }
            let loaded: LoadOutcome
            if pipelined {
                let pipeline = EvaluationPipeline(evaluators: evaluators, evaluate: evaluateOne)
                // When a big list's kind cannot be read back from the end of the input, its items are skimmed
                // before the first is parsed; the evaluating threads have nothing to do then, so one of the
                // spare cores skims half.
                var limits = limits
                limits.skimsListsOnSpareCore = true
                loaded = FileProcessor(limits: limits).process(input, standardInput: stdinBytes) { object in
                    outcome.objectCount += 1
                    if outcome.objectCount & 1023 == 0 { progress?.add(objects: 1024) }
                    pipeline.submit(object)
                }
                var parts = pipeline.finish()
                parts.reverse()
                outcome.evaluated = parts.popLast() ?? EvaluatedObjects()
                outcome.moreEvaluated = parts
            } else {
                loaded = FileProcessor(limits: limits).process(input, standardInput: stdinBytes) { object in
                    outcome.objectCount += 1
                    if outcome.objectCount & 1023 == 0 { progress?.add(objects: 1024) }
                    outcome.evaluated.add(evaluateOne(object), of: object)
                }
            }
            progress?.add(objects: outcome.objectCount & 1023)
            outcome.notes = loaded.notes
            outcome.errors = loaded.errors
            slots.set(index, outcome)
        }
        return inputs.indices.reversed().compactMap { slots.take($0) }
    }

    /// The report's findings in canonical order, with the inputs' errors (after `argumentErrors`) and notes.
    private struct AssembledFindings {
        var objectCount: Int
        var findings: FindingList
        var errors: [LoadError]
        var notes: [LoadNote]
        var exempted: [ExemptedFinding]
        var exemptionNotes: [ExemptionNote]
    }

    /// Gathers the per-object findings of every input, runs the cross-object analysis, and orders and merges
    /// both. The cross-object rules share nothing with the per-object findings, so they run while those are
    /// gathered and sorted (on another thread when there is another core, and as ``AuditMemory`` allows), and
    /// the two sorted lists are merged rule by rule.
    private func assembleFindings(
        _ outcomes: consuming [FileOutcome], argumentErrors: [LoadError]
    ) -> AssembledFindings {
        let objectCount = outcomes.reduce(0) { $0 + $1.objectCount }
        let memory = AuditMemory(objectCount: objectCount)
        let crossAlongside = options.jobs > 1 && memory.worksAlongside
            ? crossObject.flatMap { analysis in BackgroundWork.start { analysis.orderedFindings() } } : nil

        // Findings are kept compactly (FindingList): a million-object audit reports millions of them.
        var evaluated = EvaluatedObjects()
        var errors = argumentErrors
        var notes: [LoadNote] = []
        while var outcome = outcomes.popLast() {
            // Moved out of the outcome, so the first input's builder is taken over, not copied.
            var first = EvaluatedObjects()
            swap(&first, &outcome.evaluated)
            evaluated.append(contentsOf: first)
            while let part = outcome.moreEvaluated.popLast() { evaluated.append(contentsOf: part) }
            errors.append(contentsOf: outcome.errors)
            notes.append(contentsOf: outcome.notes)
        }
        // The parsed trees are gone; what they occupied between the findings is given back before the
        // cross-object analysis and the sort allocate their own.
        memory.handBackFreed()
        options.clock?.mark("read, parse, evaluate")
        // `consume`: otherwise the builder variable keeps the list's arrays alive to the end of this function, and
        // sorting them in place copies every record (hundreds of megabytes on a million objects).
        var exempted = evaluated.exempted
        let exemptionNotes = evaluated.exemptionNotes
        var list = (consume evaluated).findings.finish()
        if let crossObject {
            var crossFindings: FindingList?
            if crossAlongside == nil {
                crossFindings = crossObject.orderedFindings()
                // What the analysis freed is given back before the sort allocates its keys.
                memory.handBackFreed()
                options.clock?.mark("cross-object analysis")
            }
            list.sortCanonically()
            if let crossAlongside { crossFindings = crossAlongside.wait() }
            list = FindingList.merging(consume list, crossFindings.take() ?? FindingList())
            exempted += crossObject.exemptedFindings()
            // The cross-object list and the arrays the merge outgrew are gone: given back before the report is
            // rendered.
            memory.handBackFreed()
            options.clock?.mark(crossAlongside == nil ? "order findings" : "cross-object analysis, order findings (at once)")
        } else {
            list.sortCanonically()
            options.clock?.mark("order findings")
        }
        return AssembledFindings(
            objectCount: objectCount, findings: list, errors: errors, notes: notes, exempted: exempted,
            exemptionNotes: exemptionNotes)
    }

    private func collectNamespaces(
        _ inputs: [AuditInput], standardInput: SendableResult?
    ) -> NamespaceDirectory {
        let slots = ResultSlots<NamespaceDirectory>(count: inputs.count)
        let limits = options.limits
        WorkerPool.run(count: inputs.count, jobs: options.jobs) { index in
            var directory = NamespaceDirectory()
            guard InputScan.mayMention("Namespace", in: inputs[index], standardInput: standardInput) else {
                slots.set(index, directory)
                return
            }
            _ = FileProcessor(limits: limits).process(inputs[index], standardInput: standardInput) { object in
                directory.record(object)
            }
            slots.set(index, directory)
        }
        var merged = NamespaceDirectory()
        for index in inputs.indices {
            guard let directory = slots.take(index) else { continue }
            for (name, labels) in directory.labels.sorted(by: { $0.key < $1.key }) where merged.labels(of: name) == nil {
                merged.setLabels(labels, for: name)
            }
        }
        return merged
    }
}

extension NamespaceDirectory {
    mutating func setLabels(_ value: [String: String], for name: String) { labels[name] = value }
}

/// What one input produced.
struct FileOutcome: Sendable {
    var objectCount = 0
    var evaluated = EvaluatedObjects()
    /// Other threads' results for the same input, last thread first (see ``EvaluationPipeline/finish()``).
    var moreEvaluated: [EvaluatedObjects] = []
    var notes: [LoadNote] = []
    var errors: [LoadError] = []
}

/// A read result shared read-only between worker threads.
struct SendableResult: @unchecked Sendable {
    // @unchecked: InputBytes is immutable after reading.
    let value: Result<InputBytes, LoadError>
}

/// Loads one input with KubeModel's streaming loader and hands each object over as soon as it is parsed;
/// nothing keeps an object's tree alive once the handler returns.
struct FileProcessor {
    let limits: LoadLimits

    func process(
        _ input: AuditInput, standardInput: SendableResult?, onObject: (KubeObject) -> Void
    ) -> LoadOutcome {
        switch input {
        case .file(let path):
            return Manifests.load(contentsOf: path, limits: limits, onObject: onObject)
        case .standardInput:
            switch standardInput?.value {
            case .success(let data):
                return data.withBytes { bytes in
                    defer { limits.progress?.add(bytes: bytes.count) }
                    return Manifests.load(bytes, file: "-", limits: limits, onObject: onObject)
                }
            case .failure(let error):
                var outcome = LoadOutcome(file: "-", format: .yaml)
                outcome.errors.append(error)
                return outcome
            case nil:
                var outcome = LoadOutcome(file: "-", format: .yaml)
                outcome.errors.append(LoadError(file: "-", position: .unknown, message: "standard input was not read"))
                return outcome
            }
        }
    }
}

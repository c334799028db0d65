import KubeModel

/// pod-run-as-ids: user and group ids within the configured ranges (Azure's users-and-groups policy).
public struct PodRunAsIds: Rule {
    public static let description = RuleDescription(
        id: "pod-run-as-ids",
        title: "Allowed user and group ids",
        category: .podSecurity,
        severity: .medium,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            Azure's k8sazurev3allowedusersgroups, with the same rule names and ranges ({min, max}; max -1 means \
            no upper bound):
            - runAsUser (per container, the container's securityContext.runAsUser else the pod's): \
            `MustRunAs` fails when it is unset or outside `runAsUserRanges`; `MustRunAsNonRoot` fails when it \
            is 0, or when it is unset and runAsNonRoot (container's else pod's) is not true; `RunAsAny` passes.
            - runAsGroup (per container, container else pod): `MustRunAs` fails when unset or out of range; \
            `MayRunAs` fails only when set and out of range.
            - fsGroup (pod securityContext): `MustRunAs` / `MayRunAs` as for runAsGroup.
            - supplementalGroups (pod securityContext, each element): `MustRunAs` fails when the list is empty \
            or an element is out of range; `MayRunAs` when an element is out of range.
            Every rule defaults to `RunAsAny`, so the rule reports nothing until configured. Azure's policy \
            defaults runAsUser to MustRunAsNonRoot; here that check is pod-run-as-non-root and \
            pod-run-as-user-root (PSS semantics), and defaulting it here too would report the same container \
            twice. Azure reads the pod-level securityContext only when the object is a Pod (a quirk of its \
            Rego); Gatehouse reads the pod template's too, since it becomes the pod's.
            Windows pods are skipped (spec.os.name or nodeSelector kubernetes.io/os: windows): these fields are \
            Linux-only.
            """,
        rationale: """
            Pinning workloads to known id ranges keeps them off the node's system users and groups, and makes \
            file ownership on shared volumes predictable.
            """,
        remediation: "Set securityContext.runAsUser / runAsGroup / fsGroup / supplementalGroups within the allowed ranges.",
        references: [
            .azurePolicy("Kubernetes cluster pods and containers should only run with approved user and group IDs (f06ddb64)"),
            .other("KSV020, KSV021, KSV116"),
        ],
        parameters: [
            ParameterSpec("runAsUserRule", .string, default: "RunAsAny", "MustRunAs, MustRunAsNonRoot or RunAsAny."),
            ParameterSpec("runAsUserRanges", .objectList(["min": .int, "max": .int]), default: "[]", "Allowed user ids."),
            ParameterSpec("runAsGroupRule", .string, default: "RunAsAny", "MustRunAs, MayRunAs or RunAsAny."),
            ParameterSpec("runAsGroupRanges", .objectList(["min": .int, "max": .int]), default: "[]", "Allowed group ids."),
            ParameterSpec("supplementalGroupsRule", .string, default: "RunAsAny", "MustRunAs, MayRunAs or RunAsAny."),
            ParameterSpec(
                "supplementalGroupsRanges", .objectList(["min": .int, "max": .int]), default: "[]",
                "Allowed supplemental group ids."),
            ParameterSpec("fsGroupRule", .string, default: "RunAsAny", "MustRunAs, MayRunAs or RunAsAny."),
            ParameterSpec("fsGroupRanges", .objectList(["min": .int, "max": .int]), default: "[]", "Allowed fsGroup ids."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27}
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  securityContext: {runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [2001]}
                  containers:
                  - {name: app, image: nginx:1.27}
                  - {name: side, image: envoy:1.30, securityContext: {runAsUser: 65534}}
                """,
                parameters: """
                    {runAsUserRule: MustRunAs, runAsUserRanges: [{min: 1000, max: -1}],
                     runAsGroupRule: MayRunAs, runAsGroupRanges: [{min: 3000, max: 3999}],
                     fsGroupRule: MustRunAs, fsGroupRanges: [{min: 2000, max: 2999}],
                     supplementalGroupsRule: MayRunAs, supplementalGroupsRanges: [{min: 2000, max: 2999}]}
                    """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      securityContext: {runAsUser: 1000, fsGroup: 10, supplementalGroups: [2001, 5]}
                      containers:
                      - {name: app, image: nginx:1.27, securityContext: {runAsUser: 10, runAsGroup: 4000}}
                      - {name: ok, image: envoy:1.30}
                """,
                parameters: """
                    {runAsUserRule: MustRunAs, runAsUserRanges: [{min: 1000, max: -1}],
                     runAsGroupRule: MayRunAs, runAsGroupRanges: [{min: 3000, max: 3999}],
                     fsGroupRule: MustRunAs, fsGroupRanges: [{min: 2000, max: 2999}],
                     supplementalGroupsRule: MayRunAs, supplementalGroupsRanges: [{min: 2000, max: 2999}]}
                    """,
                paths: [
                    "spec.template.spec.containers[0].securityContext.runAsUser",
                    "spec.template.spec.containers[0].securityContext.runAsGroup",
                    "spec.template.spec.securityContext.fsGroup",
                    "spec.template.spec.securityContext.supplementalGroups[1]",
                ]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: root, image: app:1, securityContext: {runAsUser: 0}}
                  - {name: unset, image: app:1}
                  - {name: ok, image: app:1, securityContext: {runAsNonRoot: true}}
                """,
                parameters: "{runAsUserRule: MustRunAsNonRoot, runAsGroupRule: MustRunAs, runAsGroupRanges: [{min: 1, max: 65535}]}",
                paths: [
                    "spec.containers[0].securityContext.runAsUser",
                    "spec.containers[0].securityContext.runAsGroup",
                    "spec.containers[1].securityContext.runAsUser",
                    "spec.containers[1].securityContext.runAsGroup",
                    "spec.containers[2].securityContext.runAsGroup",
                ]),
        ]
    )

    /// An inclusive id range; `max == nil` is open-ended (`max: -1` in the policy).
    struct IDRange: Sendable {
        let min: Int
        let max: Int?
        func contains(_ id: Int) -> Bool { id >= min && (max.map { id <= $0 } ?? true) }
    }

    enum Mode: String, Sendable {
        case mustRunAs = "MustRunAs", mayRunAs = "MayRunAs", mustRunAsNonRoot = "MustRunAsNonRoot"
        case runAsAny = "RunAsAny"
    }

    struct Field: Sendable {
        let mode: Mode
        let ranges: [IDRange]
        func allows(_ id: Int) -> Bool { ranges.contains { $0.contains(id) } }
        var describedRanges: String {
            ranges.map { r in r.max.map { "\(r.min)-\($0)" } ?? "\(r.min)+" }.joined(separator: ", ")
        }
    }

    let user: Field
    let group: Field
    let supplemental: Field
    let fsGroup: Field

    public init(parameters: RuleParameters) throws {
        func field(_ name: String, _ modes: [Mode]) throws -> Field {
            let mode = Mode(rawValue: try parameters.choice("\(name)Rule", modes.map(\.rawValue), default: "RunAsAny"))!
            var ranges: [IDRange] = []
            for item in parameters.value("\(name)Ranges").map({ Array($0.items) }) ?? [] {
                guard let min = item["min"]?.int, let max = item["max"]?.int, max == -1 || max >= min else {
                    throw ParameterError(
                        parameter: "\(name)Ranges", position: item.position,
                        message: "each range needs integer min and max (max >= min, or -1 for no upper bound)")
                }
                ranges.append(IDRange(min: min, max: max == -1 ? nil : max))
            }
            if mode == .mustRunAs || mode == .mayRunAs, ranges.isEmpty {
                throw ParameterError(
                    parameter: "\(name)Ranges", position: parameters.value("\(name)Rule")?.position ?? .unknown,
                    message: "\(mode.rawValue) needs at least one range")
            }
            return Field(mode: mode, ranges: ranges)
        }
        user = try field("runAsUser", [.mustRunAs, .mustRunAsNonRoot, .runAsAny])
        group = try field("runAsGroup", [.mustRunAs, .mayRunAs, .runAsAny])
        supplemental = try field("supplementalGroups", [.mustRunAs, .mayRunAs, .runAsAny])
        fsGroup = try field("fsGroup", [.mustRunAs, .mayRunAs, .runAsAny])
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template, !template.isWindowsByOS, !template.isWindowsByNodeSelector else {
            return
        }
        let pod = template.securityContext
        for container in template.containers {
            checkUser(container, pod: pod, template, &context)
            checkContainerGroup(container, pod: pod, template, &context)
        }
        checkPodGroup(fsGroup, "fsGroup", template, &context)
        checkSupplemental(template, &context)
    }

    /// The container's value of `key`, else the pod's, with its path.
    private func effective(
        _ key: String, _ container: Container, pod: Value?, _ template: PodTemplate
    ) -> (value: Value, path: String)? {
        if let v = container.securityContext?[key] { return (v, container.path("securityContext.\(key)")) }
        if let v = pod?[key] { return (v, template.path("securityContext.\(key)")) }
        return nil
    }

    private func checkUser(_ container: Container, pod: Value?, _ template: PodTemplate, _ context: inout CheckContext) {
        let missingPath = container.path("securityContext.runAsUser")
        let anchor = container.securityContext ?? container.value
        let found = effective("runAsUser", container, pod: pod, template)
        switch user.mode {
        case .runAsAny, .mayRunAs:
            return
        case .mustRunAsNonRoot:
            if let found, found.value.int == 0 {
                context.report(
                    "container \"\(container.name)\" runs as user 0 (root)", path: found.path, at: found.value,
                    container: container)
            } else if found == nil {
                let nonRoot = container.securityContext?["runAsNonRoot"] ?? pod?["runAsNonRoot"]
                guard nonRoot?.isTrue != true else { return }
                context.report(
                    "container \"\(container.name)\" sets neither runAsUser nor runAsNonRoot=true",
                    path: missingPath, at: anchor, container: container)
            }
        case .mustRunAs:
            guard let found else {
                context.report(
                    "container \"\(container.name)\" does not set runAsUser (allowed: \(user.describedRanges))",
                    path: missingPath, at: anchor, container: container)
                return
            }
            guard let id = found.value.int, user.allows(id) else {
                context.report(
                    "container \"\(container.name)\" runs as user \(found.value.string ?? "?"), outside \(user.describedRanges)",
                    path: found.path, at: found.value, container: container)
                return
            }
        }
    }

    private func checkContainerGroup(
        _ container: Container, pod: Value?, _ template: PodTemplate, _ context: inout CheckContext
    ) {
        guard group.mode == .mustRunAs || group.mode == .mayRunAs else { return }
        guard let found = effective("runAsGroup", container, pod: pod, template) else {
            guard group.mode == .mustRunAs else { return }
            context.report(
                "container \"\(container.name)\" does not set runAsGroup (allowed: \(group.describedRanges))",
                path: container.path("securityContext.runAsGroup"), at: container.securityContext ?? container.value,
                container: container)
            return
        }
        guard let id = found.value.int, group.allows(id) else {
            context.report(
                "container \"\(container.name)\" runs as group \(found.value.string ?? "?"), outside \(group.describedRanges)",
                path: found.path, at: found.value, container: container)
            return
        }
    }

    private func checkPodGroup(_ field: Field, _ key: String, _ template: PodTemplate, _ context: inout CheckContext) {
        guard field.mode == .mustRunAs || field.mode == .mayRunAs else { return }
        let path = template.path("securityContext.\(key)")
        guard let value = template.securityContext?[key] else {
            guard field.mode == .mustRunAs else { return }
            context.report(
                "pod does not set \(key) (allowed: \(field.describedRanges))", path: path,
                at: template.securityContext ?? template.spec)
            return
        }
        guard let id = value.int, field.allows(id) else {
            context.report("pod sets \(key) \(value.string ?? "?"), outside \(field.describedRanges)", path: path, at: value)
            return
        }
    }

    private func checkSupplemental(_ template: PodTemplate, _ context: inout CheckContext) {
        guard supplemental.mode == .mustRunAs || supplemental.mode == .mayRunAs else { return }
        let list = template.securityContext?["supplementalGroups"]
        let items = list.map { Array($0.items) } ?? []
        if items.isEmpty {
            guard supplemental.mode == .mustRunAs else { return }
            context.report(
                "pod does not set supplementalGroups (allowed: \(supplemental.describedRanges))",
                path: template.path("securityContext.supplementalGroups"),
                at: list ?? template.securityContext ?? template.spec)
            return
        }
        for (i, item) in items.enumerated() {
            guard let id = item.int, supplemental.allows(id) else {
                context.report(
                    "pod has supplemental group \(item.string ?? "?"), outside \(supplemental.describedRanges)",
                    path: template.path("securityContext.supplementalGroups[\(i)]"), at: item)
                continue
            }
        }
    }
}

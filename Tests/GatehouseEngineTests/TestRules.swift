import GatehouseRules
import KubeModel

/// Rules with every kind of parameter and finding, so the policy and engine tests do not depend on the
/// catalogue's contents. Sorted by id, like the registry.
enum TestCatalogue {
    static let rules: [any Rule.Type] = [
        PodPrivileged.self, TestHostNetwork.self, TestImageTag.self, TestOptional.self, TestRequester.self,
    ]
}

/// Reports pod-level `hostNetwork: true` (a finding with no container).
struct TestHostNetwork: Rule {
    static let description = RuleDescription(
        id: "test-host-network", title: "Host network", category: .podSecurity, severity: .high, action: .deny,
        scope: .podSpec, profiles: [.aks, .pssBaseline], spec: "hostNetwork must not be true.", rationale: "-",
        remediation: "Remove hostNetwork.", references: [], passing: [], failing: [])

    init(parameters: RuleParameters) throws {}

    func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template, let value = template.spec["hostNetwork"], value.isTrue else { return }
        context.report("hostNetwork must not be true", path: template.path("hostNetwork"), at: value)
    }
}

/// Reports each container whose image has no tag or the `latest` tag; takes one parameter of every type.
struct TestImageTag: Rule {
    static let description = RuleDescription(
        id: "test-image-tag", title: "Image tag", category: .images, severity: .medium, action: .warn,
        scope: .podSpec, profiles: [.aks], spec: "Images must be pinned.", rationale: "-",
        remediation: "Pin the tag.", references: [],
        parameters: [
            ParameterSpec("allowedTags", .stringList, default: "[]", "Tags that pass even if mutable."),
            ParameterSpec("pattern", .regex, default: "", "Images matching it pass."),
            ParameterSpec("maxCount", .int, default: "10", "Must not be negative."),
            ParameterSpec("strict", .bool, default: "false", "-"),
            ParameterSpec("memory", .quantity, default: "1Gi", "-"),
            ParameterSpec("label", .string, default: "", "-"),
            ParameterSpec("registries", .objectList(["host": .string, "port": .int]), default: "[]", "-"),
        ],
        passing: [], failing: [])

    let allowedTags: [String]

    init(parameters: RuleParameters) throws {
        allowedTags = parameters.strings("allowedTags", default: [])
        if parameters.int("maxCount", default: 10) < 0 {
            throw ParameterError(
                parameter: "maxCount", position: parameters.value("maxCount")?.position ?? .unknown,
                message: "must not be negative")
        }
    }

    func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template else { return }
        for container in template.containers {
            guard let image = ImageReference(container.image), image.digest == nil,
                let tag = image.effectiveTag, tag == "latest", !allowedTags.contains(tag)
            else { continue }
            context.report(
                "container \"\(container.name)\" uses a mutable image tag", path: container.path("image"),
                at: container.value["image"], container: container)
        }
    }
}

/// In no profile: runs only when a policy turns it on (or with profile `all`).
struct TestOptional: Rule {
    static let description = RuleDescription(
        id: "test-optional", title: "Optional", category: .resources, severity: .low, action: .audit,
        scope: .podSpec, profiles: [], spec: "Every pod fails.", rationale: "-", remediation: "-",
        references: [], passing: [], failing: [])

    init(parameters: RuleParameters) throws {}

    func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template else { return }
        context.report("optional rule fired", path: template.specPath, at: template.spec)
    }
}

/// Reads the admission request: fails any object a user named `mallory` submits. In no profile.
struct TestRequester: Rule {
    static let description = RuleDescription(
        id: "test-requester", title: "Requester", category: .rbac, severity: .low, action: .deny,
        scope: .podSpec, profiles: [], spec: "mallory may not create pods.", rationale: "-", remediation: "-",
        references: [], passing: [], failing: [])

    init(parameters: RuleParameters) throws {}

    func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard context.request?.user == "mallory", let template = context.template else { return }
        context.report("mallory may not create pods", path: template.specPath, at: template.spec)
    }
}

import KubeModel

/// image-pull-policy: containers use an allowed imagePullPolicy.
public struct ImagePullPolicy: Rule {
    public static let description = RuleDescription(
        id: "image-pull-policy",
        title: "Allowed image pull policy",
        category: .images,
        severity: .low,
        action: .warn,
        scope: .podSpec,
        profiles: [],
        spec: """
            Fails for each container (initContainers, containers, ephemeralContainers) whose imagePullPolicy \
            is not in `allowedPullPolicy`. When the field is absent, the value the API server would default it \
            to is checked, so the webhook (which sees the defaulted object) and the auditor (which reads the \
            manifest) agree: `Always` when the image's tag is `latest` or it has neither tag nor digest, \
            otherwise `IfNotPresent`.
            Default `allowedPullPolicy`: [Always, IfNotPresent, Never] - every policy, because guidance \
            conflicts: Azure's policy sample allows IfNotPresent and Never, Polaris wants Always. Set the list \
            to the one your platform chooses. Off by default (only in the `all` profile).
            Fields: spec.*Containers[*].imagePullPolicy, spec.*Containers[*].image.
            """,
        rationale: """
            `Always` re-checks registry credentials on every start, so a pod cannot reuse a private image pulled \
            for another tenant; `IfNotPresent` avoids registry outages taking down restarts. Pick one on purpose.
            """,
        remediation: "Set imagePullPolicy to one of the allowed values on every container.",
        references: [
            .azurePolicy("Kubernetes clusters should use allowed imagePullPolicy (50c83470, UNVERIFIED display name)"),
            .other("Polaris pullPolicyNotAlways"),
        ],
        parameters: [
            ParameterSpec(
                "allowedPullPolicy", .stringList, default: "[Always, IfNotPresent, Never]",
                "Allowed values of imagePullPolicy (after defaulting)."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: "nginx:latest", imagePullPolicy: Always}
                  - {name: side, image: "envoy"}
                """,
                parameters: "{allowedPullPolicy: [Always]}"),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: "nginx:latest", imagePullPolicy: IfNotPresent}
                  - {name: side, image: "envoy:1.30"}
                  - {name: dev, image: "envoy"}
                """,
                parameters: "{allowedPullPolicy: [Always]}",
                paths: ["spec.containers[0].imagePullPolicy", "spec.containers[1].imagePullPolicy"]),
        ]
    )

    let allowed: [String]

    public init(parameters: RuleParameters) {
        allowed = parameters.strings("allowedPullPolicy", default: ["Always", "IfNotPresent", "Never"])
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template else { return }
        for container in template.containers {
            let written = container.value["imagePullPolicy"]
            let policy: String
            var how = ""
            if let text = written?.string, !text.isEmpty {
                policy = text
            } else {
                let tag = ImageReference(container.image)?.effectiveTag
                policy = tag == "latest" ? "Always" : "IfNotPresent"
                how = " (defaulted for image \"\(container.image)\")"
            }
            guard !allowed.contains(policy) else { continue }
            context.report(
                "container \"\(container.name)\" has imagePullPolicy \(policy)\(how), allowed: \(allowed.joined(separator: ", "))",
                path: container.path("imagePullPolicy"), at: written ?? container.value, container: container)
        }
    }
}

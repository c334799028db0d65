import KubeModel

/// resources-requests: every container requests CPU and memory.
public struct ResourcesRequests: Rule {
    public static let description = RuleDescription(
        id: "resources-requests",
        title: "CPU and memory requests set",
        category: .resources,
        severity: .low,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            Fails, for each container in containers and initContainers, when resources.requests.cpu or \
            resources.requests.memory is missing or empty, or is not a valid Kubernetes quantity.
            Fields: spec.{initContainers,containers}[*].resources.{requests,limits}.{cpu,memory}.
            A request counts as set when the matching limit is set: the API server defaults a missing request \
            to the limit before validating admission webhooks run, so the webhook and the auditor give the \
            same verdict for the same manifest. Ephemeral containers are not visited (the API forbids \
            resources on them), consistent with resources-limits.
            """,
        rationale: """
            The scheduler places pods by their requests. A pod without requests is BestEffort (or Burstable with \
            a zero request): it lands on crowded nodes and is the first evicted under pressure.
            """,
        remediation: "Set resources.requests.cpu and resources.requests.memory on every container.",
        references: [
            .azurePolicy("Kubernetes cluster containers should have resource requests (03a4ecdb, UNVERIFIED display name)"),
            .other("KSV015, KSV016, Polaris cpuRequestsMissing / memoryRequestsMissing"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27, resources: {requests: {cpu: 100m, memory: 128Mi}}}
                  - {name: side, image: envoy:1.30, resources: {limits: {cpu: 100m, memory: 128Mi}}}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: report}
                spec:
                  schedule: "0 * * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          containers:
                          - {name: job, image: report:3, resources: {requests: {cpu: 1.5.5}, limits: {memory: 1Gi}}}
                          - {name: side, image: envoy:1.30}
                """,
                paths: [
                    "spec.jobTemplate.spec.template.spec.containers[0].resources.requests.cpu",
                    "spec.jobTemplate.spec.template.spec.containers[1].resources.requests.cpu",
                    "spec.jobTemplate.spec.template.spec.containers[1].resources.requests.memory",
                ]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template else { return }
        for container in template.containers where container.list != .ephemeralContainers {
            ResourceField.check(
                container, section: "requests", resources: ["cpu", "memory"], satisfiedBy: "limits", &context)
        }
    }
}

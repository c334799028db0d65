import KubeModel

/// pod-automount-sa-token: pods opt out of mounting the ServiceAccount token.
public struct PodAutomountSaToken: Rule {
    public static let description = RuleDescription(
        id: "pod-automount-sa-token",
        title: "ServiceAccount token automounted",
        category: .podSecurity,
        severity: .medium,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            Fails when the pod spec's automountServiceAccountToken is not `false` (unset or true).
            Azure's k8sazurev2blockautomounttoken fails on `true`, or on an unset field when a container mounts \
            /var/run/secrets/kubernetes.io/serviceaccount. At admission the API server's ServiceAccount plugin \
            has already injected that mount into every pod without an explicit `false`, so Azure fails exactly \
            the pods this rule fails; reading the field directly gives the auditor (which sees manifests before \
            injection) the same verdict.
            The ServiceAccount's own automountServiceAccountToken is not consulted (nor by Azure): resolving it \
            needs the cluster index, and a pod-level `false` is the setting that cannot be changed under the pod.
            Field: spec.automountServiceAccountToken.
            """,
        rationale: """
            A mounted token lets any process in the pod call the API server as the ServiceAccount; most \
            workloads never need it, and it is the first thing an intruder reads.
            """,
        remediation: "Set spec.automountServiceAccountToken: false; mount a projected token only where the API is needed.",
        references: [
            .azurePolicy("Kubernetes clusters should disable automounting API credentials (423dd1ba)"),
            .defender("Kubernetes clusters should disable automounting API credentials"),
            .cis("5.1.6 [AKS 4.1.6]"),
            .other("KSV036, Polaris automountServiceAccountToken, kubeaudit AutomountServiceAccountTokenTrueAndDefaultSA"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  automountServiceAccountToken: false
                  containers:
                  - {name: app, image: nginx:1.27}
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
                      containers:
                      - {name: app, image: nginx:1.27}
                """,
                paths: ["spec.template.spec.automountServiceAccountToken"]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  automountServiceAccountToken: true
                  containers:
                  - {name: app, image: nginx:1.27}
                """,
                paths: ["spec.automountServiceAccountToken"]),
        ],
        fix: .setting(
            "automountServiceAccountToken", to: .bool(false), summary: "sets automountServiceAccountToken to false")
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template else { return }
        let value = template.spec["automountServiceAccountToken"]
        guard value?.bool != false else { return }
        let message = value?.isTrue == true
            ? "pod sets automountServiceAccountToken=true"
            : "pod does not set automountServiceAccountToken=false"
        context.report(message, path: template.path("automountServiceAccountToken"), at: value ?? template.spec)
    }
}

import KubeModel

/// image-pull-secrets: pods pull with credentials.
public struct ImagePullSecrets: Rule {
    public static let description = RuleDescription(
        id: "image-pull-secrets",
        title: "Authenticated image pulls",
        category: .images,
        severity: .low,
        action: .warn,
        scope: .podSpec,
        profiles: [],
        spec: """
            Fails when the pod spec has no imagePullSecrets, or an empty list. Azure's sample only requires \
            the key to be present; an empty list authenticates nothing, so it fails here. Pull secrets that \
            the ServiceAccount adds (`serviceAccount.imagePullSecrets`) are injected by the API server before \
            validating webhooks run, so the webhook sees them while the auditor reading a manifest does not; \
            AKS clusters usually pull from ACR with the kubelet identity instead, hence off by default (only \
            in the `all` profile). Field: spec.imagePullSecrets.
            """,
        rationale: "Anonymous pulls from a public registry cannot be attributed, rate-limited per tenant, or restricted.",
        remediation: "Add spec.imagePullSecrets naming a docker-registry Secret, or attach the pull secret to the ServiceAccount.",
        references: [
            .azurePolicy("Kubernetes clusters should restrict image pulls to authenticated registries (12db3749, UNVERIFIED display name)"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  imagePullSecrets: [{name: acr}]
                  containers:
                  - {name: app, image: "myacr.azurecr.io/app:1"}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db}
                spec:
                  template:
                    spec:
                      imagePullSecrets: []
                      containers:
                      - {name: db, image: "postgres:16"}
                """,
                paths: ["spec.template.spec.imagePullSecrets"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template else { return }
        let secrets = template.spec["imagePullSecrets"]
        guard secrets.map({ !$0.isSequence || $0.count == 0 }) ?? true else { return }
        context.report(
            "pod has no imagePullSecrets", path: template.path("imagePullSecrets"), at: secrets ?? template.spec)
    }
}

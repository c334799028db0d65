import KubeModel

/// rbac-webhook-config: Manage admission webhooks.
public struct RbacWebhookConfig: PermissionGrantRule {
    public static let description = RuleDescription(
        id: "rbac-webhook-config",
        title: "Manage admission webhooks",
        category: .rbac,
        severity: .critical,
        action: .warn,
        scope: RoleChecks.roleKinds,
        profiles: [.aks],
        spec: """
            Fails for each rules[] entry that grants create, update, patch, delete or deletecollection on \
            mutatingwebhookconfigurations or validatingwebhookconfigurations (admissionregistration.k8s.io), \
            wildcards included.
            Kubernetes' own roles (labelled kubernetes.io/bootstrapping=rbac-defaults, named as a default and granting no more than it) are \
            skipped unless includeSystem is true. Fields: rules[*].{verbs,apiGroups,resources}.
            """,
        rationale: """
            A webhook configuration decides which admission controls run: whoever edits it can switch off \
            policy enforcement or receive every object sent to the API server, secrets included.
            """,
        remediation: "Keep webhook configuration management to cluster administrators and the controllers that own them.",
        references: [
            .cis("5.1.12 [AKS 4.1.11] Minimize access to webhook configuration objects"),
            .defender("alert K8S_AdmissionController"),
            .other("KSV114, CKV_K8S_155"),
        ],
        parameters: [RoleChecks.includeSystemParameter],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: webhook-reader}
                rules:
                - {apiGroups: [admissionregistration.k8s.io], resources: [validatingwebhookconfigurations], verbs: [get, list, watch]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: cert-injector}
                rules:
                - {apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [get, patch]}
                """,
                paths: ["rules[0]"]),
        ]
    )

    public static let permissions: [Permission] = [
        Permission(["create", "update", "patch", "delete", "deletecollection"], "mutatingwebhookconfigurations", group: "admissionregistration.k8s.io"),
        Permission(["create", "update", "patch", "delete", "deletecollection"], "validatingwebhookconfigurations", group: "admissionregistration.k8s.io"),
    ]

    public static func reason(_ object: KubeObject) -> String { "\(object.kind) can change admission webhooks" }

    public let includeSystem: Bool

    public init(includeSystem: Bool) { self.includeSystem = includeSystem }
}

import KubeModel

/// pod-default-service-account: pods do not run as the namespace's `default` ServiceAccount with a token.
public struct PodDefaultServiceAccount: Rule {
    public static let description = RuleDescription(
        id: "pod-default-service-account",
        title: "Default ServiceAccount used",
        category: .podSecurity,
        severity: .low,
        action: .warn,
        scope: .podSpecOrKinds(["ServiceAccount"]),
        profiles: [.aks],
        spec: """
            Pods and pod templates fail when they run as the `default` ServiceAccount (spec.serviceAccountName \
            unset, empty or `default`; the deprecated spec.serviceAccount is read when serviceAccountName is \
            absent) while the token is mounted (spec.automountServiceAccountToken is not `false`).
            A ServiceAccount named `default` fails when its automountServiceAccountToken is not `false` \
            (CIS 5.1.5: the default account should not provide a token).
            The remaining part of CIS 5.1.5, "the default ServiceAccount is bound by a RoleBinding", needs the \
            cluster's bindings and is not checked by this rule. Pod tokens whose ServiceAccount sets \
            automountServiceAccountToken: false are not mounted; per-object checking cannot see that, so a pod \
            with an unset field fails even when its default ServiceAccount opts out (set the pod field).
            Fields: spec.serviceAccountName, spec.serviceAccount, spec.automountServiceAccountToken; \
            ServiceAccount automountServiceAccountToken.
            """,
        rationale: """
            Every pod that names no account shares the namespace's default one; any permission granted to it \
            for one workload is granted to all of them, and its token is mounted into each.
            """,
        remediation: """
            Create a dedicated ServiceAccount per workload and set spec.serviceAccountName; set \
            automountServiceAccountToken: false on the default ServiceAccount.
            """,
        references: [
            .cis("5.1.5 [AKS 4.1.5]"),
            .other("kubeaudit AutomountServiceAccountTokenTrueAndDefaultSA, KSV036 (related)"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  serviceAccountName: web
                  containers:
                  - {name: app, image: nginx:1.27}
                """),
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
            Example(
                """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: default, namespace: shop}
                automountServiceAccountToken: false
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
                      serviceAccountName: default
                      containers:
                      - {name: app, image: nginx:1.27}
                """,
                paths: ["spec.template.spec.serviceAccountName"]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27}
                """,
                paths: ["spec.serviceAccountName"]),
            Example(
                """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: default, namespace: shop}
                """,
                paths: ["automountServiceAccountToken"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let template = context.template {
            guard template.spec["automountServiceAccountToken"]?.bool != false else { return }
            let written = template.spec["serviceAccountName"] ?? template.spec["serviceAccount"]
            let name = written?.string ?? ""
            guard name.isEmpty || name == "default" else { return }
            let field = template.spec["serviceAccountName"] == nil && template.spec["serviceAccount"] != nil
                ? "serviceAccount" : "serviceAccountName"
            let message = name.isEmpty
                ? "pod names no ServiceAccount, so it runs as \"default\" with its token mounted"
                : "pod runs as the \"default\" ServiceAccount with its token mounted"
            context.report(message, path: template.path(field), at: written ?? template.spec)
        } else if object.kind == "ServiceAccount", object.group == "", object.name == "default" {
            let value = object.root["automountServiceAccountToken"]
            guard value?.bool != false else { return }
            context.report(
                "the default ServiceAccount does not set automountServiceAccountToken=false",
                path: "automountServiceAccountToken", at: value ?? object.root)
        }
    }
}

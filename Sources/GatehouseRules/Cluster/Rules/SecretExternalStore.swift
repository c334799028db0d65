import KubeModel

/// secret-external-store: namespaces that keep user secrets only as Kubernetes Secrets.
public struct SecretExternalStore: CrossObjectRule {
    public static let description = RuleDescription(
        id: "secret-external-store",
        title: "Secrets kept without an external secret store",
        category: .secrets,
        severity: .info,
        action: .audit,
        scope: .kinds(["Secret", "SecretProviderClass", "ExternalSecret", "SecretStore", "ClusterSecretStore"]),
        profiles: [.aks],
        spec: """
            Audit only, informational. Reported once per namespace that holds Secrets users write (any type but \
            kubernetes.io/service-account-token, bootstrap.kubernetes.io/token and helm.sh/release.v1) when the \
            inputs show no external secret store for it: no SecretProviderClass (secrets-store.csi.x-k8s.io, the \
            Secrets Store CSI driver that the Azure Key Vault provider for AKS plugs into) and no ExternalSecret \
            or SecretStore (external-secrets.io) in that namespace, and no ClusterSecretStore at all. CIS \
            5.4.2 asks to "consider" external storage, so this is information, not a violation: it only reads \
            the inputs, and a store configured outside them (a CSI volume inline in a pod, a vault agent) is not \
            seen. Reported at the Namespace (metadata.name).
            """,
        rationale: """
            Kubernetes Secrets are base64 in etcd, readable by anyone with get on secrets in the namespace and \
            copied into every backup. An external store (Azure Key Vault through the Secrets Store CSI driver) \
            keeps the secret out of the cluster's API, with its own access policy, audit log and rotation.
            """,
        remediation: """
            Keep the secret in Azure Key Vault (or another external store) and mount it with the Secrets Store \
            CSI driver (a SecretProviderClass), or sync it with the External Secrets Operator.
            """,
        references: [
            .cis("5.4.2 [AKS 4.5.2] Consider external secret storage"),
            .defender("Secrets management guidance for AKS (Azure Key Vault provider for Secrets Store CSI Driver)"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata: {name: db, namespace: shop}
                type: Opaque
                data: {password: cGFzcw==}
                ---
                apiVersion: secrets-store.csi.x-k8s.io/v1
                kind: SecretProviderClass
                metadata: {name: keyvault, namespace: shop}
                spec: {provider: azure}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Secret
                metadata: {name: db, namespace: shop}
                type: Opaque
                data: {password: cGFzcw==}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: builder-token, namespace: ci}
                type: kubernetes.io/service-account-token
                """,
                paths: ["Namespace shop: metadata.name"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport) {
        let index = cluster.index
        guard !index.hasClusterSecretStore else { return }
        for namespace in index.userSecretNamespaces.sorted() where !index.externalSecretStoreNamespaces.contains(namespace) {
            report.report(
                "namespace \(namespace) keeps Secrets with no external secret store among the inputs (consider Azure Key Vault through the Secrets Store CSI driver)",
                about: index.namespaceAnchor(namespace), path: "metadata.name")
        }
    }
}

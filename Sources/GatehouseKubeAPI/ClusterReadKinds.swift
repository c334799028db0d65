/// The kinds `audit --cluster` lists: every kind a Gatehouse rule reads, and no other. The chart's auditor
/// ClusterRole grants `get` and `list` on exactly these resources (a test holds the two together).
///
/// Secrets are left out on purpose. Listing them hands the auditor every secret's value, which is the access
/// Gatehouse's own RBAC rules warn about; the one rule that reads them (`secret-external-store`, which only
/// asks whether a namespace holds user secrets) is therefore not judged in a cluster audit. Audit an export
/// to judge it.
public enum ClusterReadKinds {
    /// A kind in an API group (`""` is the core group), with the plural resource the chart's RBAC names.
    public struct Kind: Sendable, Hashable {
        public let group: String
        public let kind: String
        public let resource: String
    }

    public static let all: [Kind] = [
        // Pods and their owners: the per-object pod rules.
        Kind(group: "", kind: "Pod", resource: "pods"),
        Kind(group: "", kind: "ReplicationController", resource: "replicationcontrollers"),
        Kind(group: "apps", kind: "Deployment", resource: "deployments"),
        Kind(group: "apps", kind: "ReplicaSet", resource: "replicasets"),
        Kind(group: "apps", kind: "StatefulSet", resource: "statefulsets"),
        Kind(group: "apps", kind: "DaemonSet", resource: "daemonsets"),
        Kind(group: "batch", kind: "Job", resource: "jobs"),
        Kind(group: "batch", kind: "CronJob", resource: "cronjobs"),
        // Namespaces (Pod Security labels), services and traffic.
        Kind(group: "", kind: "Namespace", resource: "namespaces"),
        Kind(group: "", kind: "Service", resource: "services"),
        Kind(group: "networking.k8s.io", kind: "Ingress", resource: "ingresses"),
        Kind(group: "networking.k8s.io", kind: "NetworkPolicy", resource: "networkpolicies"),
        // Identities and RBAC.
        Kind(group: "", kind: "ServiceAccount", resource: "serviceaccounts"),
        Kind(group: "rbac.authorization.k8s.io", kind: "Role", resource: "roles"),
        Kind(group: "rbac.authorization.k8s.io", kind: "ClusterRole", resource: "clusterroles"),
        Kind(group: "rbac.authorization.k8s.io", kind: "RoleBinding", resource: "rolebindings"),
        Kind(group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding", resource: "clusterrolebindings"),
        // Resource governance, storage, nodes, configuration.
        Kind(group: "", kind: "LimitRange", resource: "limitranges"),
        Kind(group: "", kind: "ResourceQuota", resource: "resourcequotas"),
        Kind(group: "", kind: "PersistentVolume", resource: "persistentvolumes"),
        Kind(group: "", kind: "Node", resource: "nodes"),
        Kind(group: "", kind: "ConfigMap", resource: "configmaps"),
        Kind(group: "admissionregistration.k8s.io", kind: "ValidatingWebhookConfiguration", resource: "validatingwebhookconfigurations"),
        Kind(group: "admissionregistration.k8s.io", kind: "MutatingWebhookConfiguration", resource: "mutatingwebhookconfigurations"),
        // External secret stores (custom resources: listed where the cluster serves them).
        Kind(group: "secrets-store.csi.x-k8s.io", kind: "SecretProviderClass", resource: "secretproviderclasses"),
        Kind(group: "external-secrets.io", kind: "ExternalSecret", resource: "externalsecrets"),
        Kind(group: "external-secrets.io", kind: "SecretStore", resource: "secretstores"),
        Kind(group: "external-secrets.io", kind: "ClusterSecretStore", resource: "clustersecretstores"),
        // trivy-operator's scan results, for the vulnerability rules.
        Kind(group: "aquasecurity.github.io", kind: "VulnerabilityReport", resource: "vulnerabilityreports"),
        Kind(group: "aquasecurity.github.io", kind: "ClusterVulnerabilityReport", resource: "clustervulnerabilityreports"),
    ]
}

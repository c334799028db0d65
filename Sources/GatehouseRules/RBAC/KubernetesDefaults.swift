import KubeModel

/// The RBAC objects Kubernetes' API server creates in every cluster (its bootstrap policy), so that the rules
/// trust only what a real cluster would have made and the RBAC graph knows roles an input binds but does not
/// define.
///
/// Taken from Kubernetes' `plugin/pkg/auth/authorizer/rbac/bootstrappolicy` (`policy.go`,
/// `controller_policy.go`, `namespace_policy.go` and their golden files under `testdata/`): the ClusterRoles of
/// `testdata/cluster-roles.yaml` at commit 025f2834, the namespaced roles and bindings of
/// `testdata/namespace-role{s,-bindings}.yaml` at commit 008b3652 and the controller bindings of
/// `testdata/controller-role-bindings.yaml` at commit 0158d1b4. Those golden files come from the development
/// branch after Kubernetes 1.31 (the leader-locking Roles grant `leasecandidates`, and system:basic-user
/// `selfsubjectreviews`, GA in 1.28); the data is labelled 1.33, the version the rules target by default
/// (`deprecated-api`'s `targetK8sVersion`). Feature-gated roles (`*-featuregates.yaml`) are not listed, nor
/// controllers added later: a default missing here is judged like a user's object, which reports more, never
/// less. Update this file (and its citations) when the supported versions move.
enum KubernetesDefaults {
    /// The Kubernetes version the data describes, for answers that cite it.
    static let version = "1.33"

    /// The label the API server puts on every object of its bootstrap policy.
    static let label = (key: "kubernetes.io/bootstrapping", value: "rbac-defaults")

    /// Names of the default ClusterRoles: those modelled with their rules in ``roleManifests`` and the
    /// controllers' roles, which bind one kube-system service account each.
    static let clusterRoleNames: Set<String> = Set(modelledClusterRoles).union(controllers.map { "system:controller:\($0)" })

    /// The default Roles, as `namespace/name`.
    static let roleNames: Set<String> = [
        "kube-public/system:controller:bootstrap-signer", "kube-system/extension-apiserver-authentication-reader",
        "kube-system/system::leader-locking-kube-controller-manager", "kube-system/system::leader-locking-kube-scheduler",
        "kube-system/system:controller:bootstrap-signer", "kube-system/system:controller:cloud-provider",
        "kube-system/system:controller:token-cleaner",
    ]

    /// A default binding: the role it grants and the subjects it names (`Group:x`, `User:x`,
    /// `ServiceAccount:ns:name`). A binding that names another role or another subject is not Kubernetes'.
    struct Binding {
        let roleKind: String
        let roleName: String
        let subjects: Set<String>
    }

    /// The default ClusterRoleBindings by name.
    static let clusterRoleBindings: [String: Binding] = {
        var bindings: [String: Binding] = [
            "cluster-admin": Binding(roleKind: "ClusterRole", roleName: "cluster-admin", subjects: ["Group:system:masters"]),
            "system:monitoring": Binding(roleKind: "ClusterRole", roleName: "system:monitoring", subjects: ["Group:system:monitoring"]),
            // Clusters created before 1.14 may also name system:unauthenticated in these two: that is reported.
            "system:discovery": Binding(roleKind: "ClusterRole", roleName: "system:discovery", subjects: ["Group:system:authenticated"]),
            "system:basic-user": Binding(roleKind: "ClusterRole", roleName: "system:basic-user", subjects: ["Group:system:authenticated"]),
            "system:public-info-viewer": Binding(
                roleKind: "ClusterRole", roleName: "system:public-info-viewer",
                subjects: ["Group:system:authenticated", "Group:system:unauthenticated"]),
            "system:node-proxier": Binding(roleKind: "ClusterRole", roleName: "system:node-proxier", subjects: ["User:system:kube-proxy"]),
            "system:kube-controller-manager": Binding(
                roleKind: "ClusterRole", roleName: "system:kube-controller-manager", subjects: ["User:system:kube-controller-manager"]),
            "system:kube-dns": Binding(roleKind: "ClusterRole", roleName: "system:kube-dns", subjects: ["ServiceAccount:kube-system:kube-dns"]),
            "system:kube-scheduler": Binding(roleKind: "ClusterRole", roleName: "system:kube-scheduler", subjects: ["User:system:kube-scheduler"]),
            "system:volume-scheduler": Binding(roleKind: "ClusterRole", roleName: "system:volume-scheduler", subjects: ["User:system:kube-scheduler"]),
            // Kept without subjects since 1.8 (the Node authorizer replaced it).
            "system:node": Binding(roleKind: "ClusterRole", roleName: "system:node", subjects: []),
            "system:service-account-issuer-discovery": Binding(
                roleKind: "ClusterRole", roleName: "system:service-account-issuer-discovery", subjects: ["Group:system:serviceaccounts"]),
        ]
        for controller in controllers {
            let name = "system:controller:\(controller)"
            bindings[name] = Binding(roleKind: "ClusterRole", roleName: name, subjects: ["ServiceAccount:kube-system:\(controller)"])
        }
        return bindings
    }()

    /// The default RoleBindings, by `namespace/name`.
    static let roleBindings: [String: Binding] = [
        "kube-public/system:controller:bootstrap-signer": Binding(
            roleKind: "Role", roleName: "system:controller:bootstrap-signer", subjects: ["ServiceAccount:kube-system:bootstrap-signer"]),
        "kube-system/system::extension-apiserver-authentication-reader": Binding(
            roleKind: "Role", roleName: "extension-apiserver-authentication-reader",
            subjects: ["User:system:kube-controller-manager", "User:system:kube-scheduler"]),
        "kube-system/system::leader-locking-kube-controller-manager": Binding(
            roleKind: "Role", roleName: "system::leader-locking-kube-controller-manager",
            subjects: [
                "User:system:kube-controller-manager", "ServiceAccount:kube-system:kube-controller-manager",
                "ServiceAccount:kube-system:leader-election-controller",
            ]),
        "kube-system/system::leader-locking-kube-scheduler": Binding(
            roleKind: "Role", roleName: "system::leader-locking-kube-scheduler",
            subjects: ["User:system:kube-scheduler", "ServiceAccount:kube-system:kube-scheduler"]),
        "kube-system/system:controller:bootstrap-signer": Binding(
            roleKind: "Role", roleName: "system:controller:bootstrap-signer", subjects: ["ServiceAccount:kube-system:bootstrap-signer"]),
        "kube-system/system:controller:cloud-provider": Binding(
            roleKind: "Role", roleName: "system:controller:cloud-provider", subjects: ["ServiceAccount:kube-system:cloud-provider"]),
        "kube-system/system:controller:token-cleaner": Binding(
            roleKind: "Role", roleName: "system:controller:token-cleaner", subjects: ["ServiceAccount:kube-system:token-cleaner"]),
    ]

    /// The controllers of kube-controller-manager with a default ClusterRole and ClusterRoleBinding
    /// `system:controller:<name>` for the kube-system service account `<name>`. Their rules are not modelled.
    static let controllers = [
        "attachdetach-controller", "certificate-controller", "clusterrole-aggregation-controller", "cronjob-controller",
        "daemon-set-controller", "deployment-controller", "disruption-controller", "endpoint-controller",
        "endpointslice-controller", "endpointslicemirroring-controller", "ephemeral-volume-controller", "expand-controller",
        "generic-garbage-collector", "horizontal-pod-autoscaler", "job-controller", "legacy-service-account-token-cleaner",
        "namespace-controller", "node-controller", "persistent-volume-binder", "pod-garbage-collector",
        "pv-protection-controller", "pvc-protection-controller", "replicaset-controller", "replication-controller",
        "resource-claim-controller", "resourcequota-controller", "root-ca-cert-publisher", "route-controller",
        "selinux-warning-controller", "service-account-controller", "service-cidrs-controller", "service-controller",
        "statefulset-controller", "ttl-after-finished-controller", "ttl-controller",
        "validatingadmissionpolicy-status-controller", "volumeattributesclass-protection-controller",
    ]

    /// The ClusterRoles whose rules ``roleManifests`` holds.
    static let modelledClusterRoles = [
        "admin", "cluster-admin", "edit", "view", "system:aggregate-to-admin", "system:aggregate-to-edit",
        "system:aggregate-to-view", "system:auth-delegator", "system:basic-user",
        "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
        "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
        "system:certificates.k8s.io:kube-apiserver-client-approver",
        "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver",
        "system:certificates.k8s.io:kubelet-serving-approver", "system:certificates.k8s.io:legacy-unknown-approver",
        "system:discovery", "system:heapster", "system:kube-aggregator", "system:kube-controller-manager", "system:kube-dns",
        "system:kube-scheduler", "system:kubelet-api-admin", "system:monitoring", "system:node", "system:node-bootstrapper",
        "system:node-problem-detector", "system:node-proxier", "system:persistent-volume-provisioner",
        "system:public-info-viewer", "system:service-account-issuer-discovery", "system:volume-scheduler",
    ]

    /// Whether `object`, a Role, ClusterRole or binding, is one of Kubernetes' defaults: labelled as such, named
    /// as one, for modelled roles granting nothing the default does not, and for bindings granting the default
    /// role to no subject but the default ones. Anyone who may edit RBAC objects can add rules to a default role
    /// in place; such a role is judged like a user's.
    static func contains(_ object: KubeObject) -> Bool {
        guard object.label(label.key) == label.value else { return false }
        let namespaced = "\(object.namespace ?? "default")/\(object.name)"
        switch object.kind {
        case "ClusterRole":
            return clusterRoleNames.contains(object.name) && holdsNoMoreThanDefault(object, key: "ClusterRole:\(object.name)")
        case "Role": return roleNames.contains(namespaced) && holdsNoMoreThanDefault(object, key: "Role:\(namespaced)")
        case "ClusterRoleBinding": return clusterRoleBindings[object.name]?.matches(object) ?? false
        case "RoleBinding": return roleBindings[namespaced]?.matches(object) ?? false
        default: return false
        }
    }

    /// The modelled default roles as manifests, for ``RBACGraph`` to read like an input. Each rule list is the
    /// golden file's, in its order; `admin`, `edit` and `view` hold no rules of their own and aggregate the
    /// `system:aggregate-to-*` roles (and any input ClusterRole with the same labels), as in a cluster.
    static let roleManifests = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        aggregationRule: {clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}}]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: cluster-admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
        - {nonResourceURLs: ["*"], verbs: ["*"]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: edit
          labels: {kubernetes.io/bootstrapping: rbac-defaults, rbac.authorization.k8s.io/aggregate-to-admin: "true"}
        aggregationRule: {clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: view
          labels: {kubernetes.io/bootstrapping: rbac-defaults, rbac.authorization.k8s.io/aggregate-to-edit: "true"}
        aggregationRule: {clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: system:aggregate-to-admin
          labels: {kubernetes.io/bootstrapping: rbac-defaults, rbac.authorization.k8s.io/aggregate-to-admin: "true"}
        rules:
        - {apiGroups: [authorization.k8s.io], resources: [localsubjectaccessreviews], verbs: [create]}
        - apiGroups: [rbac.authorization.k8s.io]
          resources: [rolebindings, roles]
          verbs: [create, delete, deletecollection, get, list, patch, update, watch]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: system:aggregate-to-edit
          labels: {kubernetes.io/bootstrapping: rbac-defaults, rbac.authorization.k8s.io/aggregate-to-edit: "true"}
        rules:
        - apiGroups: [""]
          resources: [pods/attach, pods/exec, pods/portforward, pods/proxy, secrets, services/proxy]
          verbs: [get, list, watch]
        - {apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate]}
        - apiGroups: [""]
          resources: [pods, pods/attach, pods/exec, pods/portforward, pods/proxy]
          verbs: [create, delete, deletecollection, patch, update]
        - {apiGroups: [""], resources: [pods/eviction], verbs: [create]}
        - apiGroups: [""]
          resources: [configmaps, events, persistentvolumeclaims, replicationcontrollers, replicationcontrollers/scale,
            secrets, serviceaccounts, services, services/proxy]
          verbs: [create, delete, deletecollection, patch, update]
        - {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}
        - apiGroups: [apps]
          resources: [daemonsets, deployments, deployments/rollback, deployments/scale, replicasets, replicasets/scale,
            statefulsets, statefulsets/scale]
          verbs: [create, delete, deletecollection, patch, update]
        - {apiGroups: [autoscaling], resources: [horizontalpodautoscalers], verbs: [create, delete, deletecollection, patch, update]}
        - {apiGroups: [batch], resources: [cronjobs, jobs], verbs: [create, delete, deletecollection, patch, update]}
        - apiGroups: [extensions]
          resources: [daemonsets, deployments, deployments/rollback, deployments/scale, ingresses, networkpolicies,
            replicasets, replicasets/scale, replicationcontrollers/scale]
          verbs: [create, delete, deletecollection, patch, update]
        - {apiGroups: [policy], resources: [poddisruptionbudgets], verbs: [create, delete, deletecollection, patch, update]}
        - {apiGroups: [networking.k8s.io], resources: [ingresses, networkpolicies], verbs: [create, delete, deletecollection, patch, update]}
        - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [create, delete, deletecollection, get, list, patch, update, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: system:aggregate-to-view
          labels: {kubernetes.io/bootstrapping: rbac-defaults, rbac.authorization.k8s.io/aggregate-to-view: "true"}
        rules:
        - apiGroups: [""]
          resources: [configmaps, endpoints, persistentvolumeclaims, persistentvolumeclaims/status, pods,
            replicationcontrollers, replicationcontrollers/scale, serviceaccounts, services, services/status]
          verbs: [get, list, watch]
        - apiGroups: [""]
          resources: [bindings, events, limitranges, namespaces/status, pods/log, pods/status, replicationcontrollers/status,
            resourcequotas, resourcequotas/status]
          verbs: [get, list, watch]
        - {apiGroups: [""], resources: [namespaces], verbs: [get, list, watch]}
        - {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [get, list, watch]}
        - apiGroups: [apps]
          resources: [controllerrevisions, daemonsets, daemonsets/status, deployments, deployments/scale, deployments/status,
            replicasets, replicasets/scale, replicasets/status, statefulsets, statefulsets/scale, statefulsets/status]
          verbs: [get, list, watch]
        - {apiGroups: [autoscaling], resources: [horizontalpodautoscalers, horizontalpodautoscalers/status], verbs: [get, list, watch]}
        - {apiGroups: [batch], resources: [cronjobs, cronjobs/status, jobs, jobs/status], verbs: [get, list, watch]}
        - apiGroups: [extensions]
          resources: [daemonsets, daemonsets/status, deployments, deployments/scale, deployments/status, ingresses,
            ingresses/status, networkpolicies, replicasets, replicasets/scale, replicasets/status, replicationcontrollers/scale]
          verbs: [get, list, watch]
        - {apiGroups: [policy], resources: [poddisruptionbudgets, poddisruptionbudgets/status], verbs: [get, list, watch]}
        - {apiGroups: [networking.k8s.io], resources: [ingresses, ingresses/status, networkpolicies], verbs: [get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:auth-delegator", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}
        - {apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:basic-user", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [authorization.k8s.io], resources: [selfsubjectaccessreviews, selfsubjectrulesreviews], verbs: [create]}
        - {apiGroups: [authentication.k8s.io], resources: [selfsubjectreviews], verbs: [create]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:certificates.k8s.io:certificatesigningrequests:nodeclient", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/nodeclient], verbs: [create]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/selfnodeclient], verbs: [create]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:certificates.k8s.io:kube-apiserver-client-approver", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [kubernetes.io/kube-apiserver-client], verbs: [approve]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [kubernetes.io/kube-apiserver-client-kubelet], verbs: [approve]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:certificates.k8s.io:kubelet-serving-approver", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [kubernetes.io/kubelet-serving], verbs: [approve]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:certificates.k8s.io:legacy-unknown-approver", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [kubernetes.io/legacy-unknown], verbs: [approve]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:discovery", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - nonResourceURLs: [/api, /api/*, /apis, /apis/*, /healthz, /livez, /openapi, /openapi/*, /readyz, /version, /version/]
          verbs: [get]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:heapster", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [""], resources: [events, namespaces, nodes, pods], verbs: [get, list, watch]}
        - {apiGroups: [extensions], resources: [deployments], verbs: [get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:kube-aggregator", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [""], resources: [endpoints, services], verbs: [get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:kube-controller-manager", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: ["", events.k8s.io], resources: [events], verbs: [create, patch, update]}
        - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [create]}
        - {apiGroups: [coordination.k8s.io], resources: [leases], resourceNames: [kube-controller-manager], verbs: [get, update]}
        - {apiGroups: [""], resources: [secrets, serviceaccounts], verbs: [create]}
        - {apiGroups: [""], resources: [secrets], verbs: [delete]}
        - {apiGroups: [""], resources: [configmaps, namespaces, secrets, serviceaccounts], verbs: [get]}
        - {apiGroups: [""], resources: [secrets, serviceaccounts], verbs: [update]}
        - {apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}
        - {apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create]}
        - {apiGroups: ["*"], resources: ["*"], verbs: [list, watch]}
        - {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:kube-dns", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [""], resources: [endpoints, services], verbs: [list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:kube-scheduler", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: ["", events.k8s.io], resources: [events], verbs: [create, patch, update]}
        - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [create]}
        - {apiGroups: [coordination.k8s.io], resources: [leases], resourceNames: [kube-scheduler], verbs: [get, update]}
        - {apiGroups: [""], resources: [nodes], verbs: [get, list, watch]}
        - {apiGroups: [""], resources: [pods], verbs: [delete, get, list, watch]}
        - {apiGroups: [""], resources: [bindings, pods/binding], verbs: [create]}
        - {apiGroups: [""], resources: [pods/status], verbs: [patch, update]}
        - {apiGroups: [""], resources: [replicationcontrollers, services], verbs: [get, list, watch]}
        - {apiGroups: [apps, extensions], resources: [replicasets], verbs: [get, list, watch]}
        - {apiGroups: [apps], resources: [statefulsets], verbs: [get, list, watch]}
        - {apiGroups: [policy], resources: [poddisruptionbudgets], verbs: [get, list, watch]}
        - {apiGroups: [""], resources: [persistentvolumeclaims, persistentvolumes], verbs: [get, list, watch]}
        - {apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}
        - {apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create]}
        - {apiGroups: [storage.k8s.io], resources: [csinodes], verbs: [get, list, watch]}
        - {apiGroups: [""], resources: [namespaces], verbs: [get, list, watch]}
        - {apiGroups: [storage.k8s.io], resources: [csidrivers], verbs: [get, list, watch]}
        - {apiGroups: [storage.k8s.io], resources: [csistoragecapacities], verbs: [get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:kubelet-api-admin", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [""], resources: [nodes], verbs: [get, list, watch]}
        - {apiGroups: [""], resources: [nodes], verbs: [proxy]}
        - {apiGroups: [""], resources: [nodes/log, nodes/metrics, nodes/proxy, nodes/stats], verbs: ["*"]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:monitoring", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - nonResourceURLs: [/healthz, /healthz/*, /livez, /livez/*, /metrics, /metrics/slis, /readyz, /readyz/*]
          verbs: [get]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:node", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}
        - {apiGroups: [authorization.k8s.io], resources: [localsubjectaccessreviews, subjectaccessreviews], verbs: [create]}
        - {apiGroups: [""], resources: [services], verbs: [get, list, watch]}
        - {apiGroups: [""], resources: [nodes], verbs: [create, get, list, watch]}
        - {apiGroups: [""], resources: [nodes/status], verbs: [patch, update]}
        - {apiGroups: [""], resources: [nodes], verbs: [patch, update]}
        - {apiGroups: [""], resources: [events], verbs: [create, patch, update]}
        - {apiGroups: [""], resources: [pods], verbs: [get, list, watch]}
        - {apiGroups: [""], resources: [pods], verbs: [create, delete]}
        - {apiGroups: [""], resources: [pods/status], verbs: [patch, update]}
        - {apiGroups: [""], resources: [pods/eviction], verbs: [create]}
        - {apiGroups: [""], resources: [configmaps, secrets], verbs: [get, list, watch]}
        - {apiGroups: [""], resources: [persistentvolumeclaims, persistentvolumes], verbs: [get]}
        - {apiGroups: [""], resources: [endpoints], verbs: [get]}
        - {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [create, get, list, watch]}
        - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [create, delete, get, patch, update]}
        - {apiGroups: [storage.k8s.io], resources: [volumeattachments], verbs: [get]}
        - {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}
        - {apiGroups: [""], resources: [persistentvolumeclaims/status], verbs: [get, patch, update]}
        - {apiGroups: [storage.k8s.io], resources: [csidrivers], verbs: [get, list, watch]}
        - {apiGroups: [storage.k8s.io], resources: [csinodes], verbs: [create, delete, get, patch, update]}
        - {apiGroups: [node.k8s.io], resources: [runtimeclasses], verbs: [get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:node-bootstrapper", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [create, get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:node-problem-detector", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [""], resources: [nodes], verbs: [get]}
        - {apiGroups: [""], resources: [nodes/status], verbs: [patch]}
        - {apiGroups: ["", events.k8s.io], resources: [events], verbs: [create, patch, update]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:node-proxier", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [""], resources: [endpoints, services], verbs: [list, watch]}
        - {apiGroups: [""], resources: [nodes], verbs: [get, list, watch]}
        - {apiGroups: ["", events.k8s.io], resources: [events], verbs: [create, patch, update]}
        - {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:persistent-volume-provisioner", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [""], resources: [persistentvolumes], verbs: [create, delete, get, list, watch]}
        - {apiGroups: [""], resources: [persistentvolumeclaims], verbs: [get, list, update, watch]}
        - {apiGroups: [storage.k8s.io], resources: [storageclasses], verbs: [get, list, watch]}
        - {apiGroups: [""], resources: [events], verbs: [watch]}
        - {apiGroups: ["", events.k8s.io], resources: [events], verbs: [create, patch, update]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:public-info-viewer", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {nonResourceURLs: [/healthz, /livez, /readyz, /version, /version/], verbs: [get]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:service-account-issuer-discovery", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {nonResourceURLs: [/.well-known/openid-configuration, /openid/v1/jwks], verbs: [get]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:volume-scheduler", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [""], resources: [persistentvolumes], verbs: [get, list, patch, update, watch]}
        - {apiGroups: [storage.k8s.io], resources: [storageclasses], verbs: [get, list, watch]}
        - {apiGroups: [""], resources: [persistentvolumeclaims], verbs: [get, list, patch, update, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: "system:controller:bootstrap-signer", namespace: kube-public, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}
        - {apiGroups: [""], resources: [configmaps], resourceNames: [cluster-info], verbs: [update]}
        - {apiGroups: ["", events.k8s.io], resources: [events], verbs: [create, patch, update]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: extension-apiserver-authentication-reader, namespace: kube-system, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [""], resources: [configmaps], resourceNames: [extension-apiserver-authentication], verbs: [get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: "system::leader-locking-kube-controller-manager", namespace: kube-system, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [create, get, list, update, watch]}
        - {apiGroups: [coordination.k8s.io], resources: [leasecandidates], verbs: [create, get, list, update, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: "system::leader-locking-kube-scheduler", namespace: kube-system, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [create, get, list, update, watch]}
        - {apiGroups: [coordination.k8s.io], resources: [leasecandidates], verbs: [create, get, list, update, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: "system:controller:bootstrap-signer", namespace: kube-system, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [""], resources: [secrets], verbs: [get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: "system:controller:cloud-provider", namespace: kube-system, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [""], resources: [configmaps], verbs: [create, get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: "system:controller:token-cleaner", namespace: kube-system, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
        rules:
        - {apiGroups: [""], resources: [secrets], verbs: [delete, get, list, watch]}
        - {apiGroups: ["", events.k8s.io], resources: [events], verbs: [create, patch, update]}
        """

    /// What a modelled default role may hold: its rules, or for `admin`, `edit` and `view`, whose rules the
    /// aggregation controller writes from the roles it selects (judged on their own), its aggregation selectors.
    private struct RoleModel {
        let rules: [PolicyRule]
        let aggregationSelectors: [LabelSelector]
    }

    /// The modelled roles by `ClusterRole:<name>` and `Role:<namespace>/<name>`, read from ``roleManifests``
    /// without the cluster index (whose role entries ask ``contains(_:)``).
    private static let models: [String: RoleModel] = {
        var table: [String: RoleModel] = [:]
        for object in Manifests.loadYAML(roleManifests, file: sourceName).objects {
            let key = object.kind == "Role" ? "Role:\(object.namespace ?? "default")/\(object.name)" : "ClusterRole:\(object.name)"
            table[key] = RoleModel(rules: PolicyRule.rules(of: object).map(\.rule), aggregationSelectors: selectors(of: object))
        }
        return table
    }()

    private static func selectors(of object: KubeObject) -> [LabelSelector] {
        object.root.at("aggregationRule", "clusterRoleSelectors")?.items.compactMap { try? LabelSelector($0) } ?? []
    }

    /// Whether `object` grants nothing its default does not: an aggregating default keeps its selectors exactly
    /// (a changed selector would aggregate other roles' rules into it); any other keeps each rule within one of
    /// the default's. Defaults whose rules are not modelled (the controllers' roles) are taken on name and label.
    private static func holdsNoMoreThanDefault(_ object: KubeObject, key: String) -> Bool {
        guard let model = models[key] else { return true }
        if !model.aggregationSelectors.isEmpty { return selectors(of: object) == model.aggregationSelectors }
        return PolicyRule.rules(of: object).allSatisfy { entry in model.rules.contains { $0.covers(entry.rule) } }
    }

    /// The modelled roles, read from ``roleManifests`` once.
    static let roles: [RoleEntry] = {
        var index = ClusterIndex()
        for object in Manifests.loadYAML(roleManifests, file: sourceName).objects { index.add(object) }
        return index.roles
    }()

    /// The file name the modelled roles are read under: what a finding's chain or an answer shows as their source.
    static let sourceName = "(Kubernetes \(version) defaults)"
}

extension KubernetesDefaults.Binding {
    /// Whether `object` grants this binding's role to none but its subjects.
    func matches(_ object: KubeObject) -> Bool {
        guard let roleRef = object.root["roleRef"], roleRef["kind"]?.string == roleKind, roleRef["name"]?.string == roleName
        else { return false }
        return RoleChecks.subjects(of: object).allSatisfy { subjects.contains($0.text) }
    }
}

import KubeModel

/// aks-reserved-labels: only AKS sets labels under kubernetes.azure.com.
public struct AksReservedLabels: Rule {
    static let defaultUsers = ["aksService", "masterclient", "nodeclient", "system:serviceaccount:kube-system:*"]
    static let defaultGroups = ["system:nodes"]

    public static let description = RuleDescription(
        id: "aks-reserved-labels",
        title: "AKS-reserved labels",
        category: .namespaces,
        severity: .medium,
        action: .deny,
        scope: .kinds(["Pod", "Node", "Service", "Deployment", "StatefulSet", "ReplicaSet"]),
        profiles: [.aks],
        spec: """
            Fails for each label whose key's prefix (the part before `/`) is `kubernetes.azure.com` or a \
            subdomain of it, on Pods, Nodes, Services, Deployments, StatefulSets and ReplicaSets: in \
            metadata.labels, and for the workloads also in spec.template.metadata.labels (the labels their \
            pods will carry).
            At admission, requests from `allowedUsers` or `allowedGroups` (globs) pass: AKS itself, kubelets, \
            and the kube-system controllers that copy template labels into ReplicaSets and Pods. The default \
            user names are AKS's internal clients as far as known (aksService, masterclient, nodeclient; \
            UNVERIFIED), and Azure's Rego for this policy is UNVERIFIED. Only CREATE and UPDATE are checked.
            In the auditor the creator is unknown: Nodes are skipped (AKS labels every node), the other kinds \
            are reported, since AKS does not put these labels on user workloads.
            Fields: metadata.labels, spec.template.metadata.labels.
            """,
        rationale: """
            AKS schedules its own components, and decides node roles, from labels under kubernetes.azure.com; \
            a user who sets them can steer system pods or impersonate AKS-managed resources.
            """,
        remediation: "Remove labels under kubernetes.azure.com; use a label prefix your organisation owns.",
        references: [
            .azurePolicy("Kubernetes clusters should not use specific AKS labels ('No AKS Specific Labels', a22123bd)"),
        ],
        parameters: [
            ParameterSpec(
                "allowedUsers", .stringList, default: "[" + defaultUsers.joined(separator: ", ") + "]",
                "Admission only: request users (globs) allowed to set reserved labels."),
            ParameterSpec(
                "allowedGroups", .stringList, default: "[" + defaultGroups.joined(separator: ", ") + "]",
                "Admission only: request groups (globs) allowed to set reserved labels."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Node
                metadata:
                  name: aks-nodepool1-123-vmss000000
                  labels: {kubernetes.azure.com/mode: system}
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  labels: {app: web, kubernetes.azure.com/managedby: aks}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27}
                """,
                request: AdmissionInfo(
                    user: "system:serviceaccount:kube-system:replicaset-controller", operation: .create)),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  labels: {app: web, kubernetes.azure.com/mode: system}
                spec:
                  template:
                    metadata:
                      labels: {app: web, agentpool.kubernetes.azure.com/x: "1", notkubernetes.azure.com/y: "2"}
                    spec:
                      containers:
                      - {name: app, image: nginx:1.27}
                """,
                paths: [
                    #"metadata.labels["kubernetes.azure.com/mode"]"#,
                    #"spec.template.metadata.labels["agentpool.kubernetes.azure.com/x"]"#,
                ]),
            Example(
                """
                apiVersion: v1
                kind: Node
                metadata:
                  name: aks-nodepool1-123-vmss000000
                  labels: {kubernetes.azure.com/mode: system}
                """,
                request: AdmissionInfo(user: "alice@example.com", groups: ["system:masters"], operation: .update),
                paths: [#"metadata.labels["kubernetes.azure.com/mode"]"#]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: Self.defaultUsers, groups: Self.defaultGroups)
    }

    static func isReserved(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { isReserved(bytes: $0) }
    }

    /// ``isReserved(_:)`` on the key's bytes: every label of every object is tested, and nearly none is reserved,
    /// so the test runs without building a String.
    static func isReserved(bytes key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let slash = key.firstIndex(of: UInt8(ascii: "/")) else { return false }
        let domain = "kubernetes.azure.com".utf8
        guard slash >= domain.count, key[(slash - domain.count)..<slash].elementsEqual(domain) else { return false }
        return slash == domain.count || key[slash - domain.count - 1] == UInt8(ascii: ".")
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let request = context.request {
            guard request.operation == .create || request.operation == .update,
                !allowed.contain(request)
            else { return }
        } else if object.kind == "Node" {
            return
        }
        report(object.metadata?["labels"], at: "metadata.labels", object, &context)
        if object.kind != "Pod" && object.kind != "Node" && object.kind != "Service" {
            report(object.root["spec"]?["template"]?["metadata"]?["labels"], at: "spec.template.metadata.labels", object, &context)
        }
    }

    private func report(_ labels: Value?, at path: String, _ object: KubeObject, _ context: inout CheckContext) {
        guard let labels else { return }
        for (key, _) in labels.pairs {
            guard key.withScalarBytes(Self.isReserved(bytes:)) == true, let name = key.string else { continue }
            context.report(
                "\(object.kind) \"\(object.name)\" sets the AKS-reserved label \(name)",
                path: path + Matching.keySegment(name), at: key)
        }
    }
}

import KubeModel

/// rbac-csr-approval: roles that can both approve CSRs and choose the signer.
public struct RbacCsrApproval: Rule {
    public static let description = RuleDescription(
        id: "rbac-csr-approval",
        title: "Approve certificate signing requests",
        category: .rbac,
        severity: .high,
        action: .warn,
        scope: .kinds(["ClusterRole"]),
        profiles: [.aks],
        spec: """
            Fails for a ClusterRole that grants update or patch on certificatesigningrequests/approval and \
            approve on signers (both in certificates.k8s.io), in the same or different rules[] entries, \
            wildcards included. Reported once, at the entry granting the approval subresource. Built-in roles \
            are skipped unless includeSystem is true.
            Fields: rules[*].{verbs,apiGroups,resources}.
            """,
        rationale: """
            Approving a CSR for the kube-apiserver-client signer issues a client certificate for any user or \
            group, system:masters included.
            """,
        remediation: "Leave CSR approval to the controller manager and a few administrators.",
        references: [
            .cis("5.1.11 [AKS 4.1.10] Minimize access to the approval sub-resource of certificatesigningrequests"),
            .other("CKV_K8S_156"),
        ],
        parameters: [RoleChecks.includeSystemParameter],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: csr-viewer}
                rules:
                - {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [get, list]}
                - {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: csr-approver}
                rules:
                - {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}
                - {apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [kubernetes.io/kube-apiserver-client], verbs: [approve]}
                """,
                paths: ["rules[0]"]),
        ]
    )

    static let approval = Permission(["update", "patch"], "certificatesigningrequests/approval", group: "certificates.k8s.io")
    static let signers = Permission(["approve"], "signers", group: "certificates.k8s.io")

    let includeSystem: Bool

    public init(parameters: RuleParameters) {
        includeSystem = RoleChecks.includeSystem(parameters)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard includeSystem || !RoleChecks.isBuiltIn(object) else { return }
        let rules = context.policyRules()
        guard rules.contains(where: { !Self.signers.granted(by: $0.rule).isEmpty }),
            let approving = rules.first(where: { !Self.approval.granted(by: $0.rule).isEmpty })
        else { return }
        context.report(
            "ClusterRole can approve certificate signing requests: rules[\(approving.rule.index)] grants "
                + "\(Self.approval.granted(by: approving.rule).joined(separator: ", ")) on certificatesigningrequests/approval, "
                + "and approve on signers",
            path: "rules[\(approving.rule.index)]", at: approving.value)
    }
}

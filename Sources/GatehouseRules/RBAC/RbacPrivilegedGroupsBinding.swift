import KubeModel

/// rbac-privileged-groups-binding: bindings to system:masters or to everyone.
public struct RbacPrivilegedGroupsBinding: Rule {
    public static let description = RuleDescription(
        id: "rbac-privileged-groups-binding",
        title: "Binding to system:masters, anonymous or all authenticated users",
        category: .rbac,
        severity: .critical,
        action: .deny,
        scope: RoleChecks.bindingKinds,
        profiles: [.aks],
        spec: """
            Fails for each subject of a RoleBinding or ClusterRoleBinding that is one of `groups` (default: \
            Group system:masters, Group system:anonymous... written as names: system:masters, \
            system:unauthenticated, system:authenticated, system:serviceaccounts) or the User system:anonymous. \
            Binding to system:masters is pointless (the group already bypasses RBAC) and marks an attempt to hide an \
            admin grant; binding to anonymous, unauthenticated or every authenticated user gives the role's \
            permissions to anyone who reaches the API server (on AKS, any Entra ID account of any tenant is \
            "authenticated"), and binding to system:serviceaccounts gives them to every pod of every namespace. \
            Kubernetes' own bindings (labelled rbac-defaults, \
            with a default's name, role and subjects, such as system:public-info-viewer) are skipped unless \
            includeSystem is true; a system: name alone is not enough.
            Fields: subjects[*].{kind,name}.
            """,
        rationale: """
            Permissions bound to everyone are the ones an attacker starts with.
            """,
        remediation: "Bind the role to named groups or service accounts instead.",
        references: [
            .cis("5.1.7 Avoid use of system:masters group"),
            .other("KSV122, KSV123, KSV01011"),
        ],
        parameters: [
            ParameterSpec(
                "groups", .stringList, default: "[system:masters, system:anonymous, system:unauthenticated, system:authenticated, system:serviceaccounts]",
                "Group (and user) names that must not appear as subjects."),
            RoleChecks.includeSystemParameter,
        ],
        passing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: "system:public-info-viewer", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:public-info-viewer"}
                subjects:
                - {kind: Group, name: "system:unauthenticated", apiGroup: rbac.authorization.k8s.io}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: open-viewer}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects:
                - {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
                - {kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}
                - {kind: User, name: "system:anonymous", apiGroup: rbac.authorization.k8s.io}
                """,
                paths: ["subjects[1]", "subjects[2]"]),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: "system:backdoor", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects:
                - {kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}
                """,
                paths: ["subjects[0]"]),
            Example(
                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: "system:public-info-viewer", labels: {kubernetes.io/bootstrapping: rbac-defaults}}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:public-info-viewer"}
                subjects:
                - {kind: Group, name: "system:unauthenticated", apiGroup: rbac.authorization.k8s.io}
                - {kind: Group, name: "system:serviceaccounts", apiGroup: rbac.authorization.k8s.io}
                """,
                paths: ["subjects[0]", "subjects[1]"]),
        ]
    )

    let groups: Set<String>
    let includeSystem: Bool

    public init(parameters: RuleParameters) {
        groups = Set(parameters.strings(
            "groups",
            default: ["system:masters", "system:anonymous", "system:unauthenticated", "system:authenticated", "system:serviceaccounts"]))
        includeSystem = RoleChecks.includeSystem(parameters)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard includeSystem || !RoleChecks.isBuiltIn(object) else { return }
        let role = object.root["roleRef"]?["name"]?.string ?? "?"
        for subject in RoleChecks.subjects(of: object)
        where (subject.kind == "Group" || subject.kind == "User") && groups.contains(subject.name) {
            context.report(
                "\(object.kind) grants \(role) to \(subject.text), "
                    + (subject.name == "system:serviceaccounts" ? "which is every service account" : "which is everyone or bypasses RBAC"),
                path: "subjects[\(subject.index)]", at: subject.value)
        }
    }
}

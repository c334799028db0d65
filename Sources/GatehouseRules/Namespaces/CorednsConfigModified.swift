import KubeModel

/// coredns-config-modified: changes to the cluster DNS configuration are recorded.
public struct CorednsConfigModified: Rule {
    static let names: Set<String> = ["coredns", "coredns-custom"]
    static let defaultUsers = ["aksService", "masterclient", "system:serviceaccount:kube-system:*"]

    public static let description = RuleDescription(
        id: "coredns-config-modified",
        title: "CoreDNS configuration changed",
        category: .namespaces,
        severity: .low,
        action: .audit,
        scope: .kinds(["ConfigMap"]),
        profiles: [.aks],
        spec: """
            At admission, a CREATE, UPDATE or DELETE of the ConfigMap kube-system/coredns or \
            kube-system/coredns-custom by a user not in `allowedUsers` and in no group of `allowedGroups` (globs) \
            is reported, with the user's name. The default action is audit (recorded, not refused): on AKS, \
            coredns-custom is the supported place for custom DNS, so changes are legitimate but worth a trace.
            The rule judges deletes: on a DELETE the webhook evaluates the ConfigMap being deleted \
            (`request.oldObject`) and allows the deletion, recording the finding (a DELETE is never refused). \
            The shipped webhook configuration does not send kube-system requests to the webhook; register \
            DELETE of `configmaps` there for this case to be seen.
            Without a request (the auditor) nothing is reported: the configuration's content is not judged.
            NOTE: the default policy excludes kube-system from every rule, so this rule reports nothing until \
            the policy stops excluding kube-system for it. Default allowed users: the AKS resource provider's \
            clients (aksService, masterclient; names UNVERIFIED) and kube-system service accounts.
            """,
        rationale: """
            Whoever controls cluster DNS can redirect service names to their own endpoints and intercept \
            traffic between workloads.
            """,
        remediation: "Confirm the change was intended; route DNS changes through your deployment pipeline's identity.",
        references: [
            .defender("CoreDNS modification in Kubernetes detected (alert K8S_CoreDnsModification)"),
        ],
        parameters: [
            ParameterSpec(
                "allowedUsers", .stringList, default: "[" + defaultUsers.joined(separator: ", ") + "]",
                "Request users (globs) whose changes are not reported."),
            ParameterSpec("allowedGroups", .stringList, default: "[]", "Request groups (globs) whose changes are not reported."),
        ],
        judgesDeletes: true,
        passing: [
            Example(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: coredns-custom, namespace: kube-system}
                data: {test.server: "example.com:53 { forward . 10.0.0.10 }"}
                """),
            Example(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: kube-system}
                data: {a: b}
                """,
                request: AdmissionInfo(user: "alice@example.com", operation: .update)),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: coredns-custom, namespace: kube-system}
                data: {test.server: "example.com:53 { forward . 203.0.113.7 }"}
                """,
                request: AdmissionInfo(user: "alice@example.com", groups: ["system:masters"], operation: .update),
                paths: ["data"]),
            Example(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: coredns, namespace: kube-system}
                data: {Corefile: ".:53 { forward . /etc/resolv.conf }"}
                """,
                request: AdmissionInfo(user: "alice@example.com", operation: .delete, namespace: "kube-system"),
                paths: ["data"]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: Self.defaultUsers)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let request = context.request, request.operation != .connect, object.group == "",
            Self.names.contains(object.name), Matching.namespace(of: object, request) == "kube-system",
            !allowed.contain(request)
        else { return }
        let verb = ["CREATE": "created", "UPDATE": "changed", "DELETE": "deleted"][request.operation.rawValue] ?? "changed"
        context.report(
            "CoreDNS configuration \"kube-system/\(object.name)\" \(verb) by \(request.user)", path: "data",
            at: object.root["data"] ?? object.root)
    }
}

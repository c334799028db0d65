import KubeModel

/// ns-pss-label: namespaces enforce a Pod Security Standards level.
public struct NsPssLabel: Rule {
    static let label = "pod-security.kubernetes.io/enforce"
    static let levels = ["privileged", "baseline", "restricted"]

    public static let description = RuleDescription(
        id: "ns-pss-label",
        title: "Namespace without a Pod Security enforce label",
        category: .namespaces,
        severity: .low,
        action: .warn,
        scope: .kinds(["Namespace"]),
        profiles: [.aks],
        spec: """
            Fails for a Namespace whose label pod-security.kubernetes.io/enforce is missing, is not one of \
            privileged / baseline / restricted, or is a lower level than `minimumLevel` (default baseline, so \
            `privileged` fails). The -version, audit and warn labels are not read. Namespaces the policy \
            excludes (kube-system and the other Azure system namespaces) are not reported.
            Field: metadata.labels["pod-security.kubernetes.io/enforce"].
            """,
        rationale: """
            Pod Security Admission is built into every cluster; the enforce label is the switch that makes the \
            API server itself refuse privileged pods in the namespace, independent of any webhook.
            """,
        remediation: "Label the namespace: pod-security.kubernetes.io/enforce: baseline (or restricted).",
        references: [
            .cis("5.2.1 (at least one active policy control mechanism)"),
            .pss("Pod Security Admission namespace labels"),
        ],
        parameters: [
            ParameterSpec("minimumLevel", .string, default: "baseline", "Lowest acceptable level: privileged, baseline or restricted."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: shop
                  labels: {pod-security.kubernetes.io/enforce: restricted}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                """,
                paths: [#"metadata.labels["pod-security.kubernetes.io/enforce"]"#]),
            Example(
                """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: shop
                  labels: {pod-security.kubernetes.io/enforce: baseline}
                """,
                parameters: "{minimumLevel: restricted}",
                paths: [#"metadata.labels["pod-security.kubernetes.io/enforce"]"#]),
        ]
    )

    let minimum: Int

    public init(parameters: RuleParameters) throws {
        minimum = Self.levels.firstIndex(of: try parameters.choice("minimumLevel", Self.levels, default: "baseline"))!
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard object.group == "" else { return }
        let value = object.metadata?["labels"]?[Self.label]
        let path = "metadata.labels" + Matching.keySegment(Self.label)
        guard let text = value?.string else {
            context.report(
                "namespace \"\(object.name)\" has no \(Self.label) label", path: path,
                at: object.metadata?["labels"] ?? object.metadata ?? object.root)
            return
        }
        guard let level = Self.levels.firstIndex(of: text) else {
            context.report(
                "namespace \"\(object.name)\" has \(Self.label)=\(text), which is not a Pod Security level",
                path: path, at: value)
            return
        }
        guard level >= minimum else {
            context.report(
                "namespace \"\(object.name)\" enforces \(text), below \(Self.levels[minimum])", path: path, at: value)
            return
        }
    }
}

import KubeModel

/// secret-in-configmap: ConfigMaps do not carry credentials.
public struct SecretInConfigmap: Rule {
    public static let description = RuleDescription(
        id: "secret-in-configmap",
        title: "Secret-like data in a ConfigMap",
        category: .secrets,
        severity: .high,
        action: .warn,
        scope: .kinds(["ConfigMap"]),
        profiles: [],
        spec: """
            Fails for each entry of a ConfigMap's `data` whose value contains a well-known credential format \
            (private key, AWS access key, GitHub or Slack token, Azure storage key, password in a URL), or \
            whose key matches `keyPattern` (default: password, passwd, secret, token, api key, private key, \
            access key, credential; case-insensitive search) with a literal value. Keys of `binaryData` are \
            checked by name only. The same noise filters as secret-plain-env-literal apply to name matches \
            (keys ending in file, path, dir, name, namespace, ref, ttl, timeout, type...; empty, numeric, boolean, path and placeholder values). \
            The value itself is never printed. Off by default (only in the `all` profile): heuristic, and not \
            an AKS recommendation.
            Fields: data.<key>, binaryData.<key>.
            """,
        rationale: """
            ConfigMaps are readable by far more roles than Secrets, are not encrypted at rest by KMS \
            configurations that cover Secrets, and are printed freely by tooling.
            """,
        remediation: "Move the value into a Secret (or Key Vault via the Secrets Store CSI driver) and reference it.",
        references: [
            .other("KSV109, KSV01010, Polaris sensitiveConfigmapContent"),
        ],
        parameters: [
            ParameterSpec(
                "keyPattern", .regex, default: SecretHeuristics.defaultNamePattern, "Searched (unanchored) in data keys."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: shop}
                data:
                  LOG_LEVEL: info
                  token_ttl: "3600"
                  secret_name: db-credentials
                  DATABASE_URL: postgres://db:5432/app
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: shop}
                data:
                  LOG_LEVEL: info
                  db.password: hunter2hunter2
                  tls.key: |
                    -----BEGIN RSA PRIVATE KEY-----
                    MIIEow...
                    -----END RSA PRIVATE KEY-----
                binaryData:
                  api-token: aGVsbG8=
                """,
                paths: [#"data["db.password"]"#, #"data["tls.key"]"#, "binaryData.api-token"]),
        ]
    )

    let keys: RulePattern?

    public init(parameters: RuleParameters) throws {
        keys = try parameters.pattern("keyPattern", default: SecretHeuristics.defaultNamePattern)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard object.group == "" else { return }
        if let data = object.root["data"] {
            for (keyNode, valueNode) in data.pairs {
                guard let key = keyNode.string, let value = valueNode.string else { continue }
                let reason: String
                if let kind = SecretHeuristics.detect(value) {
                    reason = "holds \(kind)"
                } else if let keys, SecretHeuristics.isSecretName(key, keys), SecretHeuristics.isLiteral(value) {
                    reason = "has a literal value for a credential name"
                } else {
                    continue
                }
                context.report(
                    "ConfigMap \"\(object.name)\" key \(key) \(reason)", path: "data" + Matching.keySegment(key),
                    at: valueNode)
            }
        }
        if let binary = object.root["binaryData"], let keys {
            for (keyNode, valueNode) in binary.pairs {
                guard let key = keyNode.string, SecretHeuristics.isSecretName(key, keys) else { continue }
                context.report(
                    "ConfigMap \"\(object.name)\" binary key \(key) is named like a credential",
                    path: "binaryData" + Matching.keySegment(key), at: valueNode)
            }
        }
    }
}

import KubeModel

/// secret-plain-env-literal: credentials are not written into the manifest as env values.
public struct SecretPlainEnvLiteral: Rule {
    public static let description = RuleDescription(
        id: "secret-plain-env-literal",
        title: "Secret-looking literal environment values",
        category: .secrets,
        severity: .medium,
        action: .warn,
        scope: .podSpec,
        profiles: [],
        spec: """
            Fails for each env entry, in any container (initContainers, containers, ephemeralContainers), whose \
            literal `value` either contains a well-known credential format (private key, AWS access key, \
            GitHub or Slack token, Azure storage key, password in a URL), or belongs to a variable whose name \
            matches `namePattern` (default: password, passwd, secret, token, api key, private key, access key, \
            credential; case-insensitive search).
            To keep noise down, name-based findings skip: names ending in FILE, PATH, DIR, NAME, NAMESPACE, REF, \
            TTL, TIMEOUT, LENGTH, EXPIRY, EXPIRATION, DURATION, TYPE, MODE, ENABLED, ID or VERSION (case-insensitive: they \
            point at or describe a secret), and values that are empty, numbers, booleans, absolute paths, or placeholders \
            (`$(VAR)`, `${VAR}`, `{{ ... }}`, `<...>`, changeme, redacted). The value itself is never printed. \
            Off by default (only in the `all` profile): heuristic, and not an AKS recommendation.
            Field: spec.*Containers[*].env[*].value.
            """,
        rationale: """
            A credential in a manifest is in Git history, CI logs, `kubectl get -o yaml` output and every \
            backup of etcd, readable by anyone who can read the workload.
            """,
        remediation: "Move the value into a Secret and reference it (prefer a mounted file to secretKeyRef).",
        references: [
            .other("Polaris sensitiveContainerEnvVar, Checkov CKV_K8S_35 (related)"),
        ],
        parameters: [
            ParameterSpec(
                "namePattern", .regex, default: SecretHeuristics.defaultNamePattern,
                "Searched (unanchored) in env variable names."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - name: app
                    image: app:1
                    env:
                    - {name: DB_PASSWORD_FILE, value: /run/secrets/db/password}
                    - {name: TOKEN_TTL, value: "3600"}
                    - {name: API_KEY, value: "$(INJECTED_API_KEY)"}
                    - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
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
                      containers:
                      - name: app
                        image: app:1
                        env:
                        - {name: MODE, value: prod}
                        - {name: DB_PASSWORD, value: hunter2hunter2}
                        - {name: DATABASE_URL, value: "postgres://app:s3cr3t@db:5432/app"}
                        - {name: apiKey, value: abcdef123456}
                """,
                paths: [
                    "spec.template.spec.containers[0].env[1].value",
                    "spec.template.spec.containers[0].env[2].value",
                    "spec.template.spec.containers[0].env[3].value",
                ]),
        ]
    )

    let names: RulePattern?

    public init(parameters: RuleParameters) throws {
        names = try parameters.pattern("namePattern", default: SecretHeuristics.defaultNamePattern)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template else { return }
        for container in template.containers {
            for (i, env) in (container.value["env"]?.items).map(Array.init)?.enumerated() ?? [].enumerated() {
                guard let valueNode = env["value"], let value = valueNode.string else { continue }
                let name = env["name"]?.string ?? ""
                let reason: String
                if let kind = SecretHeuristics.detect(value) {
                    reason = "holds \(kind)"
                } else if let names, SecretHeuristics.isSecretName(name, names), SecretHeuristics.isLiteral(value) {
                    reason = "has a literal value for a credential name"
                } else {
                    continue
                }
                context.report(
                    "container \"\(container.name)\" env \(name) \(reason)", path: container.path("env[\(i)].value"),
                    at: valueNode, container: container)
            }
        }
    }
}

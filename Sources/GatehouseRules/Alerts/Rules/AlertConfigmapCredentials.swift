import KubeModel

/// alert-configmap-credentials: a ConfigMap holding credentials was created or changed.
public struct AlertConfigmapCredentials: AlertRule {
    /// secret-in-configmap's name pattern with Falco's `passphrase` added.
    static let defaultKeyPattern =
        "(?i)(password|passwd|passphrase|secret|token|api[_.-]?key|private[_.-]?key|access[_.-]?key|credential)"

    public static let tactic = Tactic.credentialAccess
    public static let description = RuleDescription(
        id: "alert-configmap-credentials",
        title: "ConfigMap with credentials written",
        category: .alerts,
        severity: .medium,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create`, `update` or `patch` of `configmaps` by a user not in `allowedUsers` \
            and in no group of `allowedGroups` (globs), when an entry of the request body's `data`
            - holds a well-known credential format (private key, AWS access key id, GitHub, Slack or Azure \
            storage key, password in a URL), as secret-in-configmap finds them;
            - is named like a credential (`keyPattern`, searched case-insensitively; default \
            secret-in-configmap's with `passphrase` added) and holds a literal value, with the same noise \
            filters (names ending in file, path, name, id...; empty, numeric, boolean, path and placeholder \
            values);
            - or is a configuration text with a setting `name = value` or `name: value` (a line of an INI, \
            properties, YAML or shell file, a JSON member, a `;`-separated connection string or a URL query) whose name is a credential's and whose value is literal: the shape Falco's \
            `aws_access_key_id`, `password` and `passphrase` search finds, and where credentials usually hide.
            Keys of `binaryData` count by name. One alert per request names each key; values are never printed. \
            A patch is judged on the entries it writes.
            Without a request body (a `Metadata`-level event, or AKS dropped it) the content is unknown: the event \
            is counted as unjudged, never alerted on.
            """,
        rationale: """
            ConfigMaps are readable by many more roles than Secrets and are not encrypted at rest: a credential \
            written there is one `kubectl get` away from anyone who can view the namespace.
            """,
        remediation: """
            Rotate the credential, move it into a Secret (or Key Vault through the Secrets Store CSI driver) and \
            reference it from the workload.
            """,
        references: [
            .defender("none: Defender raises no alert on ConfigMap contents (audit-log reading of secret-in-configmap)"),
            .other("Falco k8saudit rule \"Create/Modify Configmap With Private Credentials\""),
            tactic.reference,
        ],
        parameters: [
            ParameterSpec("keyPattern", .regex, default: defaultKeyPattern, "Searched (unanchored) in data keys and in the names of configuration lines."),
        ] + ParameterSpec.allowedRequesters(whose: "ConfigMaps"),
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: RequestResponse
                stage: ResponseComplete
                verb: create
                user: {username: alice}
                objectRef: {resource: configmaps, namespace: shop, name: settings, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: settings, namespace: shop}
                  data:
                    ui.properties: "color.good=purple\\npassword.min-length=12\\n"
                    secret_name: db-credentials
                """),
            // Metadata level: the content is unknown, so no alert (the event is counted as unjudged).
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: update
                user: {username: alice}
                objectRef: {resource: configmaps, namespace: shop, name: settings, apiVersion: v1}
                responseStatus: {code: 200}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: create
                user: {username: mallory}
                objectRef: {resource: configmaps, namespace: shop, name: app, apiVersion: v1}
                responseStatus: {code: 201}
                requestObject:
                  apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: app, namespace: shop}
                  data:
                    LOG_LEVEL: info
                    credentials: |
                      [default]
                      aws_access_key_id = AKIAIOSFODNN7EXAMPLE
                      aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
                    application.properties: "spring.datasource.password=hunter2hunter2\\n"
                    DB_PASSPHRASE: correct-horse
                """,
                paths: ["requestObject.data.credentials", #"requestObject.data["application.properties"]"#, "requestObject.data.DB_PASSPHRASE"]),
            Example(
                """
                apiVersion: audit.k8s.io/v1beta1
                kind: Event
                level: Request
                stage: ResponseComplete
                verb: patch
                user: {username: mallory}
                objectRef: {resource: configmaps, namespace: shop, name: app, apiVersion: v1}
                responseStatus: {code: 200}
                requestObject: {data: {settings.json: "{\\"db\\": {\\"password\\": \\"hunter2hunter2\\"}}"}}
                """,
                paths: [#"requestObject.data["settings.json"]"#]),
        ]
    )

    let keys: RulePattern?
    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) throws {
        keys = try parameters.pattern("keyPattern", default: Self.defaultKeyPattern)
        allowed = AllowedRequesters(parameters, users: [])
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        guard event.modifies("configmaps"), event.succeeded, !event.actor(in: allowed) else { return }
        guard let body = event.requestObject else { return context.cannotJudge(event.missingBodyReason) }
        var evidence: [Evidence] = []
        for (keyNode, valueNode) in body["data"].map { Array($0.pairs) } ?? [] {
            guard let key = keyNode.string, let value = valueNode.string, let reason = reason(key, value) else { continue }
            evidence.append(Evidence("requestObject.data" + Matching.keySegment(key), reason))
        }
        for (keyNode, _) in body["binaryData"].map { Array($0.pairs) } ?? [] {
            guard let key = keyNode.string, let keys, SecretHeuristics.isSecretName(key, keys) else { continue }
            evidence.append(Evidence("requestObject.binaryData" + Matching.keySegment(key), "named like a credential"))
        }
        guard !evidence.isEmpty else { return }
        let names = evidence.map { $0.path.dropFirst("requestObject.".count) }.joined(separator: ", ")
        context.report("\(event.actorName) wrote credentials into ConfigMap \(event.objectDisplayName): \(names)", evidence: evidence)
    }

    /// Why `value` under `key` is a credential, or `nil`.
    func reason(_ key: String, _ value: String) -> String? {
        if let kind = SecretHeuristics.detect(value) { return "holds \(kind)" }
        guard let keys else { return nil }
        if SecretHeuristics.isSecretName(key, keys), SecretHeuristics.isLiteral(value) {
            return "literal value for a credential name"
        }
        for fragment in value.split(whereSeparator: Self.isFragmentEnd) {
            guard let (name, setting) = Self.assignment(fragment), SecretHeuristics.isSecretName(name, keys),
                SecretHeuristics.isLiteral(setting)
            else { continue }
            return "sets \(name)"
        }
        return nil
    }

    /// Where one setting of a configuration text ends: a line, a JSON object or list item, a JDBC-style
    /// `;` or a URL query's `&`.
    static func isFragmentEnd(_ c: Character) -> Bool {
        c.isNewline || c == "{" || c == "}" || c == "," || c == ";" || c == "&"
    }

    /// `name` and `value` of one setting `name = value` or `name: value`, with quotes and `export` removed;
    /// `nil` when it assigns nothing or the name holds spaces.
    static func assignment(_ line: Substring) -> (String, String)? {
        guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { return nil }
        let quotes: Set<Character> = ["\"", "'", " ", "\t"]
        var name = line[..<separator].trimmedSpaces
        if name.hasPrefix("export ") { name = name.dropFirst("export ".count).trimmedSpaces }
        name = String(name.drop { quotes.contains($0) }.reversed().drop { quotes.contains($0) }.reversed())
        let rest = line[line.index(after: separator)...]
        let value = String(rest.drop { quotes.contains($0) }.reversed().drop { quotes.contains($0) }.reversed())
        guard !name.isEmpty, !name.contains(" ") else { return nil }
        return (name, value)
    }
}

import KubeModel

/// alert-pod-exec: someone opened a shell or attached to a container (pods/exec, pods/attach).
public struct AlertPodExec: AlertRule {
    public static let tactic = Tactic.execution
    public static let description = RuleDescription(
        id: "alert-pod-exec",
        title: "Exec or attach into a pod",
        category: .alerts,
        severity: .low,
        action: .audit,
        scope: .kinds(["Event"]),
        profiles: [.aks],
        spec: """
            Alerts on a successful `create` or `get` of the `exec` or `attach` subresource of `pods` by a user not \
            in `allowedUsers` and in no group of `allowedGroups` (globs). Such requests are long-running: the \
            API server logs them at `ResponseStarted` (code 101, the stream opened) and again at \
            `ResponseComplete`; both stages are one request and deduplicate into one alert. The command comes from \
            `requestURI` (`command=` query parameters) and is part of the evidence; it is recorded at every level, \
            `Metadata` included.
            """,
        rationale: """
            An interactive shell in a running container bypasses the image, the deployment pipeline and its \
            review: attackers use it to run tools, read mounted secrets and move on.
            """,
        remediation: """
            Confirm who opened the session and why. Restrict `pods/exec` and `pods/attach` (rbac-pod-exec-attach) \
            to break-glass roles, and list identities that exec as part of their job in allowedUsers.
            """,
        references: [
            .defender("Exec into a container (audit-log reading of K8S_ExecInContainer; no Defender audit-log alert)"),
            .other("Falco k8saudit rule \"Attach/Exec Pod\""),
            tactic.reference,
        ],
        parameters: [
            ParameterSpec("allowedUsers", .stringList, default: "[]", "Users (globs) whose exec and attach do not alert."),
            ParameterSpec("allowedGroups", .stringList, default: "[]", "Groups (globs) whose exec and attach do not alert."),
        ],
        passing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: get
                user: {username: alice}
                objectRef: {resource: pods, subresource: log, namespace: shop, name: web-1, apiVersion: v1}
                responseStatus: {code: 200}
                """),
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseStarted
                verb: create
                user: {username: oncall-bot, groups: [sre]}
                objectRef: {resource: pods, subresource: exec, namespace: shop, name: web-1, apiVersion: v1}
                responseStatus: {code: 101}
                """,
                parameters: "{allowedGroups: [sre]}"),
            // Refused by RBAC: nothing ran.
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseComplete
                verb: create
                user: {username: mallory}
                objectRef: {resource: pods, subresource: exec, namespace: shop, name: web-1, apiVersion: v1}
                responseStatus: {code: 403}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: audit.k8s.io/v1
                kind: Event
                level: Metadata
                stage: ResponseStarted
                requestURI: /api/v1/namespaces/shop/pods/web-1/exec?command=sh&container=web&stdin=true&tty=true
                verb: create
                user: {username: mallory, groups: [system:authenticated]}
                objectRef: {resource: pods, subresource: exec, namespace: shop, name: web-1, apiVersion: v1}
                responseStatus: {code: 101}
                """,
                paths: ["objectRef.subresource", "requestURI"]),
        ]
    )

    let allowed: AllowedRequesters

    public init(parameters: RuleParameters) {
        allowed = AllowedRequesters(parameters, users: [])
    }

    public func check(_ event: AuditEvent, _ context: inout AlertContext) {
        let sub = event.target.subresource
        guard event.target.resource == "pods", sub == "exec" || sub == "attach",
            event.verb == "create" || event.verb == "get", event.succeeded, !event.actor(in: allowed)
        else { return }
        var evidence = [Evidence("objectRef.subresource", sub)]
        let command = Self.commands(in: event.requestURI)
        if !command.isEmpty { evidence.append(Evidence("requestURI", "command: " + command.joined(separator: " "))) }
        let what = sub == "exec" ? "ran \(command.isEmpty ? "a command" : "\"\(command.joined(separator: " "))\"") in" : "attached to"
        context.report("\(event.actorName) \(what) pod \(event.objectDisplayName)", evidence: evidence)
    }

    /// The `command=` query parameters of an exec URI, percent-decoded, in order.
    static func commands(in uri: String) -> [String] {
        guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return [] }
        return query.split(separator: "&").compactMap { pair in
            guard pair.hasPrefix("command=") else { return nil }
            return percentDecoded(pair.dropFirst("command=".count))
        }
    }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var i = text.utf8.startIndex
        let utf8 = text.utf8
        while i < utf8.endIndex {
            let b = utf8[i]
            if b == UInt8(ascii: "%"), let h = utf8.index(i, offsetBy: 2, limitedBy: utf8.endIndex), h < utf8.endIndex,
                let value = UInt8(String(decoding: utf8[utf8.index(after: i)...h], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                i = utf8.index(after: h)
            } else {
                bytes.append(b == UInt8(ascii: "+") ? 0x20 : b)
                i = utf8.index(after: i)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

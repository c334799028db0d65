import KubeModel

/// svc-external-name: ExternalName Services outside an allow-list.
public struct SvcExternalName: Rule {
    public static let description = RuleDescription(
        id: "svc-external-name",
        title: "ExternalName Services",
        category: .services,
        severity: .low,
        action: .audit,
        scope: .kinds(["Service"]),
        profiles: [.aks],
        spec: """
            Fails for a Service of type ExternalName whose spec.externalName is not in allowedExternalNames \
            (exact names, or `*.example.com` for any subdomain). Other types pass.
            Fields: spec.type, spec.externalName.
            """,
        rationale: """
            An ExternalName Service makes cluster DNS answer with any name; ingress controllers that follow it \
            can be turned into a proxy to internal or metadata endpoints.
            """,
        remediation: "Use a Service with endpoints you control, or allow the external name in the policy.",
        references: [
            .other("KSV108 (externalName part), CVE-2021-25740 class of issues"),
        ],
        parameters: [
            ParameterSpec("allowedExternalNames", .stringList, default: "[]", "DNS names (or *.domain) ExternalName Services may point to."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: db, namespace: app}
                spec: {type: ExternalName, externalName: pg.prod.example.com}
                """,
                parameters: "allowedExternalNames: ['*.example.com']"),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: meta, namespace: app}
                spec: {type: ExternalName, externalName: 169.254.169.254.nip.io}
                """,
                paths: ["spec.externalName"]),
        ]
    )

    /// Lowercased: DNS names compare without case.
    let allowed: [Glob]

    public init(parameters: RuleParameters) {
        allowed = parameters.strings("allowedExternalNames", default: []).map { Glob($0.lowercased()) }
    }

    func isAllowed(_ name: String) -> Bool {
        allowed.anyMatches(String(name.lowercased().trimmedSpaces.reversed().drop(while: { $0 == "." }).reversed()))
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        let service = ServiceView(object)
        guard service.type == "ExternalName" else { return }
        let value = service.spec?["externalName"]
        let name = value?.string ?? ""
        guard !isAllowed(name) else { return }
        context.report(
            "ExternalName Service points to \"\(name)\", which is not in allowedExternalNames",
            path: "spec.externalName", at: value ?? service.typeValue)
    }
}

import KubeModel

/// pod-windows-container-admin: Windows containers do not run as ContainerAdministrator.
public struct PodWindowsContainerAdmin: Rule {
    public static let description = RuleDescription(
        id: "pod-windows-container-admin",
        title: "Windows ContainerAdministrator",
        category: .podSecurity,
        severity: .medium,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            For each container (initContainers, containers, ephemeralContainers), the effective \
            securityContext.windowsOptions.runAsUserName (the container's, else the pod's) fails when it is \
            `ContainerAdministrator` (compared case-insensitively, as Windows user names are), or, when \
            `allowedUserNames` is set, when it is not in that list (also case-insensitive).
            An unset runAsUserName passes: the image decides the default user, which the manifest does not show \
            (many Windows base images default to ContainerUser, some to ContainerAdministrator). Linux pods \
            rarely set windowsOptions; when they do, the value is checked the same way.
            Azure's Rego for the Windows user policies is UNVERIFIED; this follows their display names.
            Fields: spec.securityContext.windowsOptions.runAsUserName, \
            spec.*Containers[*].securityContext.windowsOptions.runAsUserName.
            """,
        rationale: """
            ContainerAdministrator is the administrator of the container's Windows instance: with a process- \
            isolated container it shares the host kernel, and administrative rights widen every escape path.
            """,
        remediation: "Set securityContext.windowsOptions.runAsUserName: ContainerUser (or an allowed account).",
        references: [
            .azurePolicy("Kubernetes cluster Windows containers should not run as ContainerAdministrator (5485eac0, UNVERIFIED)"),
            .azurePolicy("Kubernetes cluster Windows pods should only run with approved user and domain group (57dde185, UNVERIFIED)"),
        ],
        parameters: [
            ParameterSpec(
                "allowedUserNames", .stringList, default: "[]",
                "When set, runAsUserName must be one of these (case-insensitive)."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: win}
                spec:
                  os: {name: windows}
                  securityContext: {windowsOptions: {runAsUserName: ContainerUser}}
                  containers:
                  - {name: app, image: mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: win}
                spec:
                  template:
                    spec:
                      nodeSelector: {kubernetes.io/os: windows}
                      securityContext: {windowsOptions: {runAsUserName: containeradministrator}}
                      containers:
                      - {name: app, image: iis:ltsc2022}
                      - {name: ok, image: iis:ltsc2022, securityContext: {windowsOptions: {runAsUserName: ContainerUser}}}
                """,
                paths: ["spec.template.spec.securityContext.windowsOptions.runAsUserName"]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: win}
                spec:
                  os: {name: windows}
                  containers:
                  - {name: app, image: iis:ltsc2022, securityContext: {windowsOptions: {runAsUserName: "NT AUTHORITY\\\\SYSTEM"}}}
                  - {name: ok, image: iis:ltsc2022, securityContext: {windowsOptions: {runAsUserName: containeruser}}}
                """,
                parameters: "{allowedUserNames: [ContainerUser]}",
                paths: ["spec.containers[0].securityContext.windowsOptions.runAsUserName"]),
        ]
    )

    let allowed: Set<String>

    public init(parameters: RuleParameters) {
        allowed = Set(parameters.strings("allowedUserNames", default: []).map { $0.lowercased() })
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template else { return }
        let podValue = template.securityContext?["windowsOptions"]?["runAsUserName"]
        for container in template.containers {
            let own = container.securityContext?["windowsOptions"]?["runAsUserName"]
            guard let value = own ?? podValue, let name = value.string else { continue }
            let lower = name.lowercased()
            guard lower == "containeradministrator" || (!allowed.isEmpty && !allowed.contains(lower)) else { continue }
            let path =
                own != nil
                ? container.path("securityContext.windowsOptions.runAsUserName")
                : template.path("securityContext.windowsOptions.runAsUserName")
            let reason = lower == "containeradministrator" ? "" : " (not an allowed user name)"
            context.report(
                "container \"\(container.name)\" runs as Windows user \"\(name)\"\(reason)", path: path, at: value,
                container: container)
        }
    }
}

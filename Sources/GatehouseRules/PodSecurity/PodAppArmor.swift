import KubeModel

/// pod-apparmor: no container may override the default AppArmor profile with an unconfined one.
///
/// PSS check `appArmorProfile` (baseline, v1.0; one version that reads both the GA field and the beta
/// annotations). AKS vs PSS: Azure's "allowed AppArmor profiles" (sample v3) reads only the beta annotation,
/// defaulting to runtime/default, against `allowedProfiles`. Under the `aks` profile this rule also reads
/// the GA field `securityContext.appArmorProfile` (pod and container; Kubernetes 1.30+ converts the
/// annotation into it, so ignoring it would let `Unconfined` through), mapped to annotation syntax; under
/// the PSS profiles PSA's logic applies: field type RuntimeDefault or Localhost, annotation empty,
/// runtime/default or localhost/*, and annotations for any container name count.
public struct PodAppArmor: Rule {
    static let annotationPrefix = "container.apparmor.security.beta.kubernetes.io/"

    public static let description = RuleDescription(
        id: "pod-apparmor",
        title: "AppArmor override",
        category: .podSecurity,
        severity: .high,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssBaseline, .pssRestricted],
        spec: """
            PSS profiles (`appArmorProfile`): fails when the pod or a container sets \
            securityContext.appArmorProfile.type other than RuntimeDefault or Localhost, or an annotation \
            container.apparmor.security.beta.kubernetes.io/* has a value other than "", runtime/default or \
            localhost/*.
            aks profile: each container's annotation, else its field, else the pod's field (annotation syntax: \
            runtime/default, localhost/<name>, unconfined) must be in allowedProfiles; unset counts as \
            runtime/default, as in Azure's template. \
            Windows-nodeSelector pods are skipped.
            """,
        rationale: "An unconfined container loses the mandatory access control that limits what a compromised process can touch.",
        remediation: "Remove the Unconfined AppArmor setting; use RuntimeDefault or a reviewed Localhost profile.",
        references: [
            .pss("appArmorProfile (baseline)"),
            .azurePolicy("Kubernetes cluster containers should only use allowed AppArmor profiles (511f5417)"),
            .defender("Container AppArmor profile should be restricted"),
            .cis("5.7.2 (related)"),
            .other("KSV002, kubeaudit AppArmorAnnotationMissing/AppArmorDisabled"),
        ],
        parameters: [
            ParameterSpec(
                "allowedProfiles", .stringList, default: "[runtime/default, localhost/*]",
                "aks profile only: allowed profiles in annotation syntax (runtime/default, localhost/<name> or localhost/*, unconfined, \"*\").")
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  annotations: {container.apparmor.security.beta.kubernetes.io/app: runtime/default}
                spec:
                  securityContext: {appArmorProfile: {type: RuntimeDefault}}
                  containers:
                  - {name: app, image: nginx:1.27}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27}
                  - {name: tool, image: busybox:1.36, securityContext: {appArmorProfile: {type: Unconfined}}}
                """,
                paths: [
                    "metadata.annotations[\"container.apparmor.security.beta.kubernetes.io/app\"]",
                    "spec.containers[1].securityContext.appArmorProfile.type",
                ]),
        ],
        docker: DockerView(
            .dockerContainer, controls: [CISDocker.appArmor],
            spec: """
                Docker container: fails when AppArmorProfile (the profile the container runs under) is empty or \
                `unconfined` (any case; `--security-opt apparmor=unconfined`, or a privileged container). Judged \
                only when its host's daemon runs with AppArmor (Info.SecurityOptions lists `name=apparmor`): on a \
                host without it (SELinux distributions) the control does not apply and the container passes. \
                Without a host to read (a container judged alone) the field alone is judged, so an empty profile \
                fails. `allowedProfiles` applies to pods only. docker-bench judges the field on every host.
                """,
            remediation: "Run the container without --security-opt apparmor=unconfined (Docker applies docker-default), or with a reviewed profile: --security-opt apparmor=<profile>.",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /web
                    AppArmorProfile: docker-default
                    """, docker: .dockerContainer, host: "{Name: host-1, Info: {SecurityOptions: [name=apparmor]}}"),
                Example(
                    """
                    Id: 4f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /selinux-host
                    AppArmorProfile: ""
                    """, docker: .dockerContainer, host: "{Name: host-1, Info: {SecurityOptions: [name=selinux]}}"),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /unconfined
                    AppArmorProfile: unconfined
                    HostConfig: {SecurityOpt: ["apparmor=unconfined"]}
                    """, docker: .dockerContainer, host: "{Name: host-1, Info: {SecurityOptions: [name=apparmor]}}",
                    paths: ["AppArmorProfile"]),
                Example(
                    """
                    Id: 8a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /alone
                    AppArmorProfile: ""
                    """, docker: .dockerContainer, paths: ["AppArmorProfile"]),
            ])
    )

    let allowed: [Glob]

    public init(parameters: RuleParameters) {
        allowed = parameters.strings("allowedProfiles", default: ["runtime/default", "localhost/*"]).map(Glob.init)
    }

    func isAllowed(_ profile: String) -> Bool { allowed.anyMatches(profile) }

    static func annotationSyntax(_ profile: Value) -> String {
        switch PodFields.string(profile, "type") {
        case "RuntimeDefault": "runtime/default"
        case "Localhost": "localhost/" + PodFields.string(profile, "localhostProfile")
        case "Unconfined": "unconfined"
        case let other: other
        }
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let container = DockerContainerView(object) { return checkDocker(container, &context) }
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.appArmorProfile], pod: pod) }
        if AzurePods.isWindows(pod) { return }
        let podField = PodFields.object(pod.securityContext, "appArmorProfile")
        for container in pod.containers {
            let key = Self.annotationPrefix + container.name
            let profile: String
            let path: String
            let node: Value?
            if let annotation = pod.metadata?["annotations"]?[key] {
                (profile, path, node) = (annotation.string ?? "", PodSeccomp.annotationPath(pod, key), annotation)
            } else if let field = PodFields.object(container.securityContext, "appArmorProfile") {
                (profile, path, node) = (Self.annotationSyntax(field), container.path("securityContext.appArmorProfile.type"), field["type"] ?? field)
            } else if let field = podField {
                (profile, path, node) = (Self.annotationSyntax(field), pod.path("securityContext.appArmorProfile.type"), field["type"] ?? field)
            } else {
                // Azure's template treats a container without a profile as runtime/default.
                (profile, path, node) = ("runtime/default", PodSeccomp.annotationPath(pod, key), container.value)
            }
            guard !isAllowed(profile) else { continue }
            context.report(
                "container \"\(container.name)\" uses AppArmor profile \"\(profile)\", which is not allowed", path: path,
                at: node, container: container)
        }
    }

    private func checkDocker(_ container: DockerContainerView, _ context: inout CheckContext) {
        if let host = context.dockerHost, !host.hasSecurityOption("apparmor") { return }
        let field = container.root["AppArmorProfile"]
        let profile = field?.string ?? ""
        guard profile.isEmpty || profile.lowercased() == "unconfined" else { return }
        let shown = profile.isEmpty ? "no AppArmor profile" : "AppArmor profile \"\(profile)\""
        context.report(
            "container \(container.label) runs with \(shown)", control: CISDocker.appArmor, path: "AppArmorProfile",
            at: field ?? container.root)
    }

    static func allowedType(_ type: String) -> Bool { type == "RuntimeDefault" || type == "Localhost" }

    /// PSA `appArmorProfile` v1.0.
    static func appArmorProfile_1_0(_ pod: PodTemplate) -> PSSViolation? {
        let scan = PSSProfileTypeScan(pod, field: "appArmorProfile", wording: "AppArmor profile type", allowed: allowedType)
        var badSetters = scan.setters
        let badValues = scan.values
        var spots = scan.spots
        var values = PSSText.sortedSet(badValues)
        var annotations: [String] = []
        let pairs = pod.metadata?["annotations"].map { Array($0.pairs) } ?? []
        for (key, value) in pairs {
            guard let name = key.string, name.hasPrefix(annotationPrefix) else { continue }
            let profile = value.string ?? ""
            if profile.isEmpty || profile == "runtime/default" || profile.hasPrefix("localhost/") { continue }
            annotations.append("\(name)=\"\(profile)\"")
            spots.append(
                PSSSpot(
                    "annotation \(name) must not set AppArmor profile \"\(profile)\"",
                    path: PodSeccomp.annotationPath(pod, name), at: value))
        }
        if !annotations.isEmpty {
            values += annotations.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            badSetters.append(PSSText.pluralize("annotation", "annotations", annotations.count))
        }
        guard !badSetters.isEmpty else { return nil }
        return PSSViolation(
            reason: PSSText.pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", values.count),
            detail: "\(badSetters.joined(separator: " and ")) must not set AppArmor profile type to \(PSSText.joinQuote(values))",
            spots: spots)
    }
}

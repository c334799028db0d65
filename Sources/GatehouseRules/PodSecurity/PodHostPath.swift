import KubeModel

/// pod-hostpath: hostPath volumes only under allowed host paths.
///
/// PSS check `hostPathVolumes` (baseline, v1.0; replaced at restricted by `restrictedVolumes`, reported by
/// pod-volume-types): any hostPath volume fails, mounted or not. AKS vs PSS: Azure's "hostPath volumes
/// should only use allowed host paths" takes `allowedHostPaths` entries `{pathPrefix, readOnly}` matched by
/// path component, and fails a writable mount of a path whose entry is readOnly. Under the `aks` profile this
/// rule applies that list (default empty: every hostPath fails, the PSS verdict). Decision: Gatehouse checks
/// every volume, as PSA and gatekeeper do, not only the mounted ones as Azure does: an unmounted hostPath
/// volume is still set up on the node and one edit away from use. Writable mounts are looked for in all
/// containers (init, regular, ephemeral). Under the PSS profiles the parameter is ignored.
public struct PodHostPath: Rule {
    public static let description = RuleDescription(
        id: "pod-hostpath",
        title: "hostPath volumes",
        category: .podSecurity,
        severity: .high,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssBaseline, .pssRestricted],
        spec: """
            Fails for every spec.volumes[*].hostPath whose path is not allowed.
            PSS profiles: PSA check `hostPathVolumes` at baseline (any hostPath fails); at restricted the check \
            is replaced by `restrictedVolumes` (pod-volume-types), so this rule reports nothing there.
            aks profile: allowed when hostPath.path is under an allowedHostPaths[].pathPrefix by path component \
            ("/foo" allows /foo, /foo/ and /foo/bar, not /fool; "/" allows everything), after removing `.` \
            components and applying `..` ones (/foo/../var/run is not under /foo); if a matching entry \
            has readOnly: true, every volumeMount of the volume (any container) must set readOnly: true. \
            All volumes are checked, mounted or not. Windows-nodeSelector pods are skipped.
            """,
        rationale: """
            A hostPath volume exposes the node's filesystem: container runtimes' sockets, kubelet credentials \
            and other pods' data, a direct route to node compromise.
            """,
        remediation: "Use emptyDir, a ConfigMap, Secret or a PersistentVolumeClaim instead; if a host path is unavoidable, allow exactly that prefix read-only and mount it with readOnly: true.",
        references: [
            .pss("hostPathVolumes (baseline)"),
            .azurePolicy("Kubernetes cluster pod hostPath volumes should only use allowed host paths (098fc59e)"),
            .defender("Usage of pod HostPath volume mounts should be restricted to a known list to restrict node access from compromised containers"),
            .cis("5.2.12"),
            .other("KSV023, Polaris hostPathSet"),
        ],
        parameters: [
            ParameterSpec(
                "allowedHostPaths", .objectList(["pathPrefix": .string, "readOnly": .bool]), default: "[]",
                "aks profile only: allowed host path prefixes (by path component); readOnly: true requires read-only mounts.")
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27, volumeMounts: [{name: cache, mountPath: /cache}]}
                  volumes:
                  - {name: cache, emptyDir: {}}
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: logs}
                spec:
                  containers:
                  - {name: shipper, image: fluent-bit:3, volumeMounts: [{name: varlog, mountPath: /var/log, readOnly: true}]}
                  volumes:
                  - {name: varlog, hostPath: {path: /var/log/pods}}
                """, parameters: "allowedHostPaths: [{pathPrefix: /var/log, readOnly: true}]"),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: agent, image: agent:2, volumeMounts: [{name: logs, mountPath: /logs}]}
                      volumes:
                      - {name: logs, hostPath: {path: /var/log}}
                      - {name: docker, hostPath: {path: /var/run/docker.sock}}
                """,
                parameters: "allowedHostPaths: [{pathPrefix: /var/log, readOnly: true}]",
                paths: [
                    "spec.template.spec.containers[0].volumeMounts[0].readOnly",
                    "spec.template.spec.volumes[1].hostPath.path",
                ]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: unmounted}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27}
                  volumes:
                  - {name: root, hostPath: {path: /varlib}}
                """,
                parameters: "allowedHostPaths: [{pathPrefix: /var}]",
                paths: ["spec.volumes[0].hostPath.path"]),
        ]
    )

    struct AllowedPath: Sendable {
        let components: [Substring]
        let readOnly: Bool
    }

    let allowed: [AllowedPath]

    public init(parameters: RuleParameters) throws {
        var allowed: [AllowedPath] = []
        if let list = parameters.value("allowedHostPaths"), list.isSequence {
            for entry in list.items {
                guard let prefix = entry["pathPrefix"]?.string else {
                    throw ParameterError(
                        parameter: "allowedHostPaths", position: entry.position,
                        message: "each entry needs a pathPrefix, e.g. {pathPrefix: /var/log, readOnly: true}")
                }
                allowed.append(AllowedPath(components: Self.components(prefix), readOnly: entry["readOnly"]?.isTrue ?? false))
            }
        }
        self.allowed = allowed
    }

    /// Path components, ignoring leading, trailing and repeated slashes and `.`, with `..` applied (`/` has
    /// none), so `/var/log/../run/docker.sock` is not under an allowed `/var/log`.
    static func components(_ path: String) -> [Substring] { HostPathNames.components(path) }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.hostPathVolumes], pod: pod) }
        if AzurePods.isWindows(pod) { return }
        for (index, volume) in PodFields.volumes(pod) {
            guard let hostPath = PodFields.object(volume, "hostPath") else { continue }
            let path = PodFields.string(hostPath, "path")
            let name = PodFields.string(volume, "name")
            let parts = Self.components(path)
            let matches = allowed.filter { parts.starts(with: $0.components) }
            guard !matches.isEmpty else {
                context.report(
                    "volume \"\(name)\" uses hostPath \"\(path)\", which is not under an allowed host path",
                    path: pod.path("volumes[\(index)].hostPath.path"), at: hostPath["path"] ?? hostPath)
                continue
            }
            guard matches.contains(where: \.readOnly) else { continue }
            for container in pod.containers {
                guard let mounts = container.value["volumeMounts"], mounts.isSequence else { continue }
                for (j, mount) in mounts.items.enumerated() where mount["name"]?.string == name {
                    if mount["readOnly"]?.isTrue == true { continue }
                    context.report(
                        "container \"\(container.name)\" must mount hostPath volume \"\(name)\" with readOnly: true",
                        path: container.path("volumeMounts[\(j)].readOnly"), at: mount["readOnly"] ?? mount,
                        container: container)
                }
            }
        }
    }

    /// PSA `hostPathVolumes` v1.0.
    static func hostPathVolumes_1_0(_ pod: PodTemplate) -> PSSViolation? {
        var names: [String] = []
        var spots: [PSSSpot] = []
        for (index, volume) in PodFields.volumes(pod) {
            guard let hostPath = PodFields.object(volume, "hostPath") else { continue }
            let name = PodFields.string(volume, "name")
            names.append(name)
            spots.append(
                PSSSpot(
                    "volume \"\(name)\" must not use hostPath", path: pod.path("volumes[\(index)].hostPath"),
                    at: hostPath))
        }
        guard !names.isEmpty else { return nil }
        return PSSViolation(
            reason: "hostPath volumes",
            detail: "\(PSSText.pluralize("volume", "volumes", names.count)) \(PSSText.joinQuote(names))", spots: spots)
    }
}

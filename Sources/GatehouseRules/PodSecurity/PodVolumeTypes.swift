import KubeModel

/// pod-volume-types: pods use only the volume types the restricted standard allows.
///
/// PSS check `restrictedVolumes` (restricted, v1.0; replaces `hostPathVolumes`). AKS vs PSS: Azure's
/// "allowed volume types" takes `allowedVolumeTypes` (field names, `*` for all) and looks only at volumes a
/// container mounts. Under the `aks` profile this rule honours the list (default: the PSS restricted set) but
/// checks every volume, as PSA does and as pod-hostpath decides: an unmounted volume is still attached to
/// the node. A volume with no source is judged as emptyDir, because the API server defaults it to one before
/// any admission check sees it.
public struct PodVolumeTypes: Rule {
    /// The volume sources PSS restricted allows.
    static let restrictedAllowed = [
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected",
        "secret",
    ]

    public static let description = RuleDescription(
        id: "pod-volume-types",
        title: "Restricted volume types",
        category: .podSecurity,
        severity: .medium,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks, .pssRestricted],
        spec: """
            Fails for every spec.volumes[*] whose source is not configMap, csi, downwardAPI, emptyDir, \
            ephemeral, image, persistentVolumeClaim, projected or secret (hostPath, nfs, azureFile, azureDisk, \
            gitRepo, flexVolume, iscsi, rbd, cephfs... fail). A volume without a source counts as emptyDir.
            PSS profiles: PSA check `restrictedVolumes` (restricted level; it replaces hostPathVolumes).
            aks profile: the allowed set is allowedVolumeTypes ("*" allows all); every volume is checked; \
            Windows-nodeSelector pods skipped.
            """,
        rationale: "Volume types outside the restricted set reach node or network storage directly, bypassing the persistent volume access controls.",
        remediation: "Use a PersistentVolumeClaim (with a StorageClass or CSI driver) instead of an inline network or host volume.",
        references: [
            .pss("restrictedVolumes (restricted)"),
            .azurePolicy("Kubernetes cluster pods should only use allowed volume types (16697877)"),
            .other("KSV028, KSV121"),
        ],
        parameters: [
            ParameterSpec(
                "allowedVolumeTypes", .stringList, default: "the PSS restricted set",
                "aks profile only: allowed volume source field names (\"*\" allows all).")
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27}
                  volumes:
                  - {name: data, persistentVolumeClaim: {claimName: data}}
                  - {name: config, configMap: {name: web}}
                  - {name: scratch}
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
                      - {name: app, image: nginx:1.27}
                      volumes:
                      - {name: share, azureFile: {secretName: s, shareName: web}}
                      - {name: cache, emptyDir: {}}
                      - {name: logs, hostPath: {path: /var/log}}
                """,
                paths: ["spec.template.spec.volumes[0].azureFile", "spec.template.spec.volumes[2].hostPath"]),
        ]
    )

    let allowed: Set<String>

    public init(parameters: RuleParameters) {
        allowed = Set(parameters.strings("allowedVolumeTypes", default: Self.restrictedAllowed))
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.restrictedVolumes], pod: pod) }
        if allowed.contains("*") || AzurePods.isWindows(pod) { return }
        for (index, volume) in PodFields.volumes(pod) {
            let sources = PodFields.volumeSources(volume)
            for source in sources where !allowed.contains(source) {
                context.report(
                    "volume \"\(PodFields.string(volume, "name"))\" uses volume type \"\(source)\", which is not allowed",
                    path: pod.path("volumes[\(index)].\(source)"), at: volume[source])
            }
        }
    }

    /// Every volume source of the core/v1 API. The API server drops unknown fields before admission, so PSA
    /// never sees them: a volume whose only key is a misspelt source is defaulted to emptyDir.
    static let knownSources: Set<String> = [
        "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
        "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
        "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
        "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
    ]

    /// PSA `restrictedVolumes` v1.0. Like PSA, a volume with any allowed source passes.
    static func restrictedVolumes_1_0(_ pod: PodTemplate) -> PSSViolation? {
        let allowed = Set(restrictedAllowed)
        var names: [String] = []
        var types: [String] = []
        var spots: [PSSSpot] = []
        for (index, volume) in PodFields.volumes(pod) {
            let sources = PodFields.volumeSources(volume).filter(knownSources.contains)
            if sources.isEmpty || sources.contains(where: allowed.contains) { continue }
            let name = PodFields.string(volume, "name")
            let type = sources.count == 1 ? sources[0] : sources.sorted()[0]
            names.append(name)
            types.append(type)
            spots.append(
                PSSSpot(
                    "volume \"\(name)\" must not use restricted volume type \"\(type)\"",
                    path: pod.path("volumes[\(index)].\(type)"), at: volume[type]))
        }
        guard !names.isEmpty else { return nil }
        let sortedTypes = PSSText.sortedSet(types)
        let detail = [
            PSSText.pluralize("volume", "volumes", names.count), PSSText.joinQuote(names),
            PSSText.pluralize("uses", "use", names.count),
            PSSText.pluralize("restricted volume type", "restricted volume types", sortedTypes.count),
            PSSText.joinQuote(sortedTypes),
        ].joined(separator: " ")
        return PSSViolation(reason: "restricted volume types", detail: detail, spots: spots)
    }
}

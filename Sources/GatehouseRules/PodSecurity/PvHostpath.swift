import KubeModel

/// pv-hostpath: PersistentVolumes are not backed by a host path.
///
/// pod-hostpath and the PSS `hostPathVolumes` check read a pod's own volumes; a PersistentVolume with
/// spec.hostPath gives the same node directory to any pod whose claim binds to it, and no pod-level check
/// sees it. Kyverno's policy library limits such volumes to allowed directories. Audit by default: kind,
/// minikube and other single-node clusters provision hostPath volumes on purpose.
public struct PvHostpath: Rule {
    public static let description = RuleDescription(
        id: "pv-hostpath",
        title: "hostPath PersistentVolumes",
        category: .podSecurity,
        severity: .medium,
        action: .audit,
        scope: .kinds(["PersistentVolume"]),
        profiles: [.aks],
        spec: """
            Fails for a PersistentVolume with spec.hostPath (any path). `local` volumes (spec.local, a disk \
            the scheduler ties to its node) and every other volume source pass.
            Fields: spec.hostPath.path.
            """,
        rationale: """
            A hostPath PersistentVolume mounts a directory of whichever node the pod lands on: any pod whose \
            claim binds to it reads and writes the node's filesystem (kubelet credentials, container runtime \
            sockets, other pods' data) without declaring a hostPath volume itself, so pod-level checks and Pod \
            Security Admission never see it.
            """,
        remediation: "Use a CSI or cloud storage class (Azure Disk, Azure Files) or a local volume instead; if a host directory is unavoidable, dedicate it to this volume and exempt the PersistentVolume by name.",
        references: [
            .other("Kyverno limit-hostpath-type-pv (Limit hostPath PersistentVolumes to Specific Directories)"),
            .cis("5.2.12 (hostPath volumes, here through a PersistentVolume)"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: data}
                spec:
                  capacity: {storage: 10Gi}
                  accessModes: [ReadWriteOnce]
                  csi: {driver: disk.csi.azure.com, volumeHandle: /subscriptions/x/disks/data}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: node-root}
                spec:
                  capacity: {storage: 10Gi}
                  accessModes: [ReadWriteOnce]
                  hostPath: {path: /}
                """,
                paths: ["spec.hostPath.path"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let hostPath = object.root["spec"]?["hostPath"], hostPath.isMapping else { return }
        let path = hostPath["path"]
        context.report(
            "PersistentVolume uses the host path \"\(path?.string ?? "")\" of its node",
            path: "spec.hostPath.path", at: path ?? hostPath)
    }
}

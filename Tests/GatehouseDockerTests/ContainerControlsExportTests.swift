import GatehouseDocker
import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel
import TestSupport
import Testing

/// The container and image controls on exports recorded from a real daemon: `bad` (privileged, host network
/// and PID, `/` and docker.sock mounted), `loose`, `hardened` and `ported`.
struct ContainerControlsExportTests {
    static func findingsBySubject() throws -> [String: [String]] {
        var policy = Policy()
        policy.profile = .cisDocker
        let snapshot = DockerSnapshot.read(
            exportDirectory: Repository.fixture("docker/host-export").path, root: nil)
        #expect(snapshot.errors.isEmpty)
        let report = DockerAuditRequest.report(
            of: snapshot, engine: try Engine(policy: policy), policy: policy, hostFilesRead: false)
        var bySubject: [String: [String]] = [:]
        for finding in report.findings where finding.object.kind != SubjectKind.dockerHost.kind {
            bySubject["\(finding.object.kind) \(finding.object.name)", default: []].append(finding.ruleID)
        }
        return bySubject.mapValues { $0.sorted() }
    }

    @Test func everyContainerGetsExactlyTheControlsItBreaks() throws {
        let found = try Self.findingsBySubject()
        #expect(
            found["DockerContainer bad"] == [
                "docker-cpu-shares", "docker-healthcheck", "docker-pids-limit", "image-tag-latest",
                "pod-allow-privilege-escalation", "pod-host-network", "pod-host-pid",
                "pod-hostpath-sensitive", "pod-hostpath-sensitive",  // 5.6 for /, 5.32 for docker.sock
                "pod-privileged", "pod-readonly-rootfs", "pod-run-as-non-root", "resources-limits",
            ])
        #expect(
            found["DockerContainer loose"] == [
                "docker-cpu-shares", "docker-healthcheck", "docker-host-uts", "docker-pids-limit",
                "docker-restart-policy", "image-tag-latest", "pod-allow-privilege-escalation",
                "pod-capabilities-baseline", "pod-capabilities-baseline",  // NET_ADMIN, SYS_ADMIN
                "pod-host-ipc",
                "pod-hostpath-sensitive", "pod-hostpath-sensitive",  // /etc read-only, /proc
                "pod-readonly-rootfs", "pod-run-as-non-root", "pod-seccomp", "resources-limits",
            ])
        #expect(
            found["DockerContainer ported"] == [
                "docker-cpu-shares", "docker-healthcheck", "docker-host-interface", "docker-pids-limit",
                "docker-privileged-ports", "image-tag-latest", "pod-allow-privilege-escalation",
                "pod-readonly-rootfs", "pod-run-as-non-root", "resources-limits",
            ])
        // The fixture's only image is tagged latest; every other control passes.
        #expect(found["DockerContainer hardened"] == ["image-tag-latest"])
        #expect(found["DockerImage gatehouse-test/busybox:latest"] == ["docker-image-healthcheck"])
    }
}

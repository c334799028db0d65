import Foundation
import GatehouseEngine
import GatehouseRules
import KubeModel
import TestSupport
import Testing

@testable import GatehouseDocker

/// dockerd's flags from its systemd unit, for a host where no dockerd runs in the `/proc` the auditor sees.
struct DockerdServiceFlagsTests {
    /// Debian's unit passes `$DOCKER_OPTS` from /etc/default/docker; a drop-in resets ExecStart and sets its own.
    @Test func unitDropInAndEnvironmentFile() throws {
        let tree = try TempTree()
        _ = try tree.write(
            "lib/systemd/system/docker.service",
            """
            [Unit]
            Description=Docker Application Container Engine
            ExecStart=/not/the/service/section
            [Service]
            EnvironmentFile=-/etc/default/docker
            ExecStart=/usr/bin/dockerd -H fd:// $DOCKER_OPTS
            """)
        _ = try tree.write("etc/default/docker", "# options\nDOCKER_OPTS=\"--icc=false --log-level debug\"\n")
        let root = HostRoot(tree.path)
        let plain = try #require(DockerdServiceFlags(root: root))
        #expect(plain.arguments == ["-H", "fd://", "--icc=false", "--log-level", "debug"])
        #expect(plain.origin == "docker.service ExecStart in /lib/systemd/system/docker.service")

        _ = try tree.write(
            "etc/systemd/system/docker.service.d/override.conf",
            """
            [Service]
            Environment="EXTRA=--userns-remap=default"
            ExecStart=
            ExecStart=-/usr/sbin/dockerd \\
              -H unix:///run/docker.sock $EXTRA --tlsverify
            """)
        let overridden = try #require(DockerdServiceFlags(root: root))
        #expect(overridden.arguments == ["-H", "unix:///run/docker.sock", "--userns-remap=default", "--tlsverify"])
        #expect(overridden.origin.hasSuffix("docker.service.d/override.conf"))
    }

    @Test func noUnitOrNotDockerd() throws {
        let tree = try TempTree()
        #expect(DockerdServiceFlags(root: HostRoot(tree.path)) == nil)
        _ = try tree.write("lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/containerd\n")
        #expect(DockerdServiceFlags(root: HostRoot(tree.path)) == nil)
    }

    /// End to end: with no dockerd in /proc, the unit's flags are judged, and the findings say where they came from.
    @Test func theAuditJudgesTheUnitsFlags() throws {
        let tree = try TempTree()
        _ = try tree.write(
            "lib/systemd/system/docker.service",
            "[Service]\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd -H fd:// $DOCKER_OPTS\n")
        _ = try tree.write("etc/default/docker", "DOCKER_OPTS=\"--log-level=debug\"\n")
        var policy = Policy()
        policy.profile = .cisDocker
        let snapshot = DockerSnapshot.read(exportDirectory: Repository.fixture("docker/host-export").path, root: tree.path)
        #expect(snapshot.notes.contains { $0.message.contains("read from its unit") })
        let report = DockerAuditRequest.report(
            of: snapshot, engine: try Engine(policy: policy), policy: policy, hostFilesRead: true)
        let logLevel = report.findings.filter { $0.ruleID == "docker-log-level" }
        #expect(logLevel.count == 1)
        #expect(logLevel.first?.message.contains("docker.service ExecStart") == true, "\(logLevel.map(\.message))")
    }
}

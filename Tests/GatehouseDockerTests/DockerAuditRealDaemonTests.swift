import Foundation
import GatehouseDocker
import GatehouseEngine
import GatehouseReports
import GatehouseRules
import KubeModel
import Testing

/// `docker audit` against a real Docker Engine (a private dockerd, see ``PrivateDockerd``): a deliberately bad
/// container gets every control it breaks, a hardened one none of the container controls, and the daemon's own
/// settings are reported, read from its command line and its API.
@Suite(.serialized)
struct DockerAuditRealDaemonTests {
    static let image = "gatehouse-test/busybox:latest"
    /// The same image under a fixed tag, for the hardened container (a `:latest` reference is a finding).
    static let pinned = "gatehouse-test/busybox:1.0"

    @Test(
        .enabled(if: PrivateDockerd.missing == nil, "needs root, dockerd, the docker CLI and /bin/busybox (PrivateDockerd.missing says which)"),
        .timeLimit(.minutes(1)))
    func badAndHardenedContainers() async throws {
        let dockerd: PrivateDockerd
        do {
            dockerd = try PrivateDockerd.start()
            try dockerd.importImage(Self.image)
            try dockerd.docker("tag", Self.image, Self.pinned)
        } catch {
            print("skipped: a private dockerd cannot run here: \(error)")
            return
        }
        defer { dockerd.stop() }
        // Privileged containers can be created but not started on these machines: created is enough, every
        // container is audited whatever its state.
        try dockerd.docker(
            "create", "--name", "bad", "--privileged", "--network", "host", "--pid", "host", "-v", "/:/host",
            "--mount", "type=bind,source=\(dockerd.socketPath),target=/var/run/docker.sock", Self.image, "sleep", "300")
        try dockerd.docker(
            "run", "-d", "--name", "hardened", "--user", "1000:1000", "--read-only", "--cap-drop", "ALL",
            "--security-opt", "no-new-privileges", "--memory", "64m", "--cpu-shares", "512", "--pids-limit", "100",
            "--health-cmd", "true", "--restart", "on-failure:5", Self.pinned, "sleep", "300")

        var policy = Policy()
        policy.profile = .cisDocker
        let client = try await DockerEngineClient.connect(try DockerEndpoint(dockerd.host))
        let snapshot = await DockerSnapshot.read(from: client, root: "/")
        await client.shutdown()
        #expect(snapshot.errors.isEmpty, "\(snapshot.errors)")
        #expect(snapshot.containerCount == 2)
        let report = DockerAuditRequest.report(
            of: snapshot, engine: try Engine(policy: policy), policy: policy, hostFilesRead: true)

        var rules: [String: [String]] = [:]
        var messages: [String: [String]] = [:]
        for finding in report.findings {
            let subject = "\(finding.object.kind) \(finding.object.name)"
            rules[subject, default: []].append(finding.ruleID)
            messages[subject, default: []].append(finding.message)
        }
        #expect(
            rules["DockerContainer bad"]?.sorted() == [
                "docker-cpu-shares", "docker-healthcheck", "docker-pids-limit", "image-tag-latest",
                "pod-allow-privilege-escalation", "pod-host-network", "pod-host-pid",
                "pod-hostpath-sensitive", "pod-hostpath-sensitive",  // 5.6 for /, 5.32 for the daemon's socket
                "pod-privileged", "pod-readonly-rootfs", "pod-run-as-non-root", "resources-limits",
            ], "\(messages["DockerContainer bad"] ?? [])")
        #expect(rules["DockerContainer hardened"] == nil, "\(messages["DockerContainer hardened"] ?? [])")

        // The daemon's own settings: from its command line (the test daemon runs with --iptables=false) and
        // from /info (no live restore, no user namespaces, no authorization plugin, json-file logging).
        let host = "DockerHost \(snapshot.host)"
        let hostRules = Set(rules[host] ?? [])
        for expected in [
            "docker-iptables", "docker-live-restore", "docker-userns", "docker-authorization-plugin",
            "docker-remote-logging", "docker-no-new-privileges",
        ] {
            #expect(hostRules.contains(expected), "\(expected) not reported: \(messages[host] ?? [])")
        }
        #expect(messages[host]?.contains { $0.contains("--iptables=false") } == true, "the flag is named")
    }
}

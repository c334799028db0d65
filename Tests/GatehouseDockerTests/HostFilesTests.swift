import Foundation
import GatehouseEngine
import GatehouseRules
import KubeModel
import TestSupport
import Testing

@testable import GatehouseDocker

/// The host side of a Docker audit end to end: a host root built in a temporary folder (dockerd's command line,
/// daemon.json, files with their owners and modes, /etc/group, audit rules), read with the recorded exports
/// and judged under the cis-docker profile. The tests run as root, so they can chown.
@Suite(.serialized)
struct HostFilesTests {
    static let exports = Repository.fixture("docker/host-export").path

    /// A host root in a scratch folder: files and folders written with their owner and mode.
    struct FakeHost {
        let tree: TempTree
        var root: String { tree.path }

        init() throws { tree = try TempTree() }

        func write(_ path: String, _ text: String, mode: Int = 0o644, owner: (uid: UInt32, gid: UInt32) = (0, 0)) throws {
            try tree.write(String(path.dropFirst()), text)
            set(path, mode: mode, owner: owner)
        }

        func folder(_ path: String, mode: Int = 0o755, owner: (uid: UInt32, gid: UInt32) = (0, 0)) throws {
            try tree.mkdir(String(path.dropFirst()))
            set(path, mode: mode, owner: owner)
        }

        private func set(_ path: String, mode: Int, owner: (uid: UInt32, gid: UInt32)) {
            #expect(chown(root + path, owner.uid, owner.gid) == 0, "chown \(path) (the tests run as root)")
            #expect(chmod(root + path, mode_t(mode)) == 0, "chmod \(path)")
        }
    }

    /// A host with something wrong in each place the host rules look.
    static func badHost() throws -> FakeHost {
        let host = try FakeHost()
        let argv = [
            "/usr/bin/dockerd", "-H", "unix:///var/run/docker.sock", "-H", "tcp://0.0.0.0:2375", "--icc=false",
            "--log-level", "debug", "--storage-opt", "dm.basesize=20G",
        ]
        try host.write("/proc/4242/cmdline", argv.joined(separator: "\0") + "\0")
        try host.write("/usr/bin/dockerd", "", mode: 0o755)
        try host.write("/usr/bin/runc", "", mode: 0o755)
        try host.folder("/etc/docker")
        try host.write(
            "/etc/docker/daemon.json",
            """
            {
              "userland-proxy": false,
              "iptables": false,
              "insecure-registries": ["registry.lan:5000"]
            }
            """, mode: 0o620)
        try host.folder("/etc/docker/certs.d/registry.lan:5000")
        try host.write("/etc/docker/certs.d/registry.lan:5000/ca.crt", "cert", mode: 0o644)
        try host.write("/lib/systemd/system/docker.service", "[Service]\n", owner: (1000, 1000))
        try host.write("/var/run/docker.sock", "", mode: 0o666, owner: (0, 998))
        try host.write("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\ncarol:x:1001:998::/home/carol:/bin/sh\n")
        try host.write("/etc/group", "root:x:0:\ndocker:x:998:alice\nalice:x:1000:\n")
        try host.write("/etc/audit/rules.d/docker.rules", "-w /usr/bin/dockerd -k docker\n-a exit,always -F path=/etc/docker -k docker\n")
        try host.folder("/tmp/gh-dockerd/root", mode: 0o710)
        return host
    }

    static func hostFindings(root: String?, policy: Policy = cisDocker) throws -> [Finding] {
        let snapshot = DockerSnapshot.read(exportDirectory: exports, root: root)
        let report = DockerAuditRequest.report(
            of: snapshot, engine: try Engine(policy: policy), policy: policy, hostFilesRead: root != nil)
        return report.findings.filter { $0.object.kind == "DockerHost" }
    }

    static var cisDocker: Policy {
        var policy = Policy()
        policy.profile = .cisDocker
        return policy
    }

    @Test func badHostBreaksEachHostControl() throws {
        let host = try Self.badHost()
        let findings = try Self.hostFindings(root: host.root)
        func paths(_ rule: String) -> [String] { findings.filter { $0.ruleID == rule }.map(\.path) }
        func messages(_ rule: String) -> String { findings.filter { $0.ruleID == rule }.map(\.message).joined(separator: "\n") }

        // Section 2, from dockerd's flags and daemon.json (each naming where it was set).
        #expect(paths("docker-icc").isEmpty)
        #expect(paths("docker-log-level") == ["Settings.log-level"])
        #expect(messages("docker-log-level").contains("dockerd flag --log-level debug (pid 4242)"))
        #expect(paths("docker-iptables") == ["Settings.iptables"])
        #expect(messages("docker-iptables").contains("/etc/docker/daemon.json line 3"))
        #expect(paths("docker-insecure-registries") == ["Settings.insecure-registries"])
        #expect(paths("docker-tls") == ["Settings.hosts"])
        #expect(messages("docker-tls").contains("tcp://0.0.0.0:2375"))
        #expect(paths("docker-base-device-size") == ["Settings.storage-opts"])
        #expect(paths("docker-userland-proxy").isEmpty)
        #expect(paths("docker-live-restore") == ["Info.LiveRestoreEnabled"])
        #expect(paths("docker-no-new-privileges") == ["Settings"])
        #expect(paths("docker-remote-logging") == ["Info.LoggingDriver"])
        #expect(paths("docker-swarm").isEmpty)

        // Section 1.
        #expect(paths("docker-data-partition") == ["DataRoot.MountPoint"])
        let trusted = findings.filter { $0.ruleID == "docker-trusted-users" }
        #expect(trusted.map(\.severity) == [.info])
        #expect(messages("docker-trusted-users").contains("alice, carol"))
        // dockerd is watched; /etc/docker only by -F path= (not its subtree): daemon.json, runc, the data root,
        // the unit and /etc/docker's... are not.
        let audit = messages("docker-audit-rules")
        #expect(!audit.contains("does not audit /usr/bin/dockerd"))
        #expect(!audit.contains("does not audit /etc/docker "))
        for path in ["/etc/docker/daemon.json", "/usr/bin/runc", "/lib/systemd/system/docker.service", "/tmp/gh-dockerd/root"] {
            #expect(audit.contains("does not audit \(path) "), "\(path) in \(audit)")
        }
        #expect(!audit.contains("/usr/bin/containerd "), "absent paths pass")

        // Section 3: each finding names its control.
        #expect(findings.contains { $0.ruleID == "docker-file-daemon-json" && $0.message.hasSuffix("(CIS Docker 3.18)") })
        #expect(paths("docker-file-daemon-json").count == 1)
        #expect(messages("docker-file-daemon-json").contains("mode 0620, beyond 0644: group write"))
        #expect(messages("docker-file-docker-service").contains("owned by alice:alice"))
        #expect(findings.contains { $0.ruleID == "docker-file-docker-service" && $0.message.hasSuffix("(CIS Docker 3.1)") })
        #expect(messages("docker-file-docker-sock").hasSuffix("(CIS Docker 3.16)"))
        #expect(!messages("docker-file-docker-sock").contains("3.15"), "root:docker is the socket's owner")
        #expect(paths("docker-file-registry-certs").count == 1)
        #expect(paths("docker-file-etc-docker").isEmpty)
        #expect(paths("docker-file-etc-default-docker").isEmpty, "absent files pass")
    }

    @Test func trustedUsersTurnTheReviewIntoACheck() throws {
        let host = try Self.badHost()
        var policy = Self.cisDocker
        let parameters = ParsedYAML.firstDocument("trustedUsers: [alice]")
        policy.rules["docker-trusted-users"] = RuleSettings(parameters: parameters)
        let findings = try Self.hostFindings(root: host.root, policy: policy).filter { $0.ruleID == "docker-trusted-users" }
        #expect(findings.map(\.severity) == [.high])
        #expect(findings.first?.message.contains("not in trustedUsers: carol") == true)
    }

    @Test func withoutHostFilesOnlyTheAPIIsJudged() throws {
        let findings = try Self.hostFindings(root: nil)
        let rules = Set(findings.map(\.ruleID))
        // What the Engine API tells about the recorded daemon (20.10, json-file logging, no live restore).
        #expect(rules.isSuperset(of: ["docker-live-restore", "docker-remote-logging", "docker-userns", "docker-rootless"]))
        for rule in rules {
            #expect(!rule.hasPrefix("docker-file-") && rule != "docker-audit-rules" && rule != "docker-userland-proxy")
        }
    }
}

/// dockerd's command line, read as dockerd's flag parser reads it.
struct DaemonSettingsTests {
    func settings(_ arguments: [String]) -> [String: DaemonSettings.Setting] {
        var settings = DaemonSettings()
        settings.readFlags(arguments, pid: 7)
        return settings.settings
    }

    func bool(_ setting: DaemonSettings.Setting?) -> Bool? {
        if case .flagBool(let value, _) = setting { return value }
        return nil
    }

    @Test func booleanFlags() {
        #expect(bool(settings(["--icc=false"])["icc"]) == false)
        #expect(bool(settings(["--icc"])["icc"]) == true)
        #expect(bool(settings(["--icc=0"])["icc"]) == false)
        #expect(bool(settings(["--icc=T"])["icc"]) == true)
        // A boolean flag takes its value only after "=": `--icc false` is --icc (true) and a positional
        // argument, which dockerd refuses to start with; the flag reads as true.
        #expect(bool(settings(["--icc", "false"])["icc"]) == true)
        // The last occurrence wins.
        #expect(bool(settings(["--icc=false", "--icc=true"])["icc"]) == true)
    }

    @Test func valueFlagsAndShorthands() {
        let read = settings(["-ldebug", "--storage-driver", "overlay2", "-Hunix:///run/docker.sock", "-H", "tcp://0.0.0.0:2376"])
        guard case .flagString(let level, let source) = read["log-level"] else {
            Issue.record("log-level not read")
            return
        }
        #expect(level == "debug")
        #expect(source == "dockerd flag -ldebug (pid 7)")
        guard case .flagList(let hosts, let hostsSource) = read["hosts"] else {
            Issue.record("hosts not read")
            return
        }
        #expect(hosts == ["unix:///run/docker.sock", "tcp://0.0.0.0:2376"])
        #expect(hostsSource == "dockerd flag -Hunix:///run/docker.sock, -H tcp://0.0.0.0:2376 (pid 7)")
    }

    @Test func flagsWinOverTheConfigFile() {
        var settings = DaemonSettings()
        settings.readFlags(["--iptables=false"], pid: 7)
        settings.readConfigFile("{\n  \"iptables\": true,\n  \"icc\": \"false\"\n}\n", path: "/etc/docker/daemon.json")
        #expect(bool(settings.settings["iptables"]) == false)
        guard case .file(let icc, let source) = settings.settings["icc"] else {
            Issue.record("icc not read")
            return
        }
        // Kept as written: a string, which the rules do not take for a boolean.
        #expect(icc.stringOnly == "false")
        #expect(source == "/etc/docker/daemon.json line 3")
    }

    @Test func brokenConfigFileIsAProblemWithItsLine() {
        var settings = DaemonSettings()
        settings.readConfigFile("{\n  \"icc\": false,\n}\n", path: "/etc/docker/daemon.json")
        #expect(settings.settings.isEmpty)
        #expect(settings.problems.first?.hasPrefix("/etc/docker/daemon.json:3:") == true)
    }
}

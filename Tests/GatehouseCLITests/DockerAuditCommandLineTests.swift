import Foundation
import TestSupport
import Testing

/// `gatehouse docker audit --from` as a user runs it, on exports recorded from a real daemon (the live audit
/// is tested against a private dockerd in GatehouseDockerTests).
struct DockerAuditCommandLineTests {
    static let exports = "Tests/Fixtures/docker/host-export"

    @Test func exportsFromARelativeFolderAreAuditedByControl() throws {
        let run = try CLI.run(["docker", "audit", "--from", Self.exports, "--no-color"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("pod-privileged  CIS 5.5 · Privileged containers"))
        #expect(run.stdout.contains("container bad ("))
        #expect(run.stdout.contains("must not run privileged (HostConfig.Privileged=true)"))
        #expect(run.stdout.contains("profile cis-docker"))
        #expect(run.stdout.contains("host files were not read (give --root)"))
    }

    @Test(arguments: ["json", "sarif", "junit"])
    func everyFormatParses(_ format: String) throws {
        let run = try CLI.run(["docker", "audit", "--from", Self.exports, "--format", format])
        #expect(run.status == 1, "\(run.stderr)")
        if format == "junit" {
            #expect(run.stdout.hasPrefix("<?xml"))
        } else {
            #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) }
        }
        #expect(run.stdout.contains("HostConfig.Privileged"))
    }

    /// A broken export file is an input error with its line and column; the other files are still audited.
    @Test func aBrokenExportIsNamedWithItsLineAndTheRestIsAudited() throws {
        let tree = try TempTree()
        for name in ["info.json", "containers.json"] {
            let text = try String(contentsOfFile: CLI.repository.appendingPathComponent(Self.exports + "/" + name).path, encoding: .utf8)
            _ = try tree.write(name, text)
        }
        _ = try tree.write("images.json", "[\n  {\"Id\": \"sha256:ab\",\n   \"RepoTags\": [\"x:1\"\n]\n")
        let run = try CLI.run(["docker", "audit", "--from", tree.path, "--format", "json", "--fail-on", "never"])
        #expect(run.status == 2)
        #expect(run.stdout.contains("\(tree.path)/images.json"))
        #expect(run.stdout.contains("\"line\": 4") || run.stdout.contains("\"line\": 5"), "\(run.stdout.prefix(2000))")
        #expect(run.stdout.contains("HostConfig.Privileged"), "the containers are still audited")
    }

    /// What a user gets wrong first, said in words they can act on (exit 2).
    @Test func mistakesAreNamed() throws {
        let socket = try CLI.run(["docker", "audit", "--host", "unix:///nonexistent/docker.sock"])
        #expect(socket.status == 2)
        #expect(socket.stderr.contains("there is no socket at /nonexistent/docker.sock"), "\(socket.stderr)")
        let tls = try CLI.run([
            "docker", "audit", "--host", "tcp://127.0.0.1:2376", "--tlscacert", "/nonexistent/ca.pem", "--no-host-files",
        ])
        #expect(tls.status == 2)
        #expect(tls.stderr.contains("cannot read --tlscacert /nonexistent/ca.pem: No such file or directory"), "\(tls.stderr)")
        let folder = try CLI.run(["docker", "audit", "--from", "/nonexistent/exports", "--format", "json"])
        #expect(folder.status == 2)
        #expect(folder.stdout.contains("no such folder"))
    }

    @Test func policyReportIsRefused() throws {
        let run = try CLI.run(["docker", "audit", "--from", Self.exports, "--format", "policyreport"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("policyreport"))
    }
}

import Foundation
import TestSupport
import Testing

/// `gatehouse docker watch` as a user runs it, where no daemon is needed (the real-daemon tests are in
/// GatehouseDockerTests).
struct DockerWatchCommandLineTests {
    @Test func onceWithoutADaemonExitsTwoNamingTheSocket() throws {
        let run = try CLI.run(["docker", "watch", "--once", "--host", "unix:///nonexistent/gatehouse.sock", "--no-host-files"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("unix:///nonexistent/gatehouse.sock"))
        #expect(run.stdout.isEmpty)
    }

    @Test(arguments: [["--since", "yesterday"], ["--window", "soon"], ["--poll-interval", "0"], ["--format", "sarif"]])
    func badOptionsExitTwo(_ options: [String]) throws {
        let run = try CLI.run(["docker", "watch", "--once", "--host", "unix:///nonexistent/gatehouse.sock"] + options)
        #expect(run.status == 2, "\(options): \(run.stderr)")
        #expect(!run.stderr.isEmpty)
    }

    @Test func rulesListsTheDockerAlertRules() throws {
        let run = try CLI.run(["rules"])
        for id in ["alert-docker-exec-privileged", "alert-docker-exposed-daemon", "alert-docker-miner-image",
            "alert-docker-privileged", "alert-docker-sensitive-mount", "alert-docker-ssh"]
        {
            #expect(run.stdout.contains(id), "\(id)")
        }
        let explain = try CLI.run(["rules", "explain", "alert-docker-ssh"])
        #expect(explain.status == 0 && explain.stdout.contains("K8S.NODE_ContainerSSH"))
    }
}

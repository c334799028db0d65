import Foundation
import TestSupport
import Testing

/// What the commands share: the policy options and their warnings, `--fail-on`, the input walk, and the
/// absence of benchmark commands from the shipped executable.
struct SharedOptionsTests {
    /// A policy that configures `image-digest`, a rule the `aks` profile leaves off, without turning it on.
    static let ineffectivePolicy = """
        apiVersion: gatehouse.io/v1
        kind: Policy
        rules:
          image-digest: {severity: high}
        """

    @Test func auditPrintsPolicyWarnings() throws {
        let scratch = try TempTree()
        let policy = try scratch.write("policy.yaml", Self.ineffectivePolicy)
        let run = try CLI.run(["audit", "examples/batch.yaml", "--policy", policy, "--fail-on", "never"])
        #expect(run.status == 0)
        #expect(run.stderr == """
            gatehouse: \(policy):4:3: warning: rule "image-digest" is not in profile aks, so its settings have no \
            effect; add action: to turn it on

            """)
        #expect(run.stdout.contains("Summary:"))
    }

    /// The warning is about the profile in force: under `--profile all` the rule runs, and nothing is said.
    @Test func policyWarningsFollowTheProfileOverride() throws {
        let scratch = try TempTree()
        let policy = try scratch.write("policy.yaml", Self.ineffectivePolicy)
        let run = try CLI.run(["audit", "examples/batch.yaml", "--policy", policy, "--profile", "all", "--fail-on", "never"])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
    }

    @Test func aBrokenPolicyExitsTwoWithItsPosition() throws {
        let scratch = try TempTree()
        let policy = try scratch.write("policy.yaml", "apiVersion: gatehouse.io/v1\nkind: Policy\nprofil: aks\n")
        let run = try CLI.run(["audit", "examples/batch.yaml", "--policy", policy])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("gatehouse: \(policy):3:1: "))
    }

    @Test(arguments: ["critical", "high", "medium", "low", "info", "never"])
    func failOnAcceptsEverySeverityAndNever(_ threshold: String) throws {
        let run = try CLI.run(["audit", "examples/batch.yaml", "--fail-on", threshold])
        #expect(run.status == (threshold == "never" || threshold == "critical" ? 0 : 1), "\(run.stderr)")
    }

    /// The policy file's `failOn` applies when the command line gives no `--fail-on`.
    @Test func failOnDefaultsToThePolicys() throws {
        let scratch = try TempTree()
        let policy = try scratch.write("policy.yaml", "apiVersion: gatehouse.io/v1\nkind: Policy\nfailOn: critical\n")
        #expect(try CLI.run(["audit", "examples/batch.yaml", "--policy", policy]).status == 0)
        #expect(try CLI.run(["audit", "examples/batch.yaml", "--policy", policy, "--fail-on", "high"]).status == 1)
        #expect(try CLI.run(["audit", "examples/batch.yaml"]).status == 1, "high without a policy")
    }

    @Test(arguments: ["severe", "HIGH", "none"])
    func failOnRejectsOtherWordsWithTheValidOnes(_ threshold: String) throws {
        let run = try CLI.run(["audit", "examples/batch.yaml", "--fail-on", threshold])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("--fail-on"))
        for valid in ["critical", "high", "medium", "low", "info", "never"] {
            #expect(run.stderr.contains("- \(valid)\n"), "the error lists \(valid)")
        }
    }

    @Test func policyOptionsAreTheSameOnAuditAndServe() throws {
        for command in ["audit", "serve"] {
            let help = try CLI.run([command, "--help"])
            #expect(help.status == 0)
            for option in ["--policy <policy>", "--profile <profile>", "--pss-version <version>"] {
                #expect(help.stdout.contains(option), "\(command) --help lacks \(option)")
            }
        }
        let run = try CLI.run(["serve", "--self-signed", "--pss-version", "v2"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--pss-version must be \"latest\" or v1.N"))
    }

    @Test func benchmarksAreNotInTheShippedCommand() throws {
        let help = try CLI.run(["--help"])
        #expect(help.status == 0)
        #expect(!help.stdout.contains("bench"))
        #expect(try CLI.run(["bench-cluster", "examples/"]).status == 2)
        let review = try CLI.run(["serve", "--self-signed", "--bench-review", "scripts/bench/review-pod-create.json"])
        #expect(review.status == 2)
        #expect(review.stderr.contains("Unknown option '--bench-review'"))
    }

    /// who-can and access read what audit reads: `.yaml`, `.yml`, `.json` and `.jsonl` files of a directory,
    /// without hidden entries or other extensions, through a link loop once; a named file whatever its name.
    @Test func whoCanAndAccessReadTheFilesAuditReads() throws {
        let scratch = try TempTree()
        try scratch.write("roles.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: secret-reader}
            rules:
            - {apiGroups: [""], resources: [secrets], verbs: [get]}
            """)
        for (file, user) in [("sub/yml.yml", "yml"), (".hidden/hidden.yaml", "hidden"), ("notes.txt", "txt")] {
            try scratch.write(file, Self.binding(user: user))
        }
        try scratch.write("export.jsonl", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"jsonl"},\
            "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"secret-reader"},\
            "subjects":[{"kind":"User","name":"jsonl","apiGroup":"rbac.authorization.k8s.io"}]}

            """)
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/loop", withDestinationPath: scratch.path)

        let audit = try CLI.run(["audit", scratch.path, "--format", "json", "--fail-on", "never"])
        let report = try #require(JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        #expect(scratch.relative(report["files"] as? [String] ?? []) == ["export.jsonl", "roles.yaml", "sub/yml.yml"])

        let whoCan = try CLI.run(["who-can", "get", "secrets", "-o", "json", scratch.path])
        #expect(whoCan.status == 0, "\(whoCan.stderr)")
        let records = try #require(JSONSerialization.jsonObject(with: Data(whoCan.stdout.utf8)) as? [[String: Any]])
        #expect(records.compactMap { $0["subject"] as? String } == ["User:jsonl", "User:yml"])

        let hidden = try CLI.run(["access", "User:hidden", scratch.path])
        #expect(hidden.stdout.hasSuffix("has no RBAC permissions in the input.\n"))
        let named = try CLI.run(["access", "User:txt", scratch.path, scratch.path + "/notes.txt"])
        #expect(named.status == 0)
        #expect(named.stdout.contains("ClusterRoleBinding txt → ClusterRole secret-reader rules[0]"))
    }

    static func binding(user: String) -> String {
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: \(user)}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
        subjects:
        - {kind: User, name: \(user), apiGroup: rbac.authorization.k8s.io}
        """
    }
}

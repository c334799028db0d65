import KubeModel

/// docker-exec-privileged: no command is run in a container with `docker exec --privileged` (CIS Docker 5.23).
public struct DockerExecPrivileged: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-exec-privileged",
        title: "Privileged docker exec",
        category: .docker,
        severity: .high,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container. Reads the exec sessions the live reader adds to the container's document (`Execs`: \
            GET /exec/{id}/json of each of the container's ExecIDs) and fails for each whose \
            ProcessConfig.privileged is true (`docker exec --privileged`). Passes when there are none to read \
            (an export, no exec running): the daemon lists only execs still known to it, so a poll misses one \
            that ended minutes before. docker-bench does not implement this control (it prints a note).
            """,
        rationale: """
            A privileged exec runs a command with every capability and no seccomp or AppArmor confinement, even \
            in a container that itself is not privileged.
            """,
        remediation: "Run docker exec without --privileged; if a task needs more rights, grant them to a purpose-built container.",
        references: [
            .defender("Privileged command run in container (alerts VM_PrivilegedExecutionInContainer, K8S.NODE_PrivilegedExecutionInContainer)"),
            .other("docker-bench-security check_5_23 (note only)"),
        ],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                ExecIDs: [e1]
                Execs:
                - {ID: e1, Running: true, ProcessConfig: {entrypoint: sh, arguments: [], privileged: false, user: "1000"}}
                """, docker: .dockerContainer),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /web
                ExecIDs: [e1, e2]
                Execs:
                - {ID: e1, Running: true, ProcessConfig: {entrypoint: sh, arguments: [], privileged: false, user: ""}}
                - {ID: e2, Running: true, ProcessConfig: {entrypoint: mount, arguments: [/dev/sda1, /mnt], privileged: true, user: ""}}
                """, docker: .dockerContainer, paths: ["Execs[1].ProcessConfig.privileged"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.execPrivileged])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let container = DockerContainerView(object) else { return }
        for exec in DockerExec.all(of: container) {
            guard let flag = exec.processConfig?["privileged"], flag.isTrue else { continue }
            context.report(
                "container \(container.label) has a privileged exec session \(exec.id) (\(exec.command))",
                control: CISDocker.execPrivileged, path: "\(exec.path).ProcessConfig.privileged", at: flag)
        }
    }
}

/// One exec session of a container, as `GET /exec/{id}/json` describes it (the live reader's `Execs[]`).
struct DockerExec {
    let value: Value
    let path: String
    var id: String { value["ID"]?.string ?? "" }
    var processConfig: Value? { value["ProcessConfig"] }
    /// `mount /dev/sda1 /mnt`: the entrypoint and its arguments.
    var command: String {
        let words = [processConfig?["entrypoint"]?.string ?? ""]
            + (processConfig?["arguments"]?.items.compactMap(\.string) ?? [])
        return words.filter { !$0.isEmpty }.joined(separator: " ")
    }

    static func all(of container: DockerContainerView) -> [DockerExec] {
        guard let execs = container.root["Execs"], execs.isSequence else { return [] }
        return execs.items.enumerated().map { DockerExec(value: $1, path: "Execs[\($0)]") }
    }
}

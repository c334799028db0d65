import ArgumentParser
import GatehouseEngine
import GatehouseRules

/// `gatehouse access SUBJECT INPUTS...`
struct AccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "List what one subject may do: every rule granted to it, with scope, binding and role.",
        discussion: """
            SUBJECT is `User:alice`, `Group:devs`, `ServiceAccount:NAMESPACE:NAME` or \
            `system:serviceaccount:NAMESPACE:NAME`. A service account also gets what is bound to the groups \
            system:serviceaccounts, system:serviceaccounts:NAMESPACE and system:authenticated; a user gets \
            system:authenticated and the groups given with --group (only the identity provider knows the others). \
            Kubernetes' default roles (cluster-admin, admin, edit, view, system:*) are known with their rules \
            when the input binds them without defining them; a binding to a role that is neither built in nor in \
            the input is named in a note, as what it grants is unknown. \
            Exit status 2 when some input could not be read (the answer is printed for the rest).
            """
    )

    @Argument(help: "User:NAME, Group:NAME, ServiceAccount:NAMESPACE:NAME or system:serviceaccount:NAMESPACE:NAME.")
    var subject: String

    @Argument(help: "Manifest files or directories (`-` for stdin).")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Only grants that apply in this namespace (cluster-wide grants included).")
    var namespace: String?

    @Option(name: .long, help: "A group the user belongs to (repeatable).")
    var group: [String] = []

    @Option(name: .shortAndLong, help: "text or json.")
    var output: AccessOutput = .text

    func validate() throws {
        if Subject(parsing: subject) == nil {
            throw ValidationError(
                "cannot read subject \"\(subject)\": write User:NAME, Group:NAME, ServiceAccount:NAMESPACE:NAME or system:serviceaccount:NAMESPACE:NAME")
        }
        if inputs.isEmpty { throw ValidationError("give at least one manifest file, directory or `-`") }
    }

    func run() throws {
        let who = Subject(parsing: subject)!
        let loaded = ClusterInputs(paths: inputs)
        for problem in loaded.problems { printError(problem) }
        if loaded.files == 0 { throw ExitCode(2) }
        let graph = RBACGraph(loaded.index)
        let unknown = graph.unknownRoles(of: who, extraGroups: group, namespace: namespace)
        if output == .json {
            try printJSON(AccessQueries.accessRecords(graph, who, extraGroups: group, namespace: namespace))
            for note in unknown { printError("note: \(note)") }
            if !loaded.problems.isEmpty { throw ExitCode(2) }
            return
        }
        let lines = AccessQueries.accessLines(graph, who, extraGroups: group, namespace: namespace)
        let groups = who.groups(extra: group).sorted().joined(separator: ", ")
        if lines.isEmpty {
            print("\(who) (groups: \(groups)) has no RBAC permissions in the input.")
        } else {
            print("\(who) (groups: \(groups)) can:")
            lines.forEach { print($0) }
        }
        for note in unknown { print("note: \(note)") }
        if !loaded.problems.isEmpty {
            printError("some input could not be read (above): the answer may be incomplete")
            throw ExitCode(2)
        }
    }
}

import ArgumentParser
import Foundation
import GatehouseEngine
import GatehouseRules
import KubeModel

/// `gatehouse who-can VERB RESOURCE [-n NS] INPUTS...`
struct WhoCanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "who-can",
        abstract: "List the users, groups and service accounts that may do VERB on RESOURCE, and through which binding and role.",
        discussion: """
            Reads Roles, ClusterRoles and their bindings from manifests or an export (kubectl get ... -o yaml). \
            RESOURCE is `secrets`, `pods/exec`, `deployments.apps` or `cronjobs.batch`; built-in resources get \
            their API group automatically. Kubernetes RBAC semantics: a ClusterRoleBinding grants everywhere, a \
            RoleBinding only in its namespace (also when it binds a ClusterRole) and never on cluster-scoped \
            resources; aggregated ClusterRoles are resolved; `*` matches; `pods` does not grant `pods/exec`. \
            Kubernetes' default roles (cluster-admin, admin, edit, view, system:*) are known with their rules \
            when the input binds them without defining them; a binding to a role that is neither built in nor in \
            the input is named in a note, as what it grants is unknown. \
            Without -n, every grant is listed with its scope. Without a NAME, rules limited by resourceNames are \
            listed with the names they allow. Exit status 2 when some input could not be read (the answer is \
            printed for the rest).
            """
    )

    @Argument(help: "The verb: get, list, watch, create, update, patch, delete, escalate, bind, impersonate, ...")
    var verb: String

    @Argument(help: "The resource: secrets, pods/exec, deployments.apps, ... or a non-resource URL such as /metrics.")
    var resource: String

    @Argument(help: "Manifest files or directories (`-` for stdin).")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Only grants that apply in this namespace.")
    var namespace: String?

    @Option(name: .long, help: "The subresource (same as RESOURCE/SUBRESOURCE).")
    var subresource: String?

    @Option(name: .long, help: "The API group, when it is not the resource's usual one.")
    var group: String?

    @Option(name: .long, help: "One object's name (rules with resourceNames then match exactly).")
    var name: String?

    @Option(name: .shortAndLong, help: "text or json.")
    var output: AccessOutput = .text

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one manifest file, directory or `-`") }
    }

    func run() throws {
        let loaded = ClusterInputs(paths: inputs)
        for problem in loaded.problems { printError(problem) }
        if loaded.files == 0 { throw ExitCode(2) }
        let spec = ResourceSpec(resource, subresource: subresource, group: group)
        var request = AccessRequest(
            verb: verb.lowercased(), group: spec.group, resource: spec.resource, namespace: namespace, name: name)
        var target = name.map { "\(spec) \($0)" } ?? "\(spec)"
        if resource.hasPrefix("/") {
            request = AccessRequest(verb: verb.lowercased(), nonResourceURL: resource)
            target = resource
        }
        let graph = RBACGraph(loaded.index)
        let unknown = graph.unknownRoles(namespace: namespace)
        if output == .json {
            try printJSON(AccessQueries.whoCanRecords(graph, request))
            for note in unknown { printError("note: \(note)") }
            if !loaded.problems.isEmpty { throw ExitCode(2) }
            return
        }
        let lines = AccessQueries.whoCanLines(graph, request)
        let scope = resource.hasPrefix("/") ? "(non-resource URL)" : namespace.map { "in namespace \($0)" } ?? "in any namespace"
        if lines.isEmpty {
            print("No subject can \(request.verb) \(target) \(scope) (\(loaded.index.bindings.count) bindings, \(loaded.index.roles.count) roles read).")
        } else {
            print("Subjects that can \(request.verb) \(target) \(scope):")
            lines.forEach { print($0) }
        }
        for note in unknown { print("note: \(note)") }
        if !loaded.problems.isEmpty {
            printError("some input could not be read (above): the answer may be incomplete")
            throw ExitCode(2)
        }
    }
}

/// How who-can and access print their answer.
enum AccessOutput: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Prints records as pretty JSON, keys in sorted order and absent optionals left out (stable for diffs and
/// golden files), in the layout of Foundation's pretty-printing encoder.
func printJSON(_ records: [GrantRecord]) throws {
    var json = JSONEmitter(style: .foundationPretty, capacity: 512 * records.count)
    func list(_ name: String, _ values: [String]) {
        json.key(name)
        json.beginArray(multiline: true)
        for value in values { json.string(value) }
        json.endArray()
    }
    json.beginArray(multiline: true)
    for record in records {
        json.beginObject(multiline: true)
        if let aggregatedFrom = record.aggregatedFrom { json.field("aggregatedFrom", aggregatedFrom) }
        list("apiGroups", record.apiGroups)
        json.field("binding", record.binding)
        json.field("bindingKind", record.bindingKind)
        if let namespace = record.namespace { json.field("namespace", namespace) }
        list("nonResourceURLs", record.nonResourceURLs)
        list("resourceNames", record.resourceNames)
        list("resources", record.resources)
        json.field("role", record.role)
        if let builtIn = record.roleIsBuiltIn { json.field("roleIsBuiltIn", builtIn) }
        json.field("roleKind", record.roleKind)
        json.field("ruleIndex", record.ruleIndex)
        json.field("scope", record.scope)
        json.field("source", record.source)
        json.field("subject", record.subject)
        list("verbs", record.verbs)
        json.endObject()
    }
    json.endArray()
    print(String(decoding: json.bytes, as: UTF8.self))
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data("gatehouse: \(text)\n".utf8))
}

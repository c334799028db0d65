import KubeModel

/// A resource the API server serves: where to list it and what its objects are.
public struct APIResource: Sendable, Hashable {
    public var group: String
    public var version: String
    /// The plural resource name in paths (`deployments`).
    public var resource: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, resource: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.resource = resource
        self.kind = kind
        self.namespaced = namespaced
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The list path across all namespaces (`/apis/apps/v1/deployments`).
    public var listPath: String {
        (group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)") + "/\(resource)"
    }
}

/// Finds which of the wanted kinds the cluster serves, and at which version, from the discovery documents.
///
/// Spec: the API server's discovery endpoints (`GET /api` and `/api/v1`, `GET /apis` and
/// `/apis/{group}/{version}`; `APIGroupList`, `APIResourceList`). A group is read at its preferred version;
/// a kind missing there is looked for in the group's other versions, newest listed first. Subresources
/// (`pods/log`) and resources without the `list` verb are skipped. A wanted kind the cluster does not serve
/// (a custom resource that is not installed) is simply absent: there is nothing of it to audit.
public struct APIDiscovery {
    let client: KubeAPIClient

    public init(client: KubeAPIClient) { self.client = client }

    /// The resources to list for `wanted`, in its order, and the discovery requests that failed (each names
    /// the request and the groups it kept from being seen).
    public func resources(for wanted: [ClusterReadKinds.Kind]) async throws -> (found: [APIResource], errors: [KubeAPIError]) {
        var served: [String: APIResource] = [:]  // "group/Kind"
        var errors: [KubeAPIError] = []
        let groups = Set(wanted.map(\.group))
        // The core group's one version, then the named groups the rules need.
        if groups.contains("") {
            do {
                for resource in try await resourceList(group: "", version: "v1") where served["/\(resource.kind)"] == nil {
                    served["/\(resource.kind)"] = resource
                }
            } catch let error as KubeAPIError { errors.append(error) }
        }
        let named = try await groupVersions()
        for group in named where groups.contains(group.name) {
            let missing = Set(wanted.filter { $0.group == group.name }.map(\.kind))
            var found: Set<String> = []
            for version in group.versions where !missing.subtracting(found).isEmpty {
                do {
                    for resource in try await resourceList(group: group.name, version: version)
                    where missing.contains(resource.kind) && !found.contains(resource.kind) {
                        served["\(group.name)/\(resource.kind)"] = resource
                        found.insert(resource.kind)
                    }
                } catch let error as KubeAPIError { errors.append(error) }
            }
        }
        let found = wanted.compactMap { served["\($0.group)/\($0.kind)"] }
        return (found, errors)
    }

    /// `GET /apis`: each group with its versions, the preferred one first.
    private func groupVersions() async throws -> [(name: String, versions: [String])] {
        let tree = try await getJSON("/apis")
        return (tree.root["groups"]?.items.map { $0 } ?? []).compactMap { group in
            guard let name = group["name"]?.string else { return nil }
            var versions = (group["versions"]?.items.map { $0 } ?? []).compactMap { $0["version"]?.string }
            if let preferred = group.at("preferredVersion", "version")?.string {
                versions.removeAll { $0 == preferred }
                versions.insert(preferred, at: 0)
            }
            return (name, versions)
        }
    }

    /// A resource or version name as the API server validates them (DNS labels: `deployments`, `v1beta1`).
    /// Anything else is ignored: the names become paths of the request and of the snapshot's files, and a
    /// server that offers `../x` must not write outside the snapshot folder.
    static func isLabel(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 63
            && name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
    }

    /// The listable top-level resources of one group version.
    private func resourceList(group: String, version: String) async throws -> [APIResource] {
        guard Self.isLabel(version) else { return [] }
        let path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        let tree = try await getJSON(path)
        return (tree.root["resources"]?.items.map { $0 } ?? []).compactMap { entry in
            guard let name = entry["name"]?.string, Self.isLabel(name), let kind = entry["kind"]?.string,
                (entry["verbs"]?.items.map { $0 } ?? []).contains(where: { $0.string == "list" })
            else { return nil }
            return APIResource(
                group: group, version: version, resource: name, kind: kind, namespaced: entry["namespaced"]?.bool ?? true)
        }
    }

    private func getJSON(_ path: String) async throws -> Tree {
        let response = try await client.send(.GET, path)
        guard response.status == 200 else {
            throw KubeAPIError(request: client.describe(.GET, path), status: response.status, message: response.message)
        }
        switch response.body.withUnsafeBytes({ JSONLoader.parse($0) }) {
        case .success(let tree): return tree
        case .failure(let problem):
            throw KubeAPIError(
                request: client.describe(.GET, path), status: response.status,
                message: "the answer is not JSON (\(problem))", retriable: false)
        }
    }
}

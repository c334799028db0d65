import Foundation
import GatehouseKubeAPI
import GatehouseWebhook
import Hummingbird
import HummingbirdTLS
import KubeModel
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// A loopback HTTPS server that stands in for the Kubernetes API server (there is none on these machines):
/// discovery documents, paged lists with `continue`, and the failure answers the client must survive, in the
/// shapes kube-apiserver gives them. It also takes server-side apply patches and deletes of PolicyReports.
///
/// Every request must carry `Authorization: Bearer <token>`, or gets a 401 as the API server answers.
final class StandInAPIServer: Sendable {
    /// What the stand-in serves and how it misbehaves; tests change it between runs.
    struct Behaviour: Sendable {
        /// Resources that answer 403 (`"pods"`).
        var forbidden: Set<String> = []
        /// Resources whose first continued page answers 410 Gone once ("continue token expired").
        var expireContinueOnce: Set<String> = []
        /// Resources that answer 429 with `Retry-After: 1` this many times before serving.
        var tooManyRequests: [String: Int] = [:]
        /// Resources that answer 503 (no Retry-After) this many times before serving.
        var unavailable: [String: Int] = [:]
        /// Resources whose second page takes this long to start.
        var slowPages: [String: Duration] = [:]
        /// The largest page the stand-in gives, whatever `limit` asks (the server may return fewer).
        var maximumPage = Int.max
        /// Server-side apply of PolicyReports answers 403.
        var forbidApply = false
    }

    /// One stored resource: its discovery entry and its objects (JSON, without apiVersion and kind, as list
    /// answers carry them).
    struct Stored: Sendable {
        var resource: APIResource
        var items: [String]
    }

    struct Recorded: Sendable {
        var method: String
        var path: String
        var query: String
        var contentType: String?
        var body: String
    }

    let token: String
    let ca: SelfSignedCA
    private let state: Mutex<State>
    private let task: Mutex<Task<Void, Error>?> = Mutex(nil)
    private(set) nonisolated(unsafe) var port = 0

    private struct State {
        var stored: [Stored]
        var behaviour: Behaviour
        var requests: [Recorded] = []
        var served429: [String: Int] = [:]
        var served503: [String: Int] = [:]
        var expired: Set<String> = []
        /// Applied objects by path (`/apis/wgpolicyk8s.io/v1alpha2/namespaces/shop/policyreports/NAME`).
        var applied: [String: String] = [:]
    }

    /// With `clientCA`, the TLS handshake requires a client certificate it signed, and that certificate
    /// replaces the bearer token, as kube-apiserver's `--client-ca-file` authenticates.
    let clientCA: [NIOSSLCertificate]?

    init(
        stored: [Stored], behaviour: Behaviour = Behaviour(), token: String = "stand-in-token",
        clientCA: [NIOSSLCertificate]? = nil
    ) throws {
        self.token = token
        self.clientCA = clientCA
        ca = try SelfSignedCA(dnsNames: ["localhost"])
        state = Mutex(State(stored: stored, behaviour: behaviour))
    }

    var server: String { "https://127.0.0.1:\(port)" }

    var requests: [Recorded] { state.withLock { $0.requests } }
    var applied: [String: String] { state.withLock { $0.applied } }

    func setBehaviour(_ behaviour: Behaviour) { state.withLock { $0.behaviour = behaviour; $0.served429 = [:]; $0.served503 = [:]; $0.expired = [] } }
    func clearRequests() { state.withLock { $0.requests = [] } }

    /// A kubeconfig for this server: its CA, a bearer token (or the given user entry).
    func kubeconfig(in folder: String, user: String? = nil) throws -> String {
        let path = folder + "/kubeconfig"
        let caData = Data(ca.caCertificatePEM.utf8).base64EncodedString()
        let text = """
            apiVersion: v1
            kind: Config
            current-context: stand-in
            clusters:
            - name: stand-in
              cluster:
                server: \(server)
                certificate-authority-data: \(caData)
            users:
            - name: auditor
              user:
            \(user ?? "    token: \(token)")
            contexts:
            - name: stand-in
              context:
                cluster: stand-in
                user: auditor
            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func start() async throws {
        let router = Router()
        router.add(middleware: Handler(server: self))
        let certificate = try ca.servingCertificate()
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificate.chain.map { .certificate($0) }, privateKey: .privateKey(certificate.key))
        tls.minimumTLSVersion = .tlsv12
        if let clientCA {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(clientCA)
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "stand-in", factory: { _ in SwiftLogNoOpLogHandler() }))
        task.withLock { $0 = Task { try await app.runService(gracefulShutdownSignals: []) } }
        for await bound in stream {
            port = bound
            break
        }
    }

    func stop() async {
        let running = task.withLock { $0 }
        running?.cancel()
        _ = try? await running?.value
    }

    /// Answers one request (the whole API the client uses).
    private struct Handler: RouterMiddleware {
        typealias Context = BasicRequestContext
        let server: StandInAPIServer

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            let body = try await request.body.collect(upTo: 64 << 20)
            return await server.answer(request, body: String(buffer: body))
        }
    }

    fileprivate func answer(_ request: Request, body: String) async -> Response {
        let path = request.uri.path
        let query = request.uri.query ?? ""
        state.withLock {
            $0.requests.append(
                Recorded(
                    method: request.method.rawValue, path: path, query: query,
                    contentType: request.headers[.contentType], body: body))
        }
        guard clientCA != nil || request.headers[.authorization] == "Bearer \(token)" else {
            return Self.status(401, "Unauthorized", reason: "Unauthorized")
        }
        let stored = state.withLock { $0.stored }
        switch (request.method, path) {
        case (.get, "/api"):
            return Self.json(#"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}"#)
        case (.get, "/apis"):
            var groups: [String: [String]] = [:]
            for entry in stored where !entry.resource.group.isEmpty {
                groups[entry.resource.group, default: []].append(entry.resource.version)
            }
            groups["wgpolicyk8s.io", default: []].append("v1alpha2")
            let list = groups.keys.sorted().map { name in
                let versions = Array(Set(groups[name]!)).sorted()
                let entries = versions.map { #"{"groupVersion":"\#(name)/\#($0)","version":"\#($0)"}"# }.joined(separator: ",")
                return #"{"name":"\#(name)","versions":[\#(entries)],"preferredVersion":{"groupVersion":"\#(name)/\#(versions[0])","version":"\#(versions[0])"}}"#
            }
            return Self.json(#"{"kind":"APIGroupList","apiVersion":"v1","groups":[\#(list.joined(separator: ","))]}"#)
        default: break
        }
        if request.method == .get, let resources = discovery(path, stored: stored) { return resources }
        if request.method == .get, let entry = stored.first(where: { $0.resource.listPath == path }) {
            return await list(entry, query: query)
        }
        if request.method == .patch || request.method == .delete || request.method == .get {
            return policyReports(request.method, path: path, query: query, body: body)
        }
        return Self.status(404, "the server could not find the requested resource", reason: "NotFound")
    }

    /// `GET /api/v1` or `/apis/GROUP/VERSION`: the APIResourceList of that group version.
    private func discovery(_ path: String, stored: [Stored]) -> Response? {
        let groupVersion: String
        if path == "/api/v1" {
            groupVersion = "v1"
        } else if path.hasPrefix("/apis/"), path.split(separator: "/").count == 3 {
            groupVersion = String(path.dropFirst("/apis/".count))
        } else {
            return nil
        }
        var resources = stored.filter { $0.resource.apiVersion == groupVersion }.map(\.resource)
        if groupVersion == "wgpolicyk8s.io/v1alpha2" {
            resources.append(APIResource(group: "wgpolicyk8s.io", version: "v1alpha2", resource: "policyreports", kind: "PolicyReport", namespaced: true))
            resources.append(APIResource(group: "wgpolicyk8s.io", version: "v1alpha2", resource: "clusterpolicyreports", kind: "ClusterPolicyReport", namespaced: false))
        }
        var entries = resources.map { resource in
            #"{"name":"\#(resource.resource)","singularName":"","namespaced":\#(resource.namespaced),"kind":"\#(resource.kind)","verbs":["create","delete","get","list","patch","update","watch"]}"#
        }
        // Subresources are listed too, and must be skipped by the client.
        entries += resources.map { #"{"name":"\#($0.resource)/status","singularName":"","namespaced":\#($0.namespaced),"kind":"\#($0.kind)","verbs":["get","patch","update"]}"# }
        return Self.json(#"{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"\#(groupVersion)","resources":[\#(entries.joined(separator: ","))]}"#)
    }

    /// A page of a list: `limit` items from the `continue` offset.
    private func list(_ entry: Stored, query: String) async -> Response {
        let name = entry.resource.resource
        let parameters = Self.parameters(query)
        let (behaviour, tooMany, unavailable) = state.withLock { state -> (Behaviour, Bool, Bool) in
            let b = state.behaviour
            var tooMany = false
            var unavailable = false
            if let times = b.tooManyRequests[name], state.served429[name, default: 0] < times {
                state.served429[name, default: 0] += 1
                tooMany = true
            } else if let times = b.unavailable[name], state.served503[name, default: 0] < times {
                state.served503[name, default: 0] += 1
                unavailable = true
            }
            return (b, tooMany, unavailable)
        }
        if behaviour.forbidden.contains(name) {
            return Self.status(
                403,
                #"\#(name) is forbidden: User \"system:serviceaccount:gatehouse:gatehouse-auditor\" cannot list resource \"\#(name)\" in API group \"\#(entry.resource.group)\" at the cluster scope"#,
                reason: "Forbidden")
        }
        if tooMany {
            var response = Self.status(429, "Too many requests, please try again later.", reason: "TooManyRequests")
            response.headers[.retryAfter] = "1"
            return response
        }
        if unavailable { return Self.status(503, "the server is currently unable to handle the request", reason: "ServiceUnavailable") }
        let limit = min(Int(parameters["limit"] ?? "") ?? entry.items.count, behaviour.maximumPage)
        var offset = 0
        if let token = parameters["continue"] {
            // Tokens are opaque base64 with `+`, `/` and `=`; the client must escape them.
            guard token.hasPrefix("+/page="), let value = Int(token.dropFirst("+/page=".count)) else {
                return Self.status(400, "invalid continue token", reason: "BadRequest")
            }
            offset = value
            let expire = state.withLock { state -> Bool in
                guard behaviour.expireContinueOnce.contains(name), !state.expired.contains(name) else { return false }
                state.expired.insert(name)
                return true
            }
            if expire {
                return Self.status(
                    410, "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
                    reason: "Expired")
            }
            if let delay = behaviour.slowPages[name] { try? await Task.sleep(for: delay) }
        }
        let end = min(entry.items.count, offset + max(1, limit))
        let next = end < entry.items.count ? "+/page=\(end)" : ""
        let items = entry.items[offset..<end].joined(separator: ",")
        let listKind = entry.resource.kind + "List"
        return Self.json(
            #"{"kind":"\#(listKind)","apiVersion":"\#(entry.resource.apiVersion)","metadata":{"resourceVersion":"4711"\#(next.isEmpty ? "" : #","continue":"\#(next)""#)},"items":[\#(items)]}"#)
    }

    /// PolicyReports: server-side apply (`PATCH` with `application/apply-patch+yaml`), list by label, delete.
    private func policyReports(_ method: HTTPRequest.Method, path: String, query: String, body: String) -> Response {
        let isReports = path.contains("/policyreports") || path.contains("/clusterpolicyreports")
        guard path.hasPrefix("/apis/wgpolicyk8s.io/v1alpha2/"), isReports else {
            return Self.status(404, "the server could not find the requested resource", reason: "NotFound")
        }
        let parameters = Self.parameters(query)
        switch method {
        case .patch:
            guard parameters["fieldManager"] != nil else {
                return Self.status(400, "PATCH is not supported for apply without fieldManager", reason: "BadRequest")
            }
            if state.withLock({ $0.behaviour.forbidApply }) {
                return Self.status(403, "policyreports.wgpolicyk8s.io is forbidden", reason: "Forbidden")
            }
            state.withLock { $0.applied[path] = body }
            return Self.json(body)
        case .delete:
            let removed = state.withLock { $0.applied.removeValue(forKey: path) }
            return removed == nil ? Self.status(404, "not found", reason: "NotFound") : Self.json(#"{"kind":"Status","status":"Success"}"#)
        default:
            // A list across all namespaces, filtered by the one label selector the client uses.
            let clusterScoped = path.hasSuffix("/clusterpolicyreports")
            let kind = clusterScoped ? "ClusterPolicyReport" : "PolicyReport"
            let selector = parameters["labelSelector"]?.split(separator: "=").map(String.init)
            let items = state.withLock { $0.applied }.sorted { $0.key < $1.key }.filter { key, body in
                guard key.contains(clusterScoped ? "/clusterpolicyreports/" : "/policyreports/") else { return false }
                guard let selector, selector.count == 2 else { return true }
                return Self.labels(of: body)[selector[0]] == selector[1]
            }.map(\.value)
            return Self.json(#"{"kind":"\#(kind)List","apiVersion":"wgpolicyk8s.io/v1alpha2","metadata":{},"items":[\#(items.joined(separator: ","))]}"#)
        }
    }

    /// Puts a report in place as if another run or another tool had written it.
    func seed(_ path: String, body: String) { state.withLock { $0.applied[path] = body } }

    static func labels(of body: String) -> [String: String] {
        let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        return (object?["metadata"] as? [String: Any])?["labels"] as? [String: String] ?? [:]
    }

    static func parameters(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard let key = parts.first else { continue }
            let value = parts.count > 1 ? String(parts[1]).removingPercentEncoding ?? String(parts[1]) : ""
            result[String(key)] = value
        }
        return result
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A `Status` answer as kube-apiserver writes one.
    static func status(_ code: Int, _ message: String, reason: String) -> Response {
        json(
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"\#(message)","reason":"\#(reason)","code":\#(code)}"#,
            status: HTTPResponse.Status(code: code))
    }
}

extension StandInAPIServer.Stored {
    /// The objects of `files` of the kinds `audit --cluster` lists, grouped into resources as the API serves
    /// them: list items without apiVersion and kind, namespaced objects in a namespace (`default` when the
    /// manifest names none, as the API server would place them).
    static func from(files: [String]) throws -> [StandInAPIServer.Stored] {
        var byKind: [String: StandInAPIServer.Stored] = [:]
        for case .file(let file) in InputWalker().expand(files).inputs {
            let outcome = Manifests.load(contentsOf: file, checkShapes: false) { object in
                guard let wanted = ClusterReadKinds.all.first(where: { $0.kind == object.kind && $0.group == object.group }) else { return }
                let key = "\(object.group)/\(object.kind)"
                let namespaced = !ClusterScope.kinds.contains(object.kind)
                var entry = byKind[key] ?? StandInAPIServer.Stored(
                    resource: APIResource(
                        group: object.group, version: object.apiVersion.split(separator: "/").last.map(String.init) ?? "v1",
                        resource: wanted.resource, kind: object.kind, namespaced: namespaced),
                    items: [])
                entry.items.append(Self.item(object.root, namespaced: namespaced))
                byKind[key] = entry
            }
            if let error = outcome.errors.first { throw error }
        }
        return byKind.keys.sorted().map { byKind[$0]! }
    }

    /// The object as a list answer's item.
    static func item(_ root: Value, namespaced: Bool) -> String {
        var json = JSONEmitter(style: .compact)
        json.beginObject()
        for (key, value) in root.pairs {
            guard let name = key.string, name != "apiVersion", name != "kind" else { continue }
            json.key(name)
            if name == "metadata", namespaced, value["namespace"] == nil {
                json.beginObject()
                json.key("namespace")
                json.string("default")
                for (inner, innerValue) in value.pairs {
                    json.key(inner.string ?? "")
                    json.value(innerValue)
                }
                json.endObject()
            } else {
                json.value(value)
            }
        }
        json.endObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }
}

/// Kinds that live outside namespaces.
enum ClusterScope {
    static let kinds: Set<String> = [
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration", "ClusterSecretStore", "ClusterVulnerabilityReport",
    ]
}

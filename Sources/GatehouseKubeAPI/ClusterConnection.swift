import Foundation
import KubeModel

/// Where the Kubernetes API server is and how to prove who we are to it: what a kubeconfig context or a pod's
/// service account gives, resolved to bytes and commands (relative paths already made absolute).
///
/// Sources: the kubeconfig format (`clientcmd/api/v1` types: `clusters[].cluster.server`,
/// `certificate-authority(-data)`, `insecure-skip-tls-verify`, `users[].user.client-certificate(-data)`,
/// `client-key(-data)`, `token`, `tokenFile`, `exec`), and client-go's in-cluster configuration
/// (`KUBERNETES_SERVICE_HOST`, `KUBERNETES_SERVICE_PORT`, the token and CA under
/// `/var/run/secrets/kubernetes.io/serviceaccount`).
public struct ClusterConnection: Sendable {
    /// The API server's base URL (`https://10.0.0.1:443`, possibly with a path prefix behind a proxy).
    public var server: String
    /// What names this connection in messages: the kubeconfig context, or `in-cluster`.
    public var name: String
    /// PEM certificates the server's certificate must chain to; `nil` trusts the system's roots.
    public var certificateAuthorityPEM: [UInt8]?
    public var insecureSkipTLSVerify = false
    /// A client certificate and its key, PEM, for mutual TLS.
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    public var credentials: Credentials = .none

    /// How requests are authorised beyond a client certificate.
    public enum Credentials: Sendable {
        case none
        /// A bearer token given in the kubeconfig.
        case token(String)
        /// A file holding the token, read before each run (a projected service account token is rotated).
        case tokenFile(String)
        /// A credential plugin run for a token or a client certificate (kubelogin, cloud CLIs).
        case exec(ExecCredentialPlugin)
    }

    public init(server: String, name: String) {
        self.server = server
        self.name = name
    }
}

/// A kubeconfig that cannot be used, named with the file (and line where there is one).
public struct ClusterConfigError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension ClusterConnection {
    /// The service account directory a pod's token, CA and namespace are mounted in.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The connection a pod has to its own cluster: the `KUBERNETES_SERVICE_HOST` and `_PORT` environment
    /// variables, and the token and CA bundle in `directory`. Throws when not running in a pod.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String = serviceAccountDirectory
    ) throws -> ClusterConnection {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw ClusterConfigError(
                "no kubeconfig was found and this is not a pod (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
                    + "are not set): give --kubeconfig, set KUBECONFIG, or run in the cluster")
        }
        let tokenFile = directory + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenFile) else {
            throw ClusterConfigError(
                "in-cluster configuration: cannot read the service account token \(tokenFile) (is "
                    + "automountServiceAccountToken false for this pod?)")
        }
        // An IPv6 service address needs brackets in a URL.
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var connection = ClusterConnection(server: "https://\(hostPart):\(port)", name: "in-cluster")
        connection.certificateAuthorityPEM = try readFile(directory + "/ca.crt", what: "in-cluster CA bundle")
        connection.credentials = .tokenFile(tokenFile)
        return connection
    }

    /// The connection of a kubeconfig's context: `context`, else the file's `current-context`.
    ///
    /// `paths` are read as kubectl merges a `KUBECONFIG` list: for each cluster, user and context name the
    /// first file that defines it wins, and so does the first `current-context`. Paths inside a file are
    /// relative to that file's folder.
    public static func kubeconfig(paths: [String], context wanted: String?) throws -> ClusterConnection {
        var files: [KubeconfigFile] = []
        for path in paths {
            files.append(try KubeconfigFile(path: path))
        }
        let shown = paths.joined(separator: ":")
        guard let contextName = wanted ?? files.lazy.compactMap(\.currentContext).first, !contextName.isEmpty else {
            throw ClusterConfigError("\(shown): no current-context is set; name one with --context")
        }
        guard let (context, contextFile) = firstEntry(contextName, in: files, \.contexts) else {
            let known = files.flatMap { $0.contexts.keys }.sorted()
            throw ClusterConfigError(
                "\(shown): no context \"\(contextName)\" (contexts: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
        }
        guard let clusterName = context["cluster"]?.string, let (cluster, clusterFile) = firstEntry(clusterName, in: files, \.clusters) else {
            throw ClusterConfigError(
                "\(contextFile.path):\(context.position.line): context \"\(contextName)\" names no cluster this kubeconfig defines")
        }
        guard let server = cluster["server"]?.string, !server.isEmpty else {
            throw ClusterConfigError("\(clusterFile.path):\(cluster.position.line): cluster \"\(clusterName)\" has no server")
        }
        var connection = ClusterConnection(server: server, name: contextName)
        connection.insecureSkipTLSVerify = cluster["insecure-skip-tls-verify"]?.bool ?? false
        connection.certificateAuthorityPEM = try clusterFile.bytes(
            data: cluster["certificate-authority-data"], file: cluster["certificate-authority"], what: "certificate-authority")
        guard let userName = context["user"]?.string, !userName.isEmpty else { return connection }
        guard let (user, userFile) = firstEntry(userName, in: files, \.users) else {
            throw ClusterConfigError(
                "\(contextFile.path):\(context.position.line): context \"\(contextName)\" names user \"\(userName)\", "
                    + "which this kubeconfig does not define")
        }
        connection.clientCertificatePEM = try userFile.bytes(
            data: user["client-certificate-data"], file: user["client-certificate"], what: "client-certificate")
        connection.clientKeyPEM = try userFile.bytes(
            data: user["client-key-data"], file: user["client-key"], what: "client-key")
        if let token = user["token"]?.string, !token.isEmpty {
            connection.credentials = .token(token)
        } else if let tokenFile = user["tokenFile"]?.string, !tokenFile.isEmpty {
            connection.credentials = .tokenFile(userFile.resolve(tokenFile))
        } else if let exec = user["exec"], exec.isMapping {
            connection.credentials = .exec(try ExecCredentialPlugin(exec, file: userFile))
        } else if user["auth-provider"] != nil {
            throw ClusterConfigError(
                "\(userFile.path):\(user.position.line): user \"\(userName)\" uses an auth-provider, which kubectl "
                    + "removed in 1.26; convert it with kubelogin (kubelogin convert-kubeconfig)")
        }
        if user["username"] != nil {
            throw ClusterConfigError(
                "\(userFile.path):\(user.position.line): user \"\(userName)\" uses basic authentication, which "
                    + "Kubernetes removed in 1.19")
        }
        return connection
    }

    /// The kubeconfig files kubectl would read: `$KUBECONFIG` (a colon-separated list) or `~/.kube/config`;
    /// empty when neither names an existing file.
    public static func defaultKubeconfigPaths(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            return list.split(separator: ":").map(String.init).filter { FileManager.default.fileExists(atPath: $0) }
        }
        guard let home = environment["HOME"] else { return [] }
        let path = home + "/.kube/config"
        return FileManager.default.fileExists(atPath: path) ? [path] : []
    }

    /// The connection `audit --cluster` uses: the given kubeconfig, else kubectl's (`$KUBECONFIG`,
    /// `~/.kube/config`), else the pod's own service account, as kubectl does.
    public static func resolve(
        kubeconfig: String?, context: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ClusterConnection {
        if let kubeconfig { return try Self.kubeconfig(paths: [kubeconfig], context: context) }
        let paths = defaultKubeconfigPaths(environment: environment)
        if !paths.isEmpty { return try Self.kubeconfig(paths: paths, context: context) }
        if let context {
            throw ClusterConfigError("--context \(context) needs a kubeconfig: none was given or found")
        }
        return try inCluster(environment: environment)
    }

    private static func firstEntry(
        _ name: String, in files: [KubeconfigFile], _ table: KeyPath<KubeconfigFile, [String: Value]>
    ) -> (Value, KubeconfigFile)? {
        for file in files {
            if let entry = file[keyPath: table][name] { return (entry, file) }
        }
        return nil
    }

    static func readFile(_ path: String, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClusterConfigError("cannot read the \(what) \(path)")
        }
        return Array(data)
    }
}

/// One kubeconfig file, its named entries indexed (`clusters`, `users`, `contexts`: lists of `{name, X}`).
struct KubeconfigFile {
    let path: String
    let folder: String
    var currentContext: String?
    var clusters: [String: Value] = [:]
    var users: [String: Value] = [:]
    var contexts: [String: Value] = [:]

    init(path: String) throws {
        self.path = path
        folder = (path as NSString).deletingLastPathComponent
        let bytes = try ClusterConnection.readFile(path, what: "kubeconfig")
        var document: Tree?
        let problem = bytes.withUnsafeBytes { buffer in
            YAMLLoader.load(buffer) { tree, index in if index == 0 { document = tree } }
        }
        if let problem { throw ClusterConfigError("\(path):\(problem.position.line):\(problem.position.column): \(problem.message)") }
        guard let root = document?.root, root.isMapping else {
            throw ClusterConfigError("\(path): not a kubeconfig (the file holds no mapping)")
        }
        currentContext = root["current-context"]?.string
        for (table, inner) in [("clusters", "cluster"), ("users", "user"), ("contexts", "context")] {
            var entries: [String: Value] = [:]
            for entry in root[table]?.items.map({ $0 }) ?? [] {
                guard let name = entry["name"]?.string, let body = entry[inner] else { continue }
                if entries[name] == nil { entries[name] = body }
            }
            switch table {
            case "clusters": clusters = entries
            case "users": users = entries
            default: contexts = entries
            }
        }
    }

    /// A path from this file, made absolute against its folder (kubectl resolves them so).
    func resolve(_ path: String) -> String {
        path.hasPrefix("/") || folder.isEmpty ? path : folder + "/" + path
    }

    /// The bytes of a `*-data` field (base64) or of the file its sibling names; `nil` when neither is set.
    func bytes(data: Value?, file: Value?, what: String) throws -> [UInt8]? {
        if let text = data?.string, !text.isEmpty {
            guard let decoded = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                throw ClusterConfigError("\(path):\(data?.position.line ?? 0): \(what)-data is not base64")
            }
            return Array(decoded)
        }
        if let name = file?.string, !name.isEmpty {
            return try ClusterConnection.readFile(resolve(name), what: "\(what) file (\(path) line \(file?.position.line ?? 0))")
        }
        return nil
    }
}

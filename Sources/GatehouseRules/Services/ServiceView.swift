import KubeModel

/// The Service fields the service rules and the cluster index read, with the API server's defaults.
struct ServiceView {
    static let internalAnnotation = "service.beta.kubernetes.io/azure-load-balancer-internal"

    let object: KubeObject
    let spec: Value?

    init(_ object: KubeObject) {
        self.object = object
        self.spec = object.root["spec"]
    }

    /// `spec.type`, defaulting to ClusterIP as the API server does.
    var type: String { spec?["type"]?.string ?? "ClusterIP" }
    var typeValue: Value? { spec?["type"] }

    var isLoadBalancer: Bool { type == "LoadBalancer" }
    /// Azure's internal-load-balancer annotation is set: a LoadBalancer gets a private IP.
    var isInternal: Bool { object.annotation(Self.internalAnnotation) == "true" }
    /// A LoadBalancer without Azure's internal annotation gets a public IP.
    var isPublicLoadBalancer: Bool { isLoadBalancer && !isInternal }

    var ports: [(index: Int, value: Value, port: Int?)] {
        guard let list = spec?["ports"], list.isSequence else { return [] }
        return list.items.enumerated().map { ($0, $1, $1["port"]?.int) }
    }

    var selector: [String: String] {
        var map: [String: String] = [:]
        guard let pairs = spec?["selector"]?.pairs else { return map }
        for (k, v) in pairs {
            if let key = k.string, let text = v.string { map[key] = text }
        }
        return map
    }
}

/// Port lists in parameters: `"443"` or a range `"8000-8999"`.
struct PortSet {
    let ranges: [ClosedRange<Int>]

    init(_ entries: [String]) {
        ranges = entries.compactMap { entry in
            let parts = entry.split(separator: "-", maxSplits: 1).map { Int($0.trimmedSpaces) }
            if parts.count == 1, let p = parts[0] { return p...p }
            if parts.count == 2, let a = parts[0], let b = parts[1], a <= b { return a...b }
            return nil
        }
    }

    func contains(_ port: Int) -> Bool { ranges.contains { $0.contains(port) } }
}

/// IPv4 CIDR blocks (`10.0.0.0/8`) and exact addresses, for allow-lists.
struct IPv4Block: Sendable {
    let base: UInt32
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let address = Self.parse(String(first)) else { return nil }
        let prefix = parts.count == 2 ? Int(parts[1]) : 32
        guard let prefix, (0...32).contains(prefix) else { return nil }
        self.prefix = prefix
        self.base = address & Self.mask(prefix)
    }

    static func parse(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard let n = UInt32(octet), n < 256 else { return nil }
            value = value << 8 | n
        }
        return value
    }

    static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix) }

    func contains(_ address: String) -> Bool {
        guard let a = Self.parse(address) else { return false }
        return a & Self.mask(prefix) == base
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmedSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

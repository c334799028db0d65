/// One Kubernetes API audit event: an `audit.k8s.io/v1` or `v1beta1` `Event`, whatever shape carried it (a
/// line of the log backend's file, an `EventList` item, an AKS Event Hub record, a Log Analytics `AKSAudit`
/// row).
///
/// The fields rules read are extracted once; the request and response bodies stay ``Value``s over the parsed
/// tree. A body is `nil` when the event's audit level did not record it (`Metadata` records neither, `Request`
/// no response) or when AKS skipped it as too big: rules must then say what they cannot judge.
public struct AuditEvent: Sendable {
    /// The requesting identity (`user`, or `impersonatedUser`).
    public struct User: Sendable, Hashable {
        public var username: String
        public var groups: [String]

        public init(username: String, groups: [String] = []) {
            self.username = username
            self.groups = groups
        }
    }

    /// What the request was about (`objectRef`).
    public struct Target: Sendable, Hashable {
        public var resource = ""
        public var subresource = ""
        public var namespace = ""
        public var name = ""
        public var apiGroup = ""
        public var apiVersion = ""

        public init(
            resource: String = "", subresource: String = "", namespace: String = "", name: String = "",
            apiGroup: String = "", apiVersion: String = ""
        ) {
            self.resource = resource
            self.subresource = subresource
            self.namespace = namespace
            self.name = name
            self.apiGroup = apiGroup
            self.apiVersion = apiVersion
        }
    }

    /// Where the event was read: the file (or `-`) and the 1-based line its JSON value starts on.
    public struct Origin: Sendable, Hashable, CustomStringConvertible {
        public var file: String
        public var line: Int

        public init(file: String, line: Int) {
            self.file = file
            self.line = line
        }

        public var description: String { "\(file):\(line)" }
    }

    public var apiVersion = ""
    /// `None`, `Metadata`, `Request` or `RequestResponse`.
    public var level = ""
    public var auditID = ""
    /// `RequestReceived`, `ResponseStarted`, `ResponseComplete` or `Panic`; empty when not recorded.
    public var stage = ""
    public var requestURI = ""
    public var verb = ""
    public var user = User(username: "")
    public var impersonatedUser: User?
    public var sourceIPs: [String] = []
    public var userAgent = ""
    public var target = Target()
    /// `responseStatus.code`, when recorded.
    public var responseCode: Int?
    public var requestObject: Value?
    public var responseObject: Value?
    /// The event's `annotations` mapping as read, `nil` when it has none. Most rules never look at it, so it
    /// is turned into a dictionary only when ``annotations`` is asked for.
    public var annotationValues: Value?
    /// `annotations` (the authorizer's `authorization.k8s.io/decision` and `reason`, admission annotations).
    public var annotations: [String: String] { Self.stringMap(annotationValues) }
    public var requestReceivedTimestamp = ""
    /// When the event's stage was reached (`stageTimestamp`; `timestamp` in old v1beta1 events).
    public var stageTimestamp = ""
    public var origin: Origin

    public init(origin: Origin) {
        self.origin = origin
    }

    /// Whether `value` is an audit Event: `kind: Event` with an `audit.k8s.io` `apiVersion`, or with none and
    /// an `auditID` (the API server's webhook backend leaves `apiVersion` out of the events it posts, which
    /// tells them from core `v1` Events).
    public static func isEvent(_ value: Value) -> Bool {
        guard value["kind"]?.string == "Event" else { return false }
        guard let apiVersion = value["apiVersion"] else { return value["auditID"] != nil }
        return (apiVersion.string ?? "").hasPrefix("audit.k8s.io/")
    }

    /// Reads an `audit.k8s.io` `Event` object. `nil` when `value` is not one.
    public init?(event value: Value, origin: Origin) {
        guard Self.isEvent(value) else { return nil }
        self.init(fields: value, origin: origin)
    }

    /// Reads the fields of an Event object, whatever its `kind` says.
    init(fields value: Value, origin: Origin) {
        self.origin = origin
        // One pass over the event's keys (a lookup per field would scan them once per field): every event of
        // every log goes through here. A key written twice ends with its last value, as a lookup gives it.
        var stageTime: String?
        var oldTime: String?
        for (key, field) in value.pairs {
            guard let name = key.string else { continue }
            switch name {
            case "apiVersion": apiVersion = field.string ?? ""
            case "level": level = field.string ?? ""
            case "auditID": auditID = field.string ?? ""
            case "stage": stage = field.string ?? ""
            case "requestURI": requestURI = field.string ?? ""
            case "verb": verb = field.string ?? ""
            case "user": user = Self.user(field) ?? User(username: "")
            case "impersonatedUser": impersonatedUser = Self.user(field)
            case "sourceIPs": sourceIPs = Self.strings(field)
            case "userAgent": userAgent = field.string ?? ""
            case "objectRef": target = Self.target(field)
            case "responseStatus": responseCode = field["code"]?.int
            case "requestObject": requestObject = Self.body(field)
            case "responseObject": responseObject = Self.body(field)
            case "annotations": annotationValues = field
            case "requestReceivedTimestamp": requestReceivedTimestamp = field.string ?? ""
            case "stageTimestamp": stageTime = field.string
            case "timestamp": oldTime = field.string
            default: continue
            }
        }
        stageTimestamp = stageTime ?? oldTime ?? requestReceivedTimestamp
    }

    /// Reads a row of the Log Analytics `AKSAudit` (or `AKSAuditAdmin`) table exported as JSON. Its dynamic
    /// columns (`User`, `ObjectRef`, ...) are JSON objects, or JSON text when the export flattened them.
    /// `nil` when `value` has no `AuditId` and `Verb` (not such a row).
    public init?(aksAuditRow value: Value, origin: Origin) {
        self.init(aksAuditColumn: { value[$0] }, origin: origin)
    }

    /// Reads an `AKSAudit` row given as a lookup by column name: a row object, or a row of the Log Analytics
    /// query API's `tables` answer, whose rows are arrays in the order of its `columns`.
    public init?(aksAuditColumn value: (String) -> Value?, origin: Origin) {
        guard let id = value("AuditId")?.string, let verb = value("Verb")?.string else { return nil }
        self.origin = origin
        apiVersion = "audit.k8s.io/v1"
        auditID = id
        self.verb = verb
        level = value("Level")?.string ?? ""
        stage = value("Stage")?.string ?? ""
        requestURI = value("RequestUri")?.string ?? ""
        user = Self.user(Self.dynamic(value("User"))) ?? User(username: "")
        impersonatedUser = Self.user(Self.dynamic(value("ImpersonatedUser")))
        sourceIPs = Self.strings(Self.dynamic(value("SourceIps")))
        userAgent = value("UserAgent")?.string ?? ""
        target = Self.target(Self.dynamic(value("ObjectRef")))
        responseCode = Self.dynamic(value("ResponseStatus"))?["code"]?.int
        requestObject = Self.body(Self.dynamic(value("RequestObject")))
        responseObject = Self.body(Self.dynamic(value("ResponseObject")))
        annotationValues = Self.dynamic(value("Annotations"))
        requestReceivedTimestamp = value("RequestReceivedTime")?.string ?? ""
        stageTimestamp = value("StageReceivedTime")?.string ?? value("TimeGenerated")?.string ?? requestReceivedTimestamp
    }

    private static func user(_ value: Value?) -> User? {
        guard let value, value.isMapping else { return nil }
        return User(username: value["username"]?.string ?? "", groups: strings(value["groups"]))
    }

    private static func target(_ value: Value?) -> Target {
        guard let value, value.isMapping else { return Target() }
        return Target(
            resource: value["resource"]?.string ?? "", subresource: value["subresource"]?.string ?? "",
            namespace: value["namespace"]?.string ?? "", name: value["name"]?.string ?? "",
            apiGroup: value["apiGroup"]?.string ?? "", apiVersion: value["apiVersion"]?.string ?? "")
    }

    private static func strings(_ value: Value?) -> [String] {
        value?.items.compactMap(\.string) ?? []
    }

    private static func stringMap(_ value: Value?) -> [String: String] {
        guard let value, value.isMapping else { return [:] }
        var map: [String: String] = [:]
        for (key, item) in value.pairs {
            if let key = key.string, let text = item.string { map[key] = text }
        }
        return map
    }

    /// A recorded body: a mapping. AKS writes `"skipped-too-big-size-object"` instead of a body it dropped.
    private static func body(_ value: Value?) -> Value? {
        guard let value, value.isMapping else { return nil }
        return value
    }

    /// A Log Analytics dynamic column: the value itself, or the JSON it holds as text.
    private static func dynamic(_ value: Value?) -> Value? {
        guard let value, let text = value.stringOnly else { return value }
        guard let first = text.utf8.first(where: { $0 != 0x20 }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        else { return value }
        guard case .success(let tree) = JSONLoader.parse(text) else { return value }
        return tree.root
    }
}

extension AuditEvent {
    /// The object's name: `objectRef.name`, else the name in the request or response body (a pod created from
    /// `generateName` has its name only in the response), else the request body's `generateName`.
    public var objectName: String {
        if !target.name.isEmpty { return target.name }
        if let name = responseObject?["metadata"]?["name"]?.string { return name }
        if let name = requestObject?["metadata"]?["name"]?.string { return name }
        return requestObject?["metadata"]?["generateName"]?.string ?? ""
    }

    /// The object's kind: the request or response body's `kind`, else none (a Metadata-level event names only
    /// the resource).
    public var objectKind: String {
        for body in [requestObject, responseObject] {
            if let kind = body?["kind"]?.string, kind != "DeleteOptions", kind != "Status" { return kind }
        }
        return ""
    }

    /// Seconds since 1970 of ``stageTimestamp``, or `nil` when it is not an RFC 3339 time.
    public var time: Double? { RFC3339.seconds(stageTimestamp) }
}

/// RFC 3339 date-times as Kubernetes writes them (`2024-05-01T10:00:00.123456Z`, or with a `+02:00` offset).
public enum RFC3339 {
    /// Seconds since 1970-01-01T00:00:00Z, or `nil` when `text` is not an RFC 3339 date-time.
    public static func seconds(_ text: String) -> Double? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20,
            b[13] == 0x3A, b[16] == 0x3A
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var n = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), (1...31).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 0x2E {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                fraction += Double(b[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == 0x5A || b[i] == 0x7A {
            i += 1
        } else if b[i] == 0x2B || b[i] == 0x2D, i + 6 == b.count, b[i + 3] == 0x3A, let h = number(i + 1, 2),
            let m = number(i + 4, 2)
        {
            offset = (h * 60 + m) * 60 * (b[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        return Double(days(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second - offset)
            + fraction
    }

    /// Days from 1970-01-01 to the date (proleptic Gregorian calendar).
    private static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }
}

import GatehouseWebhook

/// AdmissionReview bodies as the API server sends them, built from small pieces.
enum Reviews {
    /// A Pod manifest in JSON. `privileged` containers fail `pod-privileged`.
    static func pod(
        name: String = "web", namespace: String = "default", privileged: Bool = false,
        labels: [String: String] = [:], image: String = "nginx:1.27",
        ephemeralPrivileged: Bool? = nil, extraContainers: Int = 0
    ) -> String {
        var containers = [container(name: "app", image: image, privileged: privileged)]
        for i in 0..<extraContainers {
            containers.append(container(name: "side\(i)", image: image, privileged: false))
        }
        var spec = "\"containers\":[\(containers.joined(separator: ","))]"
        if let ephemeralPrivileged {
            spec += ",\"ephemeralContainers\":[\(container(name: "debugger", image: "busybox", privileged: ephemeralPrivileged))]"
        }
        let labelJSON = labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
        return """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)","namespace":"\(namespace)",\
            "labels":{\(labelJSON)}},"spec":{\(spec)}}
            """
    }

    static func container(name: String, image: String, privileged: Bool) -> String {
        "{\"name\":\"\(name)\",\"image\":\"\(image)\",\"securityContext\":{\"privileged\":\(privileged)}}"
    }

    /// A Deployment whose template is privileged or not.
    static func deployment(name: String = "web", namespace: String = "default", privileged: Bool) -> String {
        """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"\(name)","namespace":"\(namespace)"},\
        "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},\
        "spec":{"containers":[\(container(name: "app", image: "nginx:1.27", privileged: privileged))]}}}}
        """
    }

    static func review(
        version: AdmissionReviewVersion = .v1, uid: String = "705ab4f5-6393-11e8-b7cc-42010a800002",
        operation: String = "CREATE", kind: (group: String, version: String, kind: String) = ("", "v1", "Pod"),
        resource: String = "pods", subResource: String? = nil, namespace: String = "default", name: String = "web",
        user: String = "alice@example.com", groups: [String] = ["system:authenticated"], dryRun: Bool = false,
        object: String?, oldObject: String? = nil
    ) -> String {
        let groupJSON = groups.map { "\"\($0)\"" }.joined(separator: ",")
        var request = """
            "uid":"\(uid)","kind":{"group":"\(kind.group)","version":"\(kind.version)","kind":"\(kind.kind)"},\
            "resource":{"group":"\(kind.group)","version":"\(kind.version)","resource":"\(resource)"},\
            "namespace":"\(namespace)","name":"\(name)","operation":"\(operation)",\
            "userInfo":{"username":"\(user)","uid":"1","groups":[\(groupJSON)]},"dryRun":\(dryRun),\
            "object":\(object ?? "null"),"oldObject":\(oldObject ?? "null")
            """
        if let subResource { request += ",\"subResource\":\"\(subResource)\"" }
        return "{\"apiVersion\":\"\(version.rawValue)\",\"kind\":\"AdmissionReview\",\"request\":{\(request)}}"
    }
}

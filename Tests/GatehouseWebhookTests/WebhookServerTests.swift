import AsyncHTTPClient
import Foundation
import GatehouseEngine
import GatehouseRules
import GatehouseWebhook
import NIOHTTP1
import ServiceLifecycle
import Testing

/// The webhook over a real socket with real TLS, through AsyncHTTPClient: the answers the API server gets.
@Suite("webhook over TLS")
struct WebhookServerTests {
    static func policy(privileged action: Action? = nil, _ edit: (inout Policy) -> Void = { _ in }) -> Policy {
        var policy = Policy.onlyPrivileged
        if let action { policy.rules["pod-privileged"] = RuleSettings(action: action) }
        edit(&policy)
        return policy
    }

    @Test("a compliant Pod is allowed, with the request's uid and version")
    func allow() async throws {
        try await TestServer.with { server in
            let answer = try await withClient(try server.client()) { client in
                try await client.post(server.validateURL, body: Reviews.review(uid: "uid-allow", object: Reviews.pod()))
            }
            #expect(answer.status == .ok)
            #expect(answer.json["apiVersion"] as? String == "admission.k8s.io/v1")
            #expect(answer.json["kind"] as? String == "AdmissionReview")
            #expect(answer.response["uid"] as? String == "uid-allow")
            #expect(answer.allowed == true)
            #expect(answer.warnings.isEmpty)
            #expect(answer.response["status"] == nil)
        }
    }

    @Test("a privileged Pod is denied with 403, the rule id, the path and the remediation")
    func deny() async throws {
        try await TestServer.with { server in
            let answer = try await withClient(try server.client()) { client in
                try await client.post(server.validateURL, body: Reviews.review(object: Reviews.pod(privileged: true)))
            }
            #expect(answer.allowed == false)
            #expect(answer.statusCode == 403)
            let message = answer.message
            #expect(message.contains("Pod default/web"))
            #expect(message.contains("pod-privileged spec.containers[0].securityContext.privileged"))
            #expect(message.contains("container \"app\""))
            #expect(message.contains("Fix pod-privileged:"))
            #expect(message.utf8.count <= 2048)
        }
    }

    @Test("a warn finding allows with a warning kubectl prints")
    func warn() async throws {
        try await TestServer.with(policy: Self.policy(privileged: .warn)) { server in
            let answer = try await withClient(try server.client()) { client in
                try await client.post(server.validateURL, body: Reviews.review(object: Reviews.pod(privileged: true)))
            }
            #expect(answer.allowed == true)
            #expect(answer.warnings.count == 1)
            let warning = try #require(answer.warnings.first)
            #expect(warning.hasPrefix("pod-privileged: "))
            #expect(warning.contains("spec.containers[0].securityContext.privileged"))
            #expect(warning.count <= 256)
        }
    }

    @Test("an audit finding allows with an audit annotation keyed by rule id")
    func audit() async throws {
        try await TestServer.with(policy: Self.policy(privileged: .audit)) { server in
            let answer = try await withClient(try server.client()) { client in
                try await client.post(server.validateURL, body: Reviews.review(object: Reviews.pod(privileged: true)))
            }
            #expect(answer.allowed == true)
            #expect(answer.warnings.isEmpty)
            let value = try #require(answer.auditAnnotations["pod-privileged"])
            #expect(value.contains("spec.containers[0].securityContext.privileged"))
        }
    }

    @Test("v1beta1 reviews are answered in v1beta1", arguments: AdmissionReviewVersion.allCases)
    func versions(_ version: AdmissionReviewVersion) async throws {
        try await TestServer.with { server in
            let answer = try await withClient(try server.client()) { client in
                try await client.post(
                    server.validateURL,
                    body: Reviews.review(version: version, uid: "u-\(version)", object: Reviews.pod(privileged: true)))
            }
            #expect(answer.json["apiVersion"] as? String == version.rawValue)
            #expect(answer.response["uid"] as? String == "u-\(version)")
            #expect(answer.allowed == false)
        }
    }

    @Test("HTTP/2 is negotiated by ALPN; HTTP/1.1 keep-alive serves several reviews on one connection")
    func protocols() async throws {
        try await TestServer.with { server in
            let h2 = try await withClient(try server.client()) { client in
                try await client.post(server.validateURL, body: Reviews.review(object: Reviews.pod()))
            }
            #expect(h2.version == .http2)
            #expect(h2.allowed == true)
            let answers = try await withClient(try server.client(http1Only: true)) { client in
                var answers: [Answer] = []
                for i in 0..<5 {
                    answers.append(
                        try await client.post(
                            server.validateURL, body: Reviews.review(uid: "k\(i)", object: Reviews.pod(privileged: i % 2 == 0))))
                }
                return answers
            }
            #expect(answers.allSatisfy { $0.version == .http1_1 })
            #expect(answers.map(\.allowed) == [false, true, false, true, false])
            #expect(answers.map { $0.response["uid"] as? String } == ["k0", "k1", "k2", "k3", "k4"])
        }
    }

    @Test("UPDATE: an unchanged violation is not denied; one the update introduces is")
    func updates() async throws {
        try await TestServer.with { server in
            try await withClient(try server.client()) { client in
                // A label change on an already privileged Pod: allowed, with the violation as a warning.
                let relabel = try await client.post(
                    server.validateURL,
                    body: Reviews.review(
                        operation: "UPDATE", object: Reviews.pod(privileged: true, labels: ["tier": "web"]),
                        oldObject: Reviews.pod(privileged: true)))
                #expect(relabel.allowed == true)
                #expect(relabel.warnings.count == 1)
                #expect(relabel.warnings.first?.contains("pre-existing") == true)

                // Turning privileged on: denied.
                let escalate = try await client.post(
                    server.validateURL,
                    body: Reviews.review(
                        operation: "UPDATE", object: Reviews.pod(privileged: true), oldObject: Reviews.pod(privileged: false)))
                #expect(escalate.allowed == false)

                // A new privileged container next to an unchanged compliant one: denied.
                let added = try await client.post(
                    server.validateURL,
                    body: Reviews.review(
                        operation: "UPDATE", object: Reviews.deployment(privileged: true),
                        oldObject: Reviews.deployment(privileged: false)))
                #expect(added.allowed == false)
            }
        }
    }

    @Test("pods/ephemeralcontainers is evaluated; other subresources are allowed")
    func subresources() async throws {
        try await TestServer.with { server in
            try await withClient(try server.client()) { client in
                let debug = try await client.post(
                    server.validateURL,
                    body: Reviews.review(
                        operation: "UPDATE", subResource: "ephemeralcontainers",
                        object: Reviews.pod(ephemeralPrivileged: true), oldObject: Reviews.pod()))
                #expect(debug.allowed == false)
                #expect(debug.message.contains("spec.ephemeralContainers[0].securityContext.privileged"))

                let safeDebug = try await client.post(
                    server.validateURL,
                    body: Reviews.review(
                        operation: "UPDATE", subResource: "ephemeralcontainers",
                        object: Reviews.pod(ephemeralPrivileged: false), oldObject: Reviews.pod()))
                #expect(safeDebug.allowed == true)

                for sub in ["status", "exec", "log", "binding", "eviction"] {
                    let answer = try await client.post(
                        server.validateURL,
                        body: Reviews.review(operation: "UPDATE", subResource: sub, object: Reviews.pod(privileged: true)))
                    #expect(answer.allowed == true, "subresource \(sub)")
                }
            }
        }
    }

    @Test("DELETE and CONNECT are allowed without evaluation")
    func operations() async throws {
        try await TestServer.with { server in
            try await withClient(try server.client()) { client in
                for op in ["DELETE", "CONNECT"] {
                    let answer = try await client.post(
                        server.validateURL,
                        body: Reviews.review(operation: op, object: nil, oldObject: Reviews.pod(privileged: true)))
                    #expect(answer.allowed == true, "\(op)")
                }
            }
        }
    }

    @Test("dryRun gets the same decision, and is counted apart in the metrics")
    func dryRun() async throws {
        try await TestServer.with { server in
            try await withClient(try server.client()) { client in
                let dry = try await client.post(
                    server.validateURL, body: Reviews.review(dryRun: true, object: Reviews.pod(privileged: true)))
                let real = try await client.post(
                    server.validateURL, body: Reviews.review(dryRun: false, object: Reviews.pod(privileged: true)))
                #expect(dry.allowed == false)
                #expect(dry.message == real.message)
                let metrics = try await client.get("https://127.0.0.1:\(server.port)/metrics").text
                #expect(metrics.contains("dry_run=\"true\""))
                #expect(metrics.contains("dry_run=\"false\""))
            }
        }
    }

    @Test("exempt users, groups and namespaces are allowed")
    func exemptions() async throws {
        let policy = Self.policy {
            $0.exemptUsers = ["system:serviceaccount:kube-system:*"]
            $0.exemptGroups = ["platform-admins"]
        }
        try await TestServer.with(policy: policy) { server in
            try await withClient(try server.client()) { client in
                let bad = Reviews.pod(privileged: true)
                let user = try await client.post(
                    server.validateURL,
                    body: Reviews.review(user: "system:serviceaccount:kube-system:replicaset-controller", object: bad))
                #expect(user.allowed == true)
                #expect(user.auditAnnotations["exempt"]?.contains("user system:serviceaccount:kube-system:replicaset-controller is exempt") == true)

                let group = try await client.post(
                    server.validateURL, body: Reviews.review(groups: ["system:authenticated", "platform-admins"], object: bad))
                #expect(group.allowed == true)

                let namespace = try await client.post(
                    server.validateURL,
                    body: Reviews.review(namespace: "kube-system", object: Reviews.pod(namespace: "kube-system", privileged: true)))
                #expect(namespace.allowed == true)

                let other = try await client.post(
                    server.validateURL, body: Reviews.review(user: "system:serviceaccount:default:ci", object: bad))
                #expect(other.allowed == false)
            }
        }
    }

    @Test("workload templates can warn while Pods deny")
    func templates() async throws {
        try await TestServer.with(policy: Self.policy { $0.templateAction = .warn }) { server in
            try await withClient(try server.client()) { client in
                let deployment = try await client.post(
                    server.validateURL,
                    body: Reviews.review(
                        kind: ("apps", "v1", "Deployment"), resource: "deployments",
                        object: Reviews.deployment(privileged: true)))
                #expect(deployment.allowed == true)
                #expect(deployment.warnings.first?.contains("spec.template.spec.containers[0]") == true)

                let pod = try await client.post(server.validateURL, body: Reviews.review(object: Reviews.pod(privileged: true)))
                #expect(pod.allowed == false)
            }
        }
    }

    @Test("bodies that are not AdmissionReviews get HTTP 400 with a JSON error")
    func badBodies() async throws {
        let bodies = [
            "not json at all {",
            "[1,2,3]",
            #"{"apiVersion":"v1","kind":"Pod"}"#,
            #"{"apiVersion":"admission.k8s.io/v2","kind":"AdmissionReview","request":{}}"#,
            #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#,
            #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"kind":{"kind":"Pod"},"operation":"CREATE"}}"#,
            #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","kind":{"kind":"Pod"},"operation":"PATCH"}}"#,
            "",
        ]
        try await TestServer.with { server in
            try await withClient(try server.client()) { client in
                for body in bodies {
                    let answer = try await client.post(server.validateURL, body: body)
                    #expect(answer.status == .badRequest, "\(body)")
                    #expect((answer.json["error"] as? String)?.isEmpty == false, "\(body)")
                }
                let xml = try await client.post(server.validateURL, body: "<x/>", contentType: "application/xml")
                #expect(xml.status == .unsupportedMediaType)
            }
        }
    }

    @Test("a body over the size limit gets 413; nesting over the depth limit gets 400")
    func limits() async throws {
        try await TestServer.with(configure: {
            $0.maxBodyBytes = 64 * 1024
            $0.maxDepth = 20
        }) { server in
            try await withClient(try server.client()) { client in
                let big = Reviews.review(
                    object: Reviews.pod(labels: ["blob": String(repeating: "x", count: 100 * 1024)]))
                let oversize = try await client.post(server.validateURL, body: big)
                #expect(oversize.status.code == 413)
                #expect((oversize.json["error"] as? String)?.contains("65536") == true)

                let deep = String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
                let nested = Reviews.review(
                    object: #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","annotations":{"a":"b"}},"spec":{"x":"# + deep + "}}")
                let answer = try await client.post(server.validateURL, body: nested)
                #expect(answer.status == .badRequest)

                // The server is still there.
                let ok = try await client.post(server.validateURL, body: Reviews.review(object: Reviews.pod()))
                #expect(ok.allowed == true)
            }
        }
    }

    @Test("an object that cannot be evaluated is denied by default, allowed with --on-error allow",
          arguments: [OnErrorPolicy.deny, .allow])
    func onError(_ policy: OnErrorPolicy) async throws {
        try await TestServer.with(configure: { $0.onError = policy }) { server in
            let answer = try await withClient(try server.client()) { client in
                try await client.post(server.validateURL, body: Reviews.review(object: #"["not", "an", "object"]"#))
            }
            #expect(answer.status == .ok)
            #expect(answer.allowed == (policy == .allow))
            if policy == .deny {
                #expect(answer.statusCode == 400)
                #expect(answer.message.contains("not a JSON object"))
            } else {
                #expect(answer.warnings.first?.contains("not a JSON object") == true)
            }
        }
    }

    @Test("healthz, readyz and metrics, on the HTTPS port and the plain metrics port")
    func observability() async throws {
        try await TestServer.with(configure: { $0.metricsPort = 0 }) { server in
            try await withClient(try server.client()) { client in
                _ = try await client.post(server.validateURL, body: Reviews.review(object: Reviews.pod(privileged: true)))
                _ = try await client.post(server.validateURL, body: "garbage")
                let health = try await client.get("https://127.0.0.1:\(server.port)/healthz")
                #expect(health.status == .ok)
                let ready = try await client.get("https://127.0.0.1:\(server.port)/readyz")
                #expect(ready.status == .ok)
                let metricsPort = try #require(server.metricsPort)
                let plain = try await client.get("http://127.0.0.1:\(metricsPort)/metrics")
                #expect(plain.status == .ok)
                let text = plain.text
                #expect(text.contains("gatehouse_admission_requests_total{decision=\"deny\",kind=\"Pod\",operation=\"CREATE\""))
                #expect(text.contains("gatehouse_admission_findings_total{rule=\"pod-privileged\",action=\"deny\"} 1"))
                #expect(text.contains("gatehouse_admission_duration_seconds_bucket"))
                #expect(text.contains("gatehouse_admission_errors_total{type=\"malformed\"} 1"))
                #expect(text.contains("gatehouse_certificate_expiry_timestamp_seconds"))
                let plainReady = try await client.get("http://127.0.0.1:\(metricsPort)/readyz")
                #expect(plainReady.status == .ok)
            }
        }
    }
}

@Suite("listener start-up errors")
struct ListenerStartTests {
    /// Runs a second webhook on `configure`'s ports and returns what it throws.
    static func startFailure(_ configure: (inout WebhookConfiguration) -> Void) async throws -> ListenerStartError? {
        var configuration = WebhookConfiguration()
        configuration.host = "127.0.0.1"
        configure(&configuration)
        let ca = try SelfSignedCA()
        let server = WebhookServer(
            engine: try Engine(policy: .onlyPrivileged), configuration: configuration,
            store: CertificateStore(try ca.servingCertificate()), logger: TestServer.quiet)
        let group = ServiceGroup(configuration: .init(services: try server.services(), logger: TestServer.quiet))
        do {
            try await group.run()
            Issue.record("the second listener started")
            return nil
        } catch let error as ListenerStartError {
            return error
        }
    }

    @Test("a port in use is named with its address and listener")
    func portInUse() async throws {
        try await TestServer.with(configure: { $0.metricsPort = 0 }) { running in
            let https = try await Self.startFailure { $0.port = running.port }
            #expect(https?.description.hasPrefix("cannot listen on 127.0.0.1:\(running.port) for https: ") == true)
            #expect(https?.description.contains("another process listens there") == true)

            let metrics = try #require(running.metricsPort)
            let failure = try await Self.startFailure { $0.port = 0; $0.metricsPort = metrics }
            #expect(failure?.description.hasPrefix("cannot listen on 127.0.0.1:\(metrics) for metrics: ") == true)
        }
    }
}

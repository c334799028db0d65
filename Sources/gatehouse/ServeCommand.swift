import ArgumentParser
import Foundation
import GatehouseEngine
import GatehouseRules
import GatehouseWebhook
import Logging
import NIOSSL

extension OnErrorPolicy: ExpressibleByArgument {}

/// `gatehouse serve`: the validating admission webhook over HTTPS.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the validating admission webhook (POST /validate) and audit webhook sink (POST /audit) over HTTPS.",
        discussion: """
            Answers AdmissionReview admission.k8s.io/v1 and v1beta1 on POST /validate, and serves GET /healthz, \
            /readyz and /metrics on the same port (and on --metrics-port over plain HTTP, if given).

            Alerts: POST /audit takes the audit.k8s.io/v1 (or v1beta1) EventList batches of the API server's \
            audit webhook backend and answers as soon as a batch is read; the policy's alert rules judge its \
            events, and every admission request too, off the request path. Each alert is one JSON log line \
            ("msg":"alert") and counts in gatehouse_alerts_total; alerts of the same rule, actor and object \
            within --alert-window are merged.

            Certificates: --tls-cert/--tls-key are reloaded when the files change (a mounted Secret update), \
            without a restart. --self-signed makes an in-memory CA and a serving certificate for localhost, \
            127.0.0.1 and any --dns-name; --print-ca writes the CA to standard output, --ca-out to a file.

            Logs are JSON lines on standard error, one per decision at info level, one per alert at notice level.

            Example:
              gatehouse serve --self-signed --print-ca > ca.pem
              curl --cacert ca.pem -H 'Content-Type: application/json' -d @review.json https://127.0.0.1:8443/validate
            """
    )

    @Option(help: "PEM certificate chain file for the HTTPS listener.")
    var tlsCert: String?

    @Option(help: "PEM private key file for the HTTPS listener.")
    var tlsKey: String?

    @Option(help: "PEM CA bundle: clients must present a certificate signed by one of these (the API server's).")
    var clientCA: String?

    @Flag(help: "Generate an in-memory CA and serving certificate instead of --tls-cert/--tls-key.")
    var selfSigned = false

    @Flag(help: "With --self-signed: print the CA certificate (PEM) to standard output.")
    var printCA = false

    @Option(help: "With --self-signed: write the CA certificate (PEM) to this file.")
    var caOut: String?

    @Option(help: "With --self-signed: an extra DNS name for the serving certificate (repeatable).")
    var dnsName: [String] = []

    @Option(help: "Address to listen on: every address by default, as in a pod; 127.0.0.1 for a local try-out.")
    var host = "0.0.0.0"

    @Option(help: "HTTPS port for /validate, /healthz, /readyz and /metrics.")
    var port = 8443

    @Option(help: "Plain-HTTP port for /healthz, /readyz and /metrics (probes, Prometheus).")
    var metricsPort: Int?

    @OptionGroup var policyOptions: PolicyOptions

    @Option(help: "Answer for a well-formed review whose object cannot be evaluated: allow or deny.")
    var onError: OnErrorPolicy = .deny

    @Option(help: "Largest accepted request body, in bytes.")
    var maxBodyBytes = 3 * 1024 * 1024

    @Option(help: "Deepest accepted JSON nesting.")
    var maxDepth = 100

    @Option(help: "Most connections served at once; more wait in the backlog.")
    var maxConnections = 1024

    @Option(help: "Most connections one source address may hold at once; more are refused.")
    var maxConnectionsPerSource = 128

    @Option(help: "Seconds a new connection may take to complete its TLS handshake before it is closed.")
    var handshakeTimeout = 3

    @Option(help: "Seconds before an idle connection is closed (keep it under the API server's webhook timeout).")
    var idleTimeout = 5

    @Option(help: "Seconds a request body may take to arrive.")
    var readTimeout = 10

    @Option(help: "Seconds /readyz reports not ready after SIGTERM before the listener stops.")
    var shutdownDelay = 5

    @Option(help: "Seconds between checks of the certificate files for changes.")
    var reloadInterval = 2

    @Flag(help: "Offer HTTP/1.1 only (no HTTP/2 by ALPN).")
    var noHTTP2 = false

    @Option(help: ArgumentHelp(
        "Merge alerts of the same rule, actor and object within this duration (0, 90s, 10m...); an alert is "
            + "logged when its window closes.", valueName: "duration"))
    var alertWindow = "1m"

    @Option(help: "Most audit events waiting for the alert rules; a POST /audit batch beyond it is dropped (counted and logged).")
    var alertQueueEvents = 50_000

    @Option(help: "Largest accepted POST /audit body, in bytes.")
    var maxAuditBodyBytes = 64 * 1024 * 1024

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        if selfSigned {
            if tlsCert != nil || tlsKey != nil {
                throw ValidationError("--self-signed makes its own certificate: drop --tls-cert and --tls-key")
            }
        } else {
            guard tlsCert != nil, tlsKey != nil else {
                throw ValidationError("give --tls-cert and --tls-key, or --self-signed for a local try-out")
            }
            if printCA || caOut != nil {
                throw ValidationError("--print-ca and --ca-out need --self-signed")
            }
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \(logLevel) is not one of trace, debug, info, notice, warning, error, critical")
        }
        guard (1...65535).contains(port) else { throw ValidationError("--port \(port) is not a TCP port") }
        if AlertsCommand.seconds(alertWindow) == nil {
            throw ValidationError("--alert-window must be a duration such as 0, 90s, 10m or 1h; got \"\(alertWindow)\"")
        }
        guard alertQueueEvents > 0, maxAuditBodyBytes > 0 else {
            throw ValidationError("--alert-queue-events and --max-audit-body-bytes must be positive")
        }
        guard maxBodyBytes > 0, maxDepth > 0, maxConnections > 0, maxConnectionsPerSource > 0, handshakeTimeout > 0,
            idleTimeout > 0
        else {
            throw ValidationError(
                "--max-body-bytes, --max-depth, --max-connections, --max-connections-per-source, --handshake-timeout and --idle-timeout must be positive")
        }
    }

    func run() async throws {
        let policy = try policyOptions.load()
        // The policy's scanner reports, loaded before the first review; a report that cannot be read is logged
        // and the others are used.
        let vulnerabilityReports = policy.vulnerabilities.map(VulnerabilityReportSource.init)
        let engine = try Engine(policy: policy, vulnerabilities: vulnerabilityReports?.store)
        let alertEngine: AlertEngine
        do {
            alertEngine = try AlertEngine(policy: policy)
        } catch {
            printError("\(policy.file ?? "policy"): \(error)")
            throw ExitCode(2)
        }

        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
        let logger = Logger(label: "gatehouse.webhook")

        var configuration = WebhookConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.metricsPort = metricsPort
        configuration.maxBodyBytes = maxBodyBytes
        configuration.maxDepth = maxDepth
        configuration.maxConnections = maxConnections
        configuration.maxConnectionsPerSource = maxConnectionsPerSource
        configuration.handshakeTimeout = .seconds(handshakeTimeout)
        configuration.idleTimeout = .seconds(idleTimeout)
        configuration.readTimeout = .seconds(readTimeout)
        configuration.shutdownDelay = .seconds(shutdownDelay)
        configuration.http2 = !noHTTP2
        configuration.onError = onError
        configuration.alertWindow = AlertsCommand.seconds(alertWindow) ?? 60
        configuration.alertQueueEvents = alertQueueEvents
        configuration.maxAuditBodyBytes = maxAuditBodyBytes

        let store: CertificateStore
        var files: (certificate: String, key: String)?
        if selfSigned {
            let ca = try SelfSignedCA(dnsNames: dnsName)
            if printCA {
                FileHandle.standardOutput.write(Data(ca.caCertificatePEM.utf8))
            }
            if let caOut {
                try ca.caCertificatePEM.write(toFile: caOut, atomically: true, encoding: .utf8)
            }
            store = CertificateStore(try ca.servingCertificate())
        } else if let tlsCert, let tlsKey {
            store = CertificateStore(try ServingCertificate(certificateFile: tlsCert, keyFile: tlsKey))
            files = (tlsCert, tlsKey)
        } else {
            throw ValidationError("give --tls-cert and --tls-key, or --self-signed")
        }
        let clientCAs = try clientCA.map { try WebhookTLS.loadClientCA(file: $0) }

        let server = WebhookServer(
            engine: engine, configuration: configuration, store: store, certificateFiles: files,
            reloadInterval: .seconds(reloadInterval), clientCA: clientCAs, alertEngine: alertEngine,
            vulnerabilityReports: vulnerabilityReports, logger: logger)
        logger.info(
            "starting",
            metadata: [
                "port": .stringConvertible(port), "profile": .string(engine.policy.profile.rawValue),
                "policy": .string(policyOptions.policy ?? "(embedded default)"),
                "rules": .stringConvertible(engine.activeRuleIDs.count), "onError": .string(onError.rawValue),
                "alertRules": .stringConvertible(alertEngine.ruleIDs.count),
            ])
        try await server.run { scheme, boundPort in
            logger.info("listening", metadata: ["scheme": .string(scheme), "port": .stringConvertible(boundPort)])
        }
    }
}

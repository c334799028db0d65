import Foundation
import GatehouseEngine
import GatehouseRules
import KubeModel
import TestSupport
import Testing

/// What Gatehouse ships for `kubectl apply -f manifests/` passes Gatehouse's own rules, and the Helm chart's
/// defaults (charts/gatehouse/values.yaml) say the same thing as those manifests.
///
/// Helm is not a dependency of the build, so the chart is not rendered here: scripts/check-chart.py renders it
/// with Helm's Go SDK, checks that its default rendering equals manifests/, and keeps renderings of its other
/// configurations in Tests/Fixtures/chart-rendered/, which these tests audit. Without Python, the values the
/// templates copy verbatim are still compared with the manifests here, so the two cannot drift apart unseen in
/// what matters for security.
struct ShippedManifestsTests {
    static let root = Repository.root
    static let manifestsDirectory = root.appendingPathComponent("manifests").path
    static let valuesFile = root.appendingPathComponent("charts/gatehouse/values.yaml").path
    /// The chart rendered by Helm (scripts/check-chart.py --write) with cert-manager, the audit CronJob, fail-open.
    static let renderedDirectory = root.appendingPathComponent("Tests/Fixtures/chart-rendered").path

    /// Every object of every file under manifests/, in file-name (apply) order.
    static func loadManifests() throws -> [KubeObject] {
        let names = try FileManager.default.contentsOfDirectory(atPath: manifestsDirectory)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(!names.isEmpty)
        var objects: [KubeObject] = []
        for name in names {
            let path = manifestsDirectory + "/" + name
            let outcome = Manifests.load(contentsOf: path, displayName: "manifests/" + name) { objects.append($0) }
            #expect(outcome.errors.isEmpty, "\(outcome.errors)")
            #expect(outcome.notes.isEmpty, "\(outcome.notes.map(\.message))")
        }
        return objects
    }

    static func engine(_ profile: Profile) throws -> Engine {
        var policy = Policy()
        policy.profile = profile
        return try Engine(policy: policy)
    }

    static func object(_ kind: String, in objects: [KubeObject]) throws -> KubeObject {
        try #require(objects.first { $0.kind == kind }, "manifests/ has no \(kind)")
    }

    @Test func manifestsHoldTheWholeWebhook() throws {
        let kinds = Set(try Self.loadManifests().map(\.kind))
        #expect(
            kinds == [
                "Namespace", "ServiceAccount", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget",
                "NetworkPolicy", "ValidatingWebhookConfiguration", "ResourceQuota", "LimitRange",
            ])
    }

    /// The restricted Pod Security Standard: no finding at all.
    @Test func passPSSRestricted() throws {
        let engine = try Self.engine(.pssRestricted)
        for object in try Self.loadManifests() {
            let findings = engine.evaluate(object)
            #expect(findings.isEmpty, "\(object.kind) \(object.name): \(findings.map { "\($0.ruleID) \($0.path)" })")
        }
    }

    /// The default profile (aks): no finding at all, deny or warn. The image registry allow-list rule reports
    /// nothing only because no allow-list is configured by default; with one, the placeholder registry
    /// registry.example.com must be replaced by (or added to) the allowed registries.
    @Test func passAKS() throws {
        let engine = try Self.engine(.aks)
        var index = ClusterIndex()
        for object in try Self.loadManifests() {
            let findings = engine.evaluate(object)
            #expect(findings.isEmpty, "\(object.kind) \(object.name): \(findings.map { "\($0.ruleID) \($0.path)" })")
            index.add(object)
        }
        // The cross-object rules of the audit: the namespace has NetworkPolicies, a default deny, a
        // LimitRange and a ResourceQuota; the one workload is selected by a policy; its service account has
        // no roles.
        var policy = Policy()
        policy.profile = .aks
        let cross = try CrossObjectEngine(policy: policy).findings(index)
        #expect(cross.isEmpty, "\(cross.map { "\($0.ruleID) \($0.object.displayName): \($0.message)" })")
    }

    /// Every rule Gatehouse has, including those off by default: only the two that depend on where the image
    /// is published (a digest exists only once it is built and pushed; a pull secret only for a private
    /// registry; the chart has image.digest and imagePullSecrets for both), and svc-allowed-ports, whose
    /// default allow-list (80, 443) stands in for the cluster's own and leaves out the metrics port 9090.
    @Test func allRulesFindOnlyImagePublishingChoices() throws {
        let engine = try Self.engine(.all)
        var found: Set<String> = []
        for object in try Self.loadManifests() {
            for finding in engine.evaluate(object) {
                #expect(finding.action != .deny, "\(finding.ruleID) \(finding.path)")
                found.insert(finding.ruleID)
            }
        }
        #expect(found == ["image-digest", "image-pull-secrets", "svc-allowed-ports"])
    }

    /// The policy the webhook mounts is a valid policy file, and it keeps the webhook's own namespace out.
    @Test func shippedPolicyLoads() throws {
        let configMap = try Self.object("ConfigMap", in: try Self.loadManifests())
        let text = try #require(configMap.root.at("data", "policy.yaml")?.stringOnly)
        let policy = try Policy.parse(text, file: "manifests/20-configmap-policy.yaml")
        #expect(policy.profile == .aks)
        #expect(policy.excludedNamespaces.contains("gatehouse"))
        #expect(policy.excludedNamespaces.contains("kube-system"))
    }

    /// The Deployment's wiring: ports, probes, mounts and flags agree with the Service, NetworkPolicy and
    /// PodDisruptionBudget, and with `gatehouse serve`'s flags.
    @Test func deploymentWiring() throws {
        let objects = try Self.loadManifests()
        let deployment = try Self.object("Deployment", in: objects)
        #expect((deployment.root.at("spec", "replicas")?.int ?? 0) >= 2)
        let pod = try #require(deployment.root.at("spec", "template", "spec"))
        let container = try #require(pod["containers"]?[0])
        let args = container["args"]?.items.compactMap(\.string) ?? []
        #expect(args.first == "serve")
        for flag in ["--tls-cert=/certs/tls.crt", "--tls-key=/certs/tls.key", "--policy=/etc/gatehouse/policy.yaml",
                     "--port=8443", "--metrics-port=9090", "--on-error=deny"] {
            #expect(args.contains(flag), "missing \(flag)")
        }
        var ports: [String: Int] = [:]
        for port in items(container["ports"]) {
            if let name = port["name"]?.string, let number = port["containerPort"]?.int { ports[name] = number }
        }
        #expect(ports == ["https": 8443, "metrics": 9090])
        #expect(container.at("readinessProbe", "httpGet", "path")?.string == "/readyz")
        #expect(container.at("livenessProbe", "httpGet", "path")?.string == "/healthz")
        let mounts = Set(items(container["volumeMounts"]).compactMap { $0["mountPath"]?.string })
        #expect(mounts == ["/certs", "/etc/gatehouse"])

        let podLabels = labels(deployment.root.at("spec", "template", "metadata", "labels"))
        let service = try Self.object("Service", in: objects)
        #expect(labels(service.root.at("spec", "selector")).allSatisfy { podLabels[$0.key] == $0.value })
        let targets = Set(items(service.root.at("spec", "ports")).compactMap { $0["targetPort"]?.string })
        #expect(targets == Set(ports.keys))
        let budget = try Self.object("PodDisruptionBudget", in: objects)
        #expect(labels(budget.root.at("spec", "selector", "matchLabels")).allSatisfy { podLabels[$0.key] == $0.value })
        let policy = try #require(objects.first { $0.kind == "NetworkPolicy" && $0.name == "gatehouse" })
        let selected = labels(policy.root.at("spec", "podSelector", "matchLabels"))
        #expect(selected.allSatisfy { podLabels[$0.key] == $0.value })
        let allowed = items(policy.root.at("spec", "ingress"))
            .flatMap { items($0["ports"]).compactMap { $0["port"]?.int } }
        #expect(Set(allowed) == Set(ports.values))
    }

    /// The webhook configuration: both review versions, no side effects, fail closed, kube-system and the
    /// webhook's own namespace never sent, and the Service it calls exists.
    @Test func webhookConfiguration() throws {
        let objects = try Self.loadManifests()
        let configuration = try Self.object("ValidatingWebhookConfiguration", in: objects)
        let webhook = try #require(configuration.root["webhooks"]?[0])
        #expect(webhook["admissionReviewVersions"]?.items.compactMap(\.string) == ["v1", "v1beta1"])
        #expect(webhook["sideEffects"]?.string == "None")
        #expect(webhook["failurePolicy"]?.string == "Fail")
        #expect(webhook.at("clientConfig", "service", "name")?.string == "gatehouse")
        #expect(webhook.at("clientConfig", "service", "namespace")?.string == "gatehouse")
        #expect(webhook.at("clientConfig", "service", "path")?.string == "/validate")
        let expression = try #require(webhook.at("namespaceSelector", "matchExpressions")?[0])
        #expect(expression["key"]?.string == "kubernetes.io/metadata.name")
        #expect(expression["operator"]?.string == "NotIn")
        #expect(Set(expression["values"]?.items.compactMap(\.string) ?? []) == ["kube-system", "gatehouse"])
        let resources = Set(
            items(webhook["rules"]).flatMap { items($0["resources"]).compactMap(\.string) })
        #expect(
            resources == [
                "pods", "pods/ephemeralcontainers", "replicationcontrollers", "podtemplates", "services", "namespaces",
                "configmaps", "secrets", "serviceaccounts", "deployments", "replicasets", "statefulsets", "daemonsets",
                "jobs", "cronjobs", "roles", "rolebindings", "clusterroles", "clusterrolebindings", "ingresses",
                "networkpolicies", "persistentvolumes",
            ])
    }

    /// Every kind a rule judges reaches the webhook, or is listed here with the reason it cannot or should not:
    /// a rule whose kind the configuration leaves out is silently never enforced at admission.
    @Test func everyJudgedKindIsSentToTheWebhook() throws {
        let configuration = try Self.object("ValidatingWebhookConfiguration", in: try Self.loadManifests())
        let sent = Set(
            items(configuration.root["webhooks"]).flatMap { items($0["rules"]) }
                .flatMap { items($0["resources"]).compactMap(\.string) })
        let resourceOfKind = [
            "Pod": "pods", "Service": "services", "Namespace": "namespaces", "ConfigMap": "configmaps",
            "Secret": "secrets", "ServiceAccount": "serviceaccounts", "PersistentVolume": "persistentvolumes",
            "ReplicationController": "replicationcontrollers", "PodTemplate": "podtemplates",
            "Deployment": "deployments", "ReplicaSet": "replicasets", "StatefulSet": "statefulsets",
            "DaemonSet": "daemonsets", "Job": "jobs", "CronJob": "cronjobs", "Role": "roles",
            "RoleBinding": "rolebindings", "ClusterRole": "clusterroles", "ClusterRoleBinding": "clusterrolebindings",
            "Ingress": "ingresses", "NetworkPolicy": "networkpolicies", "Event": "events",
        ]
        let notSent: [String: String] = [
            // The API server never sends webhook configurations to webhooks (no webhook can lock itself out).
            "MutatingWebhookConfiguration": "never sent by the API server",
            "ValidatingWebhookConfiguration": "never sent by the API server",
            // Judged with the namespace's other objects in the audit; admitted alone, there is nothing to compare.
            "LimitRange": "audit only", "ResourceQuota": "audit only",
            // Registered by the kubelet and the cloud provider, not by the users the webhook reviews.
            "Node": "audit only",
            // Third-party CRDs (Secrets Store CSI, External Secrets): not installed in every cluster, and a rule
            // naming a resource the API server does not serve is rejected with the whole configuration.
            "SecretProviderClass": "optional CRD", "ExternalSecret": "optional CRD", "SecretStore": "optional CRD",
            "ClusterSecretStore": "optional CRD",
            // Docker subjects, read from the Docker Engine API by `gatehouse docker audit`: no API server has them.
            "DockerHost": "Docker host", "DockerContainer": "Docker host", "DockerImage": "Docker host",
            // Scanned images come from scanner reports; the webhook judges the pods that run them.
            "ScannedImage": "scanner reports",
        ]
        // deprecated-api judges the apiVersion a manifest is written in. With matchPolicy Equivalent the webhook
        // receives every object converted to the version it registered, so that rule is for files only.
        let judged = Set(
            Registry.rules.filter { $0.description.id != "deprecated-api" }.flatMap { $0.description.scope.kinds })
        let unknown = judged.filter { notSent[$0] == nil && resourceOfKind[$0] == nil }
        #expect(unknown.isEmpty, "add these kinds to the webhook rules or to notSent: \(unknown.sorted())")
        let missing = judged.compactMap { resourceOfKind[$0] }.filter { !sent.contains($0) }
        #expect(missing.isEmpty, "the webhook configuration does not send \(missing.sorted())")
    }

    /// The second webhook entry observes Event deletions (events-deleted) without ever putting the API at risk:
    /// DELETE of events only, fail open, a short timeout, the same service and namespaces as the main entry;
    /// the chart's values describe the same entry.
    @Test func eventDeletionWebhook() throws {
        let objects = try Self.loadManifests()
        let configuration = try Self.object("ValidatingWebhookConfiguration", in: objects)
        let webhooks = items(configuration.root["webhooks"])
        #expect(webhooks.count == 2)
        let main = try #require(webhooks.first)
        let events = try #require(webhooks.last)
        #expect(events["name"]?.string == "events.gatehouse.io")
        #expect(events["name"]?.string != main["name"]?.string)
        #expect(events["failurePolicy"]?.string == "Ignore")
        #expect((events["timeoutSeconds"]?.int ?? 99) <= 3)
        #expect(events["sideEffects"]?.string == "None")
        #expect(canonical(events["clientConfig"]) == canonical(main["clientConfig"]))
        #expect(canonical(events["namespaceSelector"]) == canonical(main["namespaceSelector"]))
        let rules = items(events["rules"])
        #expect(rules.count == 1)
        let rule = try #require(rules.first)
        #expect(rule["operations"]?.items.compactMap(\.string) == ["DELETE"])
        #expect(rule["resources"]?.items.compactMap(\.string) == ["events"])
        #expect(Set(rule["apiGroups"]?.items.compactMap(\.string) ?? []) == ["", "events.k8s.io"])

        let text = try String(contentsOfFile: Self.valuesFile, encoding: .utf8)
        let values = try #require(ParsedYAML.firstDocument(text))
        #expect(values.at("webhook", "eventDeletes", "enabled")?.bool == true)
        #expect(values.at("webhook", "eventDeletes", "name")?.string == events["name"]?.string)
        #expect(values.at("webhook", "eventDeletes", "timeoutSeconds")?.int == events["timeoutSeconds"]?.int)
    }

    /// The chart's values.yaml holds the same security context, resources, replicas, policy and webhook rules
    /// as the manifests, since the chart's templates copy them verbatim (toYaml).
    @Test func chartDefaultsMatchManifests() throws {
        let text = try String(contentsOfFile: Self.valuesFile, encoding: .utf8)
        let values = try #require(ParsedYAML.firstDocument(text), "charts/gatehouse/values.yaml does not parse")
        let objects = try Self.loadManifests()
        let deployment = try Self.object("Deployment", in: objects)
        let pod = try #require(deployment.root.at("spec", "template", "spec"))
        let container = try #require(pod["containers"]?[0])

        #expect(values["replicaCount"]?.int == deployment.root.at("spec", "replicas")?.int)
        #expect(canonical(values["podSecurityContext"]) == canonical(pod["securityContext"]))
        #expect(canonical(values["securityContext"]) == canonical(container["securityContext"]))
        #expect(canonical(values["resources"]) == canonical(container["resources"]))
        #expect(values.at("serve", "port")?.int == 8443)
        #expect(values.at("serve", "metricsPort")?.int == 9090)
        let image = container["image"]?.string
        let chartImage = [values.at("image", "registry")?.string, values.at("image", "repository")?.string]
            .compactMap { $0 }.joined(separator: "/")
        #expect(image?.hasPrefix(chartImage + ":") == true, "\(image ?? "") vs \(chartImage)")

        let configMap = try Self.object("ConfigMap", in: objects)
        #expect(values["policy"]?.stringOnly == configMap.root.at("data", "policy.yaml")?.stringOnly)

        let webhook = try #require(try Self.object("ValidatingWebhookConfiguration", in: objects).root["webhooks"]?[0])
        #expect(canonical(values.at("webhook", "rules")) == canonical(webhook["rules"]))
        #expect(values.at("webhook", "failurePolicy")?.string == webhook["failurePolicy"]?.string)
        #expect(values.at("webhook", "timeoutSeconds")?.int == webhook["timeoutSeconds"]?.int)
        #expect(values.at("webhook", "name")?.string == webhook["name"]?.string)
        #expect(values.at("audit", "enabled")?.bool == false, "the audit CronJob is opt-in")
        let quota = try Self.object("ResourceQuota", in: objects)
        #expect(values.at("resourceQuota", "enabled")?.bool == true)
        #expect(canonical(values.at("resourceQuota", "hard")) == canonical(quota.root.at("spec", "hard")))
        let limitRange = try Self.object("LimitRange", in: objects)
        #expect(values.at("limitRange", "enabled")?.bool == true)
        #expect(canonical(values.at("limitRange", "limits")) == canonical(limitRange.root.at("spec", "limits")))
    }

    static func renderedFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: renderedDirectory)
            .filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static func loadRendered(_ name: String) throws -> [KubeObject] {
        var objects: [KubeObject] = []
        let path = renderedDirectory + "/" + name
        let outcome = Manifests.load(contentsOf: path, displayName: name) { objects.append($0) }
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        return objects
    }

    /// The chart's other configurations, as Helm renders them, pass the same checks, each read as one
    /// cluster: pss-restricted and aks find nothing, per object or across objects.
    @Test func renderedChartConfigurationsPass() throws {
        let names = try Self.renderedFiles()
        #expect(names == [
            "audit.yaml", "cert-manager-cluster-issuer.yaml", "cert-manager.yaml", "fail-open.yaml", "vulnerability-gate.yaml",
        ])
        let restricted = try Self.engine(.pssRestricted)
        let aks = try Self.engine(.aks)
        var policy = Policy()
        policy.profile = .aks
        let crossObject = try CrossObjectEngine(policy: policy)
        for name in names {
            var index = ClusterIndex()
            for object in try Self.loadRendered(name) {
                let findings = restricted.evaluate(object) + aks.evaluate(object)
                let described = findings.map { "\($0.ruleID) \($0.path)" }
                #expect(findings.isEmpty, "\(name) \(object.kind) \(object.name): \(described)")
                index.add(object)
            }
            let cross = crossObject.findings(index)
            #expect(cross.isEmpty, "\(name): \(cross.map { "\($0.ruleID) \($0.object.displayName): \($0.message)" })")
        }
    }

    /// The audit CronJob reads through the API (no kubectl, no export container): it may read, never Secrets,
    /// and write only the two PolicyReport kinds; its one container holds the token.
    @Test func auditCronJobReadsAndWritesOnlyReports() throws {
        let objects = try Self.loadRendered("audit.yaml")
        let role = try #require(objects.first { $0.kind == "ClusterRole" && $0.name == "gatehouse-audit" })
        for rule in items(role.root["rules"]) {
            let verbs = Set(items(rule["verbs"]).compactMap(\.string))
            let resources = Set(items(rule["resources"]).compactMap(\.string))
            #expect(!resources.contains("secrets") && !resources.contains("*"))
            if items(rule["apiGroups"]).compactMap(\.string) == ["wgpolicyk8s.io"] {
                #expect(resources == ["policyreports", "clusterpolicyreports"])
                #expect(verbs == ["get", "list", "create", "patch", "delete"])
            } else {
                #expect(verbs == ["get", "list"])
            }
        }
        let cronJob = try Self.object("CronJob", in: objects)
        let pod = try #require(cronJob.root.at("spec", "jobTemplate", "spec", "template", "spec"))
        #expect(pod["automountServiceAccountToken"]?.bool == false)
        #expect(pod["initContainers"] == nil)
        let containers = items(pod["containers"])
        #expect(containers.compactMap { $0["name"]?.string } == ["audit"])
        let arguments = items(containers.first?["args"]).compactMap(\.string)
        #expect(arguments.prefix(3) == ["audit", "--cluster", "--write-policyreports"])
        #expect(items(containers.first?["volumeMounts"]).contains { $0["name"]?.string == "token" })
    }

    private func labels(_ value: Value?) -> [String: String] {
        var result: [String: String] = [:]
        for (key, item) in pairs(value) {
            if let key = key.string, let text = item.string { result[key] = text }
        }
        return result
    }

    /// A text form of a YAML value that ignores key order and quoting style (`"1"` and `1` differ in
    /// Kubernetes only where the schema says so; here both sides are written alike).
    private func canonical(_ value: Value?) -> String {
        guard let value else { return "<missing>" }
        if value.isMapping {
            let entries = value.pairs.map { "\($0.key.string ?? "?"): \(canonical($0.value))" }.sorted()
            return "{" + entries.joined(separator: ", ") + "}"
        }
        if value.isSequence { return "[" + value.items.map { canonical($0) }.joined(separator: ", ") + "]" }
        if value.isNull { return "null" }
        return value.string ?? "?"
    }
}

/// The items of an optional sequence (none when it is missing or not a sequence).
private func items(_ value: Value?) -> [Value] {
    guard let value, value.isSequence else { return [] }
    return Array(value.items)
}

/// The pairs of an optional mapping (none when it is missing or not a mapping).
private func pairs(_ value: Value?) -> [(key: Value, value: Value)] {
    guard let value, value.isMapping else { return [] }
    return Array(value.pairs)
}

extension ShippedManifestsTests {
    /// The chart's vulnerability-gate configuration mounts the reports where its policy reads them, and the
    /// policy it carries loads with the gate on.
    @Test func vulnerabilityGateConfigurationMountsTheReports() throws {
        let objects = try Self.loadRendered("vulnerability-gate.yaml")
        let deployment = try #require(objects.first { $0.kind == "Deployment" })
        let pod = try #require(PodTemplate(of: deployment))
        let mounts = pod.containers.flatMap { items($0.value["volumeMounts"]) }
        #expect(mounts.contains { $0["mountPath"]?.string == "/etc/gatehouse/vulns" && $0["readOnly"]?.isTrue == true })
        let configMap = try #require(objects.first { $0.kind == "ConfigMap" && $0.name.hasSuffix("-policy") })
        let text = try #require(configMap.root["data"]?["policy.yaml"]?.string)
        let policy = try Policy.parse(text, file: "policy.yaml")
        #expect(policy.vulnerabilities?.reports == ["/etc/gatehouse/vulns"])
        #expect(policy.rules["image-not-scanned"]?.action == .warn)
    }
}

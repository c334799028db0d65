@testable import GatehouseRules
import KubeModel
import Testing

/// Semantics the examples do not pin down: anchoring, defaults, parameter errors, exact messages.
struct CatalogueRulesTests {
    static func object(_ yaml: String) throws -> KubeObject {
        let loaded = Manifests.loadYAML(yaml, file: "test.yaml")
        return try #require(loaded.objects.first)
    }

    static func parameters(_ yaml: String?) -> RuleParameters {
        RuleParameters(yaml.flatMap { ParsedYAML.firstDocument($0) })
    }

    static func findings<R: Rule>(
        _ type: R.Type, _ yaml: String, parameters: String? = nil, request: AdmissionInfo? = nil
    ) throws -> [Finding] {
        try type.init(parameters: Self.parameters(parameters)).evaluate(try object(yaml), request: request)
    }

    static func pod(image: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: shop}
        spec:
          containers:
          - {name: app, image: "\(image)"}
        """
    }

    // MARK: image-allowed-registry

    @Test func allowedRegistryReportsNothingUntilConfigured() throws {
        #expect(try Self.findings(ImageAllowedRegistry.self, Self.pod(image: "evil.example/x:1")).isEmpty)
    }

    @Test(arguments: [
        // Azure-style unanchored pattern: anchored by us, so only whole matches pass.
        ("azurecr\\.io", "myacr.azurecr.io/app:1", false),
        ("[^/]+\\.azurecr\\.io/.+", "myacr.azurecr.io/app:1", true),
        ("[^/]+\\.azurecr\\.io/.+", "evil.example/x.azurecr.io/app:1", false),
        ("^[^/]+\\.azurecr\\.io/.+$", "myacr.azurecr.io/app:1", true),
        ("^[^/]+\\.azurecr\\.io/.+$", "myacr.azurecr.io.evil.example/app:1", false),
        // The normalised form is tried too: `nginx` is docker.io/library/nginx:latest.
        ("docker\\.io/library/nginx:.+", "nginx", true),
        ("docker\\.io/library/nginx:1\\..+", "nginx:1.27", true),
        ("nginx", "nginx:1.27", false),
    ])
    func allowedImagesRegexIsAnchored(_ regex: String, _ image: String, _ allowed: Bool) throws {
        let f = try Self.findings(
            ImageAllowedRegistry.self, Self.pod(image: image), parameters: "{allowedImagesRegex: '\(regex)'}")
        #expect(f.isEmpty == allowed, "\(regex) vs \(image)")
    }

    @Test func allowedRegistryMessageAndContainer() throws {
        let f = try Self.findings(
            ImageAllowedRegistry.self, Self.pod(image: "nginx:1.27"), parameters: "{allowedRegistries: [mcr.microsoft.com]}")
        #expect(f.map(\.message) == [#"container "app" image "nginx:1.27" is not from an allowed registry"#])
        #expect(f.first?.container == "app")
        #expect(f.first?.image == "nginx:1.27")
    }

    @Test func badRegexParameterIsAnError() {
        #expect(throws: ParameterError.self) {
            try ImageAllowedRegistry(parameters: Self.parameters("{allowedImagesRegex: '(unclosed'}"))
        }
    }

    // MARK: image-tag-latest

    @Test(arguments: [
        ("registry:5000/app", false), ("registry:5000/app:1.0", true), ("localhost:5000/team/app", false),
        ("app@sha256:0123abcd", true), ("app:latest@sha256:0123abcd", true), ("app:latest", false),
        ("app:Latest", true), ("app", false),
    ])
    func tagParsing(_ image: String, _ passes: Bool) throws {
        #expect(try Self.findings(ImageTagLatest.self, Self.pod(image: image)).isEmpty == passes, "\(image)")
    }

    @Test func pullPolicyDefaultsLikeTheAPIServer() throws {
        let rule = try ImagePullPolicy(parameters: Self.parameters("{allowedPullPolicy: [IfNotPresent]}"))
        #expect(rule.evaluate(try Self.object(Self.pod(image: "app@sha256:0123abcd"))).isEmpty)
        #expect(rule.evaluate(try Self.object(Self.pod(image: "app:1"))).isEmpty)
        let f = rule.evaluate(try Self.object(Self.pod(image: "registry:5000/app")))
        #expect(
            f.map(\.message) == [
                #"container "app" has imagePullPolicy Always (defaulted for image "registry:5000/app"), allowed: IfNotPresent"#
            ])
    }

    @Test func minerPatternIsBoundedBySeparators() throws {
        #expect(try !Self.findings(ImageMinerDenylist.self, Self.pod(image: "docker.io/someone/xmrig")).isEmpty)
        #expect(try !Self.findings(ImageMinerDenylist.self, Self.pod(image: "ghcr.io/x/cpuminer-opt:1")).isEmpty)
        #expect(try Self.findings(ImageMinerDenylist.self, Self.pod(image: "ghcr.io/x/xmrigger-docs:1")).isEmpty)
        #expect(try Self.findings(ImageMinerDenylist.self, Self.pod(image: "ghcr.io/x/t-rexx:1")).isEmpty)
    }

    // MARK: resources

    static let limitsPod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: shop}
        spec:
          containers:
          - {name: app, image: app:1, resources: {limits: {cpu: 1, memory: 1e9}}}
          - {name: side, image: app:1, resources: {limits: {cpu: 2000m, memory: 1G}}}
          - {name: bad, image: app:1, resources: {limits: {cpu: [1], memory: 1 Gi}}}
        """

    @Test func limitsComparesExactlyAndNamesOffenders() throws {
        let f = try Self.findings(ResourcesLimits.self, Self.limitsPod, parameters: "{cpuLimit: '1', memoryLimit: 1G}")
        #expect(
            f.map(\.message) == [
                #"container "side" has limits.cpu 2000m, above the maximum 1"#,
                #"container "bad" has limits.cpu a non-scalar value, which is not a valid quantity"#,
                #"container "bad" has limits.memory "1 Gi", which is not a valid quantity"#,
            ])
        #expect(f.map(\.container) == ["side", "bad", "bad"])
    }

    @Test func limitsParametersMustBeQuantities() {
        #expect(throws: ParameterError.self) { try ResourcesLimits(parameters: Self.parameters("{memoryLimit: 2gi}")) }
        #expect(throws: ParameterError.self) { try ResourcesLimits(parameters: Self.parameters("{cpuLimit: 1.5.5}")) }
    }

    @Test func limitsMissingMessage() throws {
        let f = try Self.findings(ResourcesLimits.self, Self.pod(image: "app:1"))
        #expect(f.map(\.message) == [#"container "app" has no limits.cpu"#, #"container "app" has no limits.memory"#])
        #expect(f.allSatisfy { $0.position != .unknown })
    }

    // MARK: namespaces

    @Test(arguments: [
        ("ServiceAccount", "default", "", true),
        ("ServiceAccount", "app", "", false),
        ("Service", "kubernetes", "", true),
        ("ConfigMap", "kube-root-ca.crt", "", true),
        ("Secret", "default-token-x", "type: kubernetes.io/service-account-token", true),
        ("Secret", "app-token-x", "type: kubernetes.io/service-account-token", false),
        ("Secret", "opaque", "type: Opaque", false),
    ])
    func defaultNamespaceExceptions(_ kind: String, _ name: String, _ extra: String, _ passes: Bool) throws {
        let saName = name.hasPrefix("default") ? "default" : "app"
        let yaml = """
            apiVersion: v1
            kind: \(kind)
            metadata:
              name: \(name)
              namespace: default
              annotations: {kubernetes.io/service-account.name: \(saName)}
            \(extra)
            """
        #expect(try Self.findings(NsDefaultNamespace.self, yaml).isEmpty == passes, "\(kind) \(name)")
    }

    @Test func defaultNamespaceUsesTheRequestNamespace() throws {
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
        #expect(try Self.findings(NsDefaultNamespace.self, yaml).count == 1)
        let inShop = AdmissionInfo(user: "u", operation: .create, namespace: "shop")
        #expect(try Self.findings(NsDefaultNamespace.self, yaml, request: inShop).isEmpty)
        let inDefault = AdmissionInfo(user: "u", operation: .create, namespace: "default")
        #expect(
            try Self.findings(NsDefaultNamespace.self, yaml, request: inDefault).map(\.message) == [
                #"ConfigMap "c" is in the default namespace"#
            ])
    }

    @Test func requestOnlyRulesAreSilentInTheAuditor() throws {
        let webhook = "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: w}\n"
        #expect(try Self.findings(AdmissionWebhookCreated.self, webhook).isEmpty)
        let delete = AdmissionInfo(user: "mallory", operation: .delete)
        #expect(try Self.findings(AdmissionWebhookCreated.self, webhook, request: delete).isEmpty)
        let create = AdmissionInfo(user: "mallory", operation: .create)
        #expect(
            try Self.findings(AdmissionWebhookCreated.self, webhook, request: create).map(\.message) == [
                #"ValidatingWebhookConfiguration "w" created by mallory"#
            ])
        let coredns = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata: {}\n"
        #expect(try Self.findings(CorednsConfigModified.self, coredns).isEmpty)
        let byController = AdmissionInfo(user: "system:serviceaccount:kube-system:addon-manager", operation: .update)
        #expect(try Self.findings(CorednsConfigModified.self, coredns, request: byController).isEmpty)
        let byUser = AdmissionInfo(user: "alice", operation: .delete)
        #expect(try Self.findings(CorednsConfigModified.self, coredns, request: byUser).count == 1)
    }

    @Test func globs() {
        #expect(Glob("system:serviceaccount:kube-system:*").matches("system:serviceaccount:kube-system:x"))
        #expect(!Glob("system:serviceaccount:kube-system:*").matches("system:serviceaccount:kube-systemx"))
        #expect(Glob("*@example.com").matches("alice@example.com"))
        #expect(Glob("a*b*c").matches("aXXbYYc"))
        #expect(!Glob("a*b*c").matches("aXXbYY"))
        // `*literal*`: a substring anywhere, including at either end or as the whole text.
        for text in ["kube-hunter", "x kube-hunter/1.0", "kube-hunterx", "xkube-hunter"] {
            #expect(Glob("*kube-hunter*").matches(text), "\(text)")
        }
        for text in ["", "kube-hunte", "kube_hunter", "ube-hunter"] {
            #expect(!Glob("*kube-hunter*").matches(text), "\(text)")
        }
        #expect(Glob("**").matches("anything"))
        // Ignoring case: ASCII letters only, in every shape.
        #expect(Glob("*kube-hunter*", ignoringCase: true).matches("x KUBE-Hunter/1"))
        #expect(Glob("botb*", ignoringCase: true).matches("BOTB/0.1") && !Glob("botb*", ignoringCase: true).matches("bot"))
        #expect(Glob("Kubectl", ignoringCase: true).matches("kubectl") && !Glob("kubectl", ignoringCase: true).matches("kubectl2"))
        #expect(Glob("k*b?c", ignoringCase: true).matches("KUBEC") && !Glob("k*b?c", ignoringCase: true).matches("KUBE"))
        #expect(!Glob("*kube-hunter*").matches("KUBE-HUNTER"))
        #expect(Glob("*a*").matches("a") && !Glob("*a*").matches("b"))
        #expect(Matching.keySegment("app") == ".app")
        #expect(Matching.keySegment("kubernetes.azure.com/mode") == #"["kubernetes.azure.com/mode"]"#)
    }

    // MARK: pod rules

    @Test func runAsIdsRejectsBadParameters() {
        #expect(throws: ParameterError.self) { try PodRunAsIds(parameters: Self.parameters("{runAsUserRule: MayRunAs}")) }
        #expect(throws: ParameterError.self) { try PodRunAsIds(parameters: Self.parameters("{fsGroupRule: MustRunAs}")) }
        #expect(throws: ParameterError.self) {
            try PodRunAsIds(parameters: Self.parameters("{fsGroupRule: MustRunAs, fsGroupRanges: [{min: 5, max: 1}]}"))
        }
    }

    @Test func hostPathOverlapDirections() throws {
        let rule = PodHostpathSensitive(parameters: .none)
        func overlaps(_ path: String) -> Bool { rule.overlap(PodHostpathSensitive.components(path)) != nil }
        #expect(overlaps("/"))
        #expect(overlaps("/var"))
        #expect(overlaps("/var/run"))
        #expect(overlaps("/run/containerd"))
        #expect(overlaps("/etc"))
        #expect(overlaps("/etc/kubernetes/pki"))
        #expect(!overlaps("/etc/ssl/certs"))
        #expect(!overlaps("/etc/localtime"))
        #expect(overlaps("/var/lib/kubelet/pods/../pki"))
        #expect(!overlaps("/var/log"))
        #expect(!overlaps("/opt/data"))
        #expect(!overlaps("/home/admins"))
        #expect(!overlaps("/var/lib/kubelet-plugins"))
    }

    // MARK: secrets

    @Test func secretHeuristics() throws {
        // The default name pattern's fast path agrees with the regex on every spelling an attacker might try.
        let pattern = try! RulePattern(SecretHeuristics.defaultNamePattern)
        for name in [
            "password", "DB_PASSWORD", "passwd", "Secret", "x-token-y", "credentials", "apikey", "api_key", "API-KEY",
            "api.key", "api__key", "api--key", "ap_ikey", "privatekey", "PRIVATE_KEY", "private..key", "accesskey",
            "ACCESS-KEY", "access_ke", "keyaccess", "pass_word", "tok en", "apiapikey", "api_api-key", "user", "",
        ] {
            #expect(pattern.words?.found(in: name) == ((try? pattern.regex.firstMatch(in: name)) != nil), "\(name)")
        }
        #expect(SecretHeuristics.detect("key: AKIAABCDEFGHIJKLMNOP") == "an AWS access key")
        #expect(SecretHeuristics.detect("redis://:pw@host") == nil)  // no user part: not matched
        #expect(SecretHeuristics.detect("https://user:pa55@host/x") == "a password in a URL")
        #expect(SecretHeuristics.detect("https://user@host/x") == nil)
        #expect(SecretHeuristics.detect("-----BEGIN OPENSSH PRIVATE KEY-----") == "a private key")
        #expect(SecretHeuristics.detect("-----BEGIN CERTIFICATE-----") == nil)
        #expect(!SecretHeuristics.isLiteral("${DB_PASSWORD}"))
        #expect(!SecretHeuristics.isLiteral("{{ .Values.password }}"))
        #expect(!SecretHeuristics.isLiteral("true"))
        #expect(SecretHeuristics.isLiteral("s3cr3t"))
        let names = try RulePattern(SecretHeuristics.defaultNamePattern)
        #expect(SecretHeuristics.isSecretName("DB_PASSWORD", names))
        #expect(SecretHeuristics.isSecretName("clientSecret", names))
        #expect(!SecretHeuristics.isSecretName("DB_PASSWORD_FILE", names))
        #expect(!SecretHeuristics.isSecretName("LOG_LEVEL", names))
    }

    @Test func profiles() {
        let aks = Set(Registry.ids(in: .aks))
        for id in ["image-allowed-registry", "resources-limits", "pod-readonly-rootfs", "ns-default-namespace"] {
            #expect(aks.contains(id), "\(id) should be in aks")
        }
        for id in ["image-digest", "image-pull-policy", "image-pull-secrets", "deprecated-api", "secret-in-configmap"] {
            #expect(!aks.contains(id), "\(id) is off by default")
            #expect(Registry.ids(in: .all).contains(id))
            #expect(Registry.rule(id: id)?.description.action != .off, "\(id) must run in the all profile")
        }
    }
}

/// Host paths are compared as the node resolves them: spelled differently, a path names the same directory.
struct HostPathNamesTests {
    @Test(arguments: [
        ("/var/run/docker.sock", "/var/run/docker.sock"), ("/var//run/./docker.sock/", "/var/run/docker.sock"),
        ("/var/log/../run/docker.sock", "/var/run/docker.sock"), ("/../../run", "/run"), ("//", "/"), ("/", "/"),
        ("run/crio", "/run/crio"),
    ])
    func normalises(_ path: String, _ expected: String) {
        #expect("/" + HostPathNames.components(path).joined(separator: "/") == expected)
    }

    @Test func runAndVarRunAreOneDirectory() {
        func spellings(_ path: String) -> [String] {
            HostPathNames.spellings(of: HostPathNames.components(path)).map { "/" + $0.joined(separator: "/") }
        }
        #expect(spellings("/var/run/crio/crio.sock") == ["/var/run/crio/crio.sock", "/run/crio/crio.sock"])
        #expect(spellings("/run") == ["/run", "/var/run"])
        #expect(spellings("/var/runner") == ["/var/runner"])
        #expect(spellings("/var") == ["/var"])
    }

    /// `..` cannot climb out of an allowed prefix of pod-hostpath.
    @Test func allowListIsNotEscapedByBacksteps() throws {
        let rule = try PodHostPath(parameters: RuleParameters(ParsedYAML.firstDocument("allowedHostPaths: [{pathPrefix: /var/log}]")))
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - {name: a, image: x}
              volumes:
              - {name: ok, hostPath: {path: /var/log/./pods/}}
              - {name: escape, hostPath: {path: /var/log/../run/containerd/containerd.sock}}
            """
        let object = try #require(Manifests.load(yaml).objects.first)
        #expect(rule.evaluate(object).map(\.path) == ["spec.volumes[1].hostPath.path"])
    }
}

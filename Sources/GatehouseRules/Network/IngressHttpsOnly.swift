import KubeModel

/// ingress-https-only: Ingresses must serve TLS.
public struct IngressHttpsOnly: Rule {
    public static let description = RuleDescription(
        id: "ingress-https-only",
        title: "Ingress must use HTTPS",
        category: .network,
        severity: .high,
        action: .warn,
        scope: .kinds(["Ingress"]),
        profiles: [.aks],
        spec: """
            The class is spec.ingressClassName, else the annotation kubernetes.io/ingress.class. As the Azure Rego:
            - azure/application-gateway: fails without spec.tls and without the annotation \
            appgw.ingress.kubernetes.io/appgw-ssl-certificate;
            - nginx: fails unless (nginx.ingress.kubernetes.io/force-ssl-redirect is "true", or ssl-redirect is \
            not "false" and every rule has a host) and (spec.tls, or auth-tls-secret, or ssl-passthrough "true");
            - any other class (Azure skips them; we do not): fails without spec.tls.
            With a non-empty ingressClasses, only Ingresses of those classes are checked. Reported at spec.tls \
            when TLS is missing, else at the redirect annotation.
            Fields: spec.tls, spec.rules[*].host, spec.ingressClassName, metadata.annotations.
            """,
        rationale: """
            Plain HTTP exposes credentials and session cookies to anyone on the path between client and cluster.
            """,
        remediation: "Add spec.tls with a certificate secret for the hosts, and redirect HTTP to HTTPS.",
        references: [
            .azurePolicy("Kubernetes clusters should be accessible only over HTTPS (1a5b4dca)"),
            .defender("Kubernetes clusters should be accessible only over HTTPS"),
            .other("Polaris tlsSettingsMissing"),
        ],
        parameters: [
            ParameterSpec("ingressClasses", .stringList, default: "[]", "Check only these classes (empty: every Ingress)."),
        ],
        passing: [
            Example(
                """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop, namespace: app}
                spec:
                  ingressClassName: nginx
                  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
                  rules:
                  - host: shop.example.com
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop, namespace: app}
                spec:
                  ingressClassName: traefik
                  rules:
                  - host: shop.example.com
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}
                """,
                paths: ["spec.tls"]),
            Example(
                """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: shop
                  namespace: app
                  annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "false"}
                spec:
                  ingressClassName: nginx
                  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
                  rules:
                  - host: shop.example.com
                """,
                paths: ["metadata.annotations[\"nginx.ingress.kubernetes.io/force-ssl-redirect\"]"]),
        ]
    )

    let classes: Set<String>

    public init(parameters: RuleParameters) {
        classes = Set(parameters.strings("ingressClasses", default: []))
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let spec = object.root["spec"] else { return }
        let ingressClass = spec["ingressClassName"]?.string ?? object.annotation("kubernetes.io/ingress.class") ?? ""
        guard classes.isEmpty || classes.contains(ingressClass) else { return }
        let hasTLS = (spec["tls"]?.count ?? 0) > 0
        func missingTLS(_ detail: String) {
            context.report("Ingress must serve HTTPS: \(detail)", path: "spec.tls", at: spec)
        }
        switch ingressClass {
        case "azure/application-gateway":
            if !hasTLS && object.annotation("appgw.ingress.kubernetes.io/appgw-ssl-certificate") == nil {
                missingTLS("set spec.tls or appgw.ingress.kubernetes.io/appgw-ssl-certificate")
            }
        case "nginx":
            let a = "nginx.ingress.kubernetes.io/"
            let tlsOK = hasTLS || object.annotation(a + "auth-tls-secret") != nil
                || object.annotation(a + "ssl-passthrough") == "true"
            if !tlsOK {
                missingTLS("set spec.tls")
                return
            }
            let rules = spec["rules"]?.items.map { $0 } ?? []
            let everyRuleHasHost = rules.allSatisfy { ($0["host"]?.string ?? "").isEmpty == false }
            let redirect = object.annotation(a + "force-ssl-redirect") == "true"
                || (object.annotation(a + "ssl-redirect") != "false" && everyRuleHasHost)
            if !redirect {
                context.report(
                    "Ingress must redirect HTTP to HTTPS: set \(a)force-ssl-redirect: \"true\"",
                    path: "metadata.annotations[\"\(a)force-ssl-redirect\"]",
                    at: object.metadata?["annotations"] ?? object.root)
            }
        default:
            if !hasTLS { missingTLS("set spec.tls") }
        }
    }
}

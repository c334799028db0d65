import KubeModel

/// secret-env-vars: Secrets reach containers as files, not environment variables.
public struct SecretEnvVars: Rule {
    public static let description = RuleDescription(
        id: "secret-env-vars",
        title: "Secrets as environment variables",
        category: .secrets,
        severity: .low,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            Fails for each env[*].valueFrom.secretKeyRef and each envFrom[*].secretRef in any container \
            (initContainers, containers, ephemeralContainers). One finding per reference.
            Fields: spec.*Containers[*].env[*].valueFrom.secretKeyRef, spec.*Containers[*].envFrom[*].secretRef.
            """,
        rationale: """
            Environment variables leak: into crash dumps and logs, to every child process, and through the \
            container runtime's inspect output. A mounted Secret file can be rotated in place and read only \
            when needed.
            """,
        remediation: "Mount the Secret as a volume (or use the Secrets Store CSI driver) and read it from the file.",
        references: [
            .cis("5.4.1 [AKS 4.5.1]"),
            .other("Polaris sensitiveContainerEnvVar (pattern-based), KSV (secrets in env)"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  volumes:
                  - {name: creds, secret: {secretName: db}}
                  containers:
                  - name: app
                    image: app:1
                    env: [{name: MODE, value: prod}, {name: CFG, valueFrom: {configMapKeyRef: {name: cfg, key: a}}}]
                    volumeMounts: [{name: creds, mountPath: /run/secrets/db, readOnly: true}]
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      containers:
                      - name: app
                        image: app:1
                        env:
                        - {name: MODE, value: prod}
                        - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
                        envFrom:
                        - configMapRef: {name: cfg}
                        - secretRef: {name: api}
                """,
                paths: [
                    "spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef",
                    "spec.template.spec.containers[0].envFrom[1].secretRef",
                ]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template else { return }
        for container in template.containers {
            for (i, env) in (container.value["env"]?.items).map(Array.init)?.enumerated() ?? [].enumerated() {
                guard let ref = env["valueFrom"]?["secretKeyRef"] else { continue }
                let secret = ref["name"]?.string ?? ""
                context.report(
                    "container \"\(container.name)\" reads Secret \"\(secret)\" into env \(env["name"]?.string ?? "")",
                    path: container.path("env[\(i)].valueFrom.secretKeyRef"), at: ref, container: container)
            }
            for (i, source) in (container.value["envFrom"]?.items).map(Array.init)?.enumerated() ?? [].enumerated() {
                guard let ref = source["secretRef"] else { continue }
                context.report(
                    "container \"\(container.name)\" loads Secret \"\(ref["name"]?.string ?? "")\" into its environment",
                    path: container.path("envFrom[\(i)].secretRef"), at: ref, container: container)
            }
        }
    }
}

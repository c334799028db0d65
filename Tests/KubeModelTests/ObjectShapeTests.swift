import KubeModel
import Testing

private func shapeErrors(_ yaml: String) throws -> [String] {
    let (objects, outcome) = Manifests.load(yaml, file: "x.yaml", checkShapes: false)
    #expect(outcome.errors.isEmpty)
    let object = try #require(objects.first)
    return ObjectShape.problems(of: object).map(\.description)
}

struct ObjectShapeTests {
    @Test func wellFormedWorkloadsHaveNoProblems() throws {
        #expect(try shapeErrors("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, labels: {app: web}, annotations: {a: "1"}}
            spec:
              template:
                metadata: {labels: {app: web}}
                spec:
                  hostNetwork: false
                  securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
                  containers:
                  - name: app
                    image: nginx
                    ports: [{containerPort: 80}]
                    env: [{name: A, value: b}]
                    resources: {limits: {cpu: 500m, memory: 1Gi}, requests: {cpu: 1}}
                    securityContext:
                      privileged: false
                      capabilities: {drop: [ALL]}
                  volumes:
                  - name: data
                    emptyDir: {}
                  initContainers: null
            """).isEmpty)
    }

    @Test func containersAsAString() throws {
        #expect(try shapeErrors("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers: nginx
            """) == ["x.yaml:5:15: spec.containers must be a list of containers, found a string"])
    }

    @Test func wrongTypesAlongTheWay() throws {
        #expect(try shapeErrors("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: [web]
            spec:
              template: web
            """) == [
                "x.yaml:3:11: metadata must be a mapping, found a list",
                "x.yaml:5:13: spec.template must be a mapping, found a string",
            ])
        #expect(try shapeErrors("""
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: c}
            spec:
              jobTemplate:
                spec:
                  template:
                    spec: [1, 2]
            """) == ["x.yaml:8:15: spec.jobTemplate.spec.template.spec must be a mapping, found a list"])
    }

    @Test func wrongTypesInsideThePodSpec() throws {
        let errors = try shapeErrors("""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: d
              labels: {version: 1.0, ok: "x"}
            spec:
              template:
                spec:
                  hostPID: "true"
                  securityContext: [runAsNonRoot]
                  volumes: {name: data}
                  initContainers:
                  - just-a-string
                  containers:
                  - name: app
                    image: 42
                    securityContext:
                      privileged: "true"
                      capabilities: {add: NET_ADMIN}
                    ports: [80]
                    resources: {limits: [cpu]}
                  ephemeralContainers: 7
            """)
        #expect(errors == [
            "x.yaml:5:21: metadata.labels.version must be a string, found a number (quote it)",
            "x.yaml:13:9: spec.template.spec.initContainers[0] must be a container (a mapping), found a string",
            "x.yaml:16:16: spec.template.spec.containers[0].image must be a string, found a number",
            "x.yaml:18:23: spec.template.spec.containers[0].securityContext.privileged must be true or false, found a string",
            "x.yaml:19:31: spec.template.spec.containers[0].securityContext.capabilities.add must be a list of capability names, found a string",
            "x.yaml:20:17: spec.template.spec.containers[0].ports[0] must be a port (a mapping), found a number",
            "x.yaml:21:29: spec.template.spec.containers[0].resources.limits must be a mapping, found a list",
            "x.yaml:22:28: spec.template.spec.ephemeralContainers must be a list of containers, found a number",
            "x.yaml:11:16: spec.template.spec.volumes must be a list of volumes, found a mapping",
            "x.yaml:9:16: spec.template.spec.hostPID must be true or false, found a string",
            "x.yaml:10:24: spec.template.spec.securityContext must be a mapping, found a list",
        ])
    }

    @Test func workloadCRDsAreCheckedThroughTheirPodTemplate() throws {
        #expect(try shapeErrors("""
            apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata: {name: r}
            spec:
              template:
                spec:
                  containers:
                  - name: app
                    securityContext: privileged
            """) == [
                "x.yaml:9:26: spec.template.spec.containers[0].securityContext must be a mapping, found a string"
            ])
    }

    @Test func theLoaderReportsShapeProblemsAsErrorsAndStillDeliversTheObject() {
        let (objects, outcome) = Manifests.load("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":"nginx"}}
            """, file: "pod.json")
        #expect(objects.count == 1)
        #expect(outcome.errors.map(\.description) == [
            "pod.json:1:78: spec.containers must be a list of containers, found a string"
        ])
    }
}

import KubeModel
import Testing

struct ImageReferenceTests {
    @Test(arguments: [
        ("nginx", "docker.io/library/nginx:latest"),
        ("nginx:1.27", "docker.io/library/nginx:1.27"),
        ("docker.io/library/nginx", "docker.io/library/nginx:latest"),
        ("bitnami/redis:7", "docker.io/bitnami/redis:7"),
        ("myacr.azurecr.io/team/app:v2", "myacr.azurecr.io/team/app:v2"),
        ("localhost:5000/app", "localhost:5000/app:latest"),
        ("registry.k8s.io/pause@sha256:abc", "registry.k8s.io/pause@sha256:abc"),
        ("ghcr.io/o/r:1.0@sha256:abc", "ghcr.io/o/r:1.0@sha256:abc"),
    ])
    func normalises(_ input: String, _ expected: String) throws {
        #expect(try #require(ImageReference(input)).normalized == expected)
    }

    @Test func exemptionPatterns() throws {
        let image = try #require(ImageReference("docker.io/library/nginx:latest"))
        #expect(image.matches("nginx"))
        #expect(image.matches("nginx:latest"))
        #expect(!image.matches("nginx:1.27"))
        #expect(image.matches("docker.io/library/*"))
        #expect(!image.matches("nginxinc/nginx"))
        #expect(try #require(ImageReference("mcr.microsoft.com/oss/istio/proxyv2:1.20")).matches("mcr.microsoft.com/oss/*"))
    }
}

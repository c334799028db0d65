import KubeModel
import Testing

struct ImagePrefixTests {
    @Test func registryWithPortAndNoTag() throws {
        let image = try #require(ImageReference("registry:5000/app"))
        #expect(image.registry == "registry:5000")
        #expect(image.repository == "app")
        #expect(image.tag == nil)
        #expect(image.effectiveTag == "latest")
        let tagged = try #require(ImageReference("registry:5000/team/app:1.2"))
        #expect(tagged.registry == "registry:5000")
        #expect(tagged.tag == "1.2")
    }

    @Test func digestWithoutTag() throws {
        let image = try #require(ImageReference("ghcr.io/o/r@sha256:0123abcd"))
        #expect(image.tag == nil)
        #expect(image.digest == "sha256:0123abcd")
        #expect(image.effectiveTag == nil)
    }

    @Test(arguments: [
        ("myacr.azurecr.io/team/app:v2", "myacr.azurecr.io", true),
        ("MyACR.azurecr.io/team/app:v2", "myacr.azurecr.io", true),
        ("myacr.azurecr.io.evil.example/app:1", "myacr.azurecr.io", false),
        ("evil.example/myacr.azurecr.io/app:1", "myacr.azurecr.io", false),
        ("registry:5000/app", "registry:5000", true),
        ("registry:5000/app", "registry:500", false),
        ("bitnami/redis:7", "docker.io/bitnami", true),
        ("bitnami/redis:7", "bitnami", true),
        ("docker.io/bitnamii/redis:7", "docker.io/bitnami", false),
        ("nginx:1.27", "nginx", true),
        ("nginx:1.27", "docker.io/library", true),
        ("nginxinc/nginx:1", "nginx", false),
        ("mcr.microsoft.com/oss/istio/proxyv2:1.20", "mcr.microsoft.com/oss/", true),
        ("mcr.microsoft.com/oss/istio/proxyv2:1.20", "mcr.microsoft.com/oss/*", true),
        ("mcr.microsoft.com/ossx/app:1", "mcr.microsoft.com/oss", false),
        ("nginx:1.27", "nginx:1.27", true),
        ("nginx:1.28", "nginx:1.27", false),
        ("nginx:1.27", "", false),
    ])
    func isUnder(_ image: String, _ prefix: String, _ expected: Bool) throws {
        #expect(try #require(ImageReference(image)).isUnder(prefix) == expected)
    }
}

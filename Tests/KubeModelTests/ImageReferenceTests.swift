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

    /// Printable-ASCII references take a byte-level parser; anything with surrounding whitespace takes the
    /// general one. Both must read every reference the same way.
    @Test(arguments: [
        "nginx", "nginx:1.27", "Nginx", "docker.io/library/nginx", "index.docker.io/nginx", "INDEX.DOCKER.IO/x/y",
        "registry-1.docker.io/a/b:1", "bitnami/redis:7", "MyACR.azurecr.io/Team/App:v2", "localhost/app",
        "localhost:5000/app", "LOCALHOST/app", "host:5000", "a:b:c", "a/b:c/d", "registry.k8s.io/pause@sha256:abc",
        "ghcr.io/o/r:1.0@sha256:abc", "@sha256:x", ":tag", "/", "a/", "x@y@z", "r.io/p:1@", "r.io:80/p",
    ])
    func byteParserAgreesWithGeneralParser(_ input: String) {
        let fast = ImageReference(input)
        let general = ImageReference(" " + input + "\t")
        #expect(fast == general)
        #expect(fast?.normalized == general?.normalized)
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

    /// `*` is the glob that matches every normalised reference, as in every other pattern of a policy.
    @Test func starMatchesEveryImage() throws {
        for text in ["nginx", "ghcr.io/org/app:1.0", "registry.k8s.io/pause@sha256:" + String(repeating: "a", count: 64)] {
            #expect(try #require(ImageReference(text)).matches("*"))
        }
    }

    /// `*` is every image; `registry/*` every image of the registry, Docker Hub's official images included.
    @Test(arguments: [
        ("*", "nginx", true), ("*", "myacr.azurecr.io/team/app@sha256:abc", true), ("**", "localhost:5000/x", true),
        ("docker.io/*", "nginx", true), ("docker.io/*", "bitnami/redis:7", true),
        ("docker.io/*", "docker.io/library/nginx:latest", true), ("index.docker.io/*", "bitnami/redis", true),
        ("docker.io/*", "ghcr.io/o/r:1", false), ("docker.io/*", "docker.io.evil.example/x", false),
        ("localhost:5000/*", "localhost:5000/team/app", true), ("localhost:5000/*", "localhost:5001/app", false),
        ("nginx", "docker.io/library/nginx:latest", true), ("docker.io/library/nginx:latest", "nginx", true),
        ("nginx", "nginxinc/nginx", false), ("bitnami/*", "bitnami/redis", true), ("bitnami/*", "nginx", false),
        ("myacr.azurecr.io/team/*", "myacr.azurecr.io/team/app:1", true), ("myacr.azurecr.io/team/*", "nginx", false),
        ("myacr.azurecr.io/team/*", "myacr.azurecr.io/teammate/app", false), ("UPPER CASE*", "nginx", false),
    ])
    func wildcardPatterns(_ pattern: String, _ image: String, _ expected: Bool) throws {
        #expect(try #require(ImageReference(image)).matches(pattern) == expected)
    }

    /// Allow-lists (`isUnder`): `*` admits every image, `docker.io/*` all of Docker Hub.
    @Test func allowListWildcards() throws {
        for image in ["nginx", "docker.io/library/nginx:latest", "ghcr.io/o/r:1", "localhost:5000/a"] {
            #expect(try #require(ImageReference(image)).isUnder("*"), "\(image)")
        }
        #expect(try #require(ImageReference("nginx")).isUnder("docker.io/*"))
        #expect(try #require(ImageReference("bitnami/redis")).isUnder("docker.io/*"))
        #expect(try #require(ImageReference("nginx")).isUnder("nginx"))
        #expect(try !#require(ImageReference("ghcr.io/o/r:1")).isUnder("docker.io/*"))
    }
}

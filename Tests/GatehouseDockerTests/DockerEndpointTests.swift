import GatehouseDocker
import Testing

/// `--host` and `DOCKER_HOST` as the docker CLI reads them.
struct DockerEndpointTests {
    @Test func unixSocket() throws {
        let endpoint = try DockerEndpoint("unix:///var/run/docker.sock")
        #expect(endpoint.socketPath == "/var/run/docker.sock")
        #expect(endpoint.description == "unix:///var/run/docker.sock")
    }

    @Test func tcpPortsDefaultAsTheCLIDoes() throws {
        #expect(try DockerEndpoint("tcp://10.0.0.5").description == "tcp://10.0.0.5:2375")
        let tls = DockerEndpoint.TLSFiles(caCertificate: "ca.pem", certificate: nil, key: nil)
        #expect(try DockerEndpoint("tcp://10.0.0.5", tls: tls).description == "tcp://10.0.0.5:2376")
        #expect(try DockerEndpoint("tcp://[::1]:2376").description == "tcp://[::1]:2376")
    }

    @Test(arguments: ["unix://relative.sock", "http://host:2375", "tcp://host:0", "tcp://host:99999", "tcp://:2375", "ssh://user@host"])
    func refused(_ text: String) {
        #expect(throws: DockerError.self) { try DockerEndpoint(text) }
    }
}

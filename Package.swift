// swift-tools-version: 6.2
import PackageDescription

// Gatehouse builds and is tested on Linux, where it ships (a container image): the loader maps files with
// Linux's madvise flags and the thread kit starts pthreads through Glibc. No Apple platform is built or
// tested, so none is declared. Each target lists every module it imports.
let package = Package(
    name: "gatehouse",
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
        .library(name: "GatehouseEngine", targets: ["GatehouseEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // The system libyaml, driven at the event level by KubeModel.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // The system zlib, for gzip-compressed (rotated) audit logs.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .target(name: "KubeModel", dependencies: ["CYAML", "CZlib"]),
        .target(name: "GatehouseRules", dependencies: ["KubeModel"]),
        .target(name: "GatehouseEngine", dependencies: ["GatehouseRules", "KubeModel"]),
        .target(name: "GatehouseReports", dependencies: ["GatehouseEngine", "GatehouseRules", "KubeModel"]),
        .target(
            name: "GatehouseAudit", dependencies: ["GatehouseEngine", "GatehouseReports", "GatehouseRules", "KubeModel"]),
        // Docker hosts: the Engine API client (AsyncHTTPClient over the unix socket or TLS), host files, exports,
        // and the `docker audit` / `docker watch` requests.
        .target(
            name: "GatehouseDocker",
            dependencies: [
                "GatehouseEngine", "GatehouseReports", "GatehouseRules", "KubeModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The Kubernetes API client: kubeconfig and in-cluster credentials, discovery, paged lists into a
        // snapshot folder (`audit --cluster`), and server-side apply of PolicyReports.
        .target(
            name: "GatehouseKubeAPI",
            dependencies: [
                "GatehouseAudit", "GatehouseReports", "KubeModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "GatehouseWebhook",
            dependencies: [
                "GatehouseEngine", "GatehouseReports", "GatehouseRules", "KubeModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "gatehouse",
            dependencies: [
                "GatehouseAudit", "GatehouseDocker", "GatehouseKubeAPI", "GatehouseReports", "GatehouseEngine",
                "GatehouseRules", "KubeModel", "GatehouseWebhook",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks of inner paths (cross-object analysis, one admission review), kept out of the shipped
        // command; scripts/bench-cluster.sh and scripts/bench-webhook.sh build and run it.
        .executableTarget(
            name: "gatehouse-bench",
            dependencies: [
                "GatehouseAudit", "GatehouseEngine", "GatehouseRules", "GatehouseWebhook", "KubeModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/GatehouseBench"
        ),
        // One function per fuzz target (input bytes through a product path), shared by the fuzz driver and by
        // the tests that replay committed crash inputs; see docs/fuzzing.md.
        .target(
            name: "GatehouseFuzzTargets",
            dependencies: ["GatehouseAudit", "GatehouseEngine", "GatehouseRules", "GatehouseWebhook", "KubeModel"]
        ),
        // What every test target shares: repository paths, fixtures, the shared corpus, scratch directories.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "KubeModelTests", dependencies: ["KubeModel", "TestSupport"]),
        .testTarget(name: "GatehouseRulesTests", dependencies: ["GatehouseRules", "KubeModel", "TestSupport"]),
        .testTarget(
            name: "GatehouseEngineTests", dependencies: ["GatehouseEngine", "GatehouseRules", "KubeModel", "TestSupport"]),
        .testTarget(
            name: "GatehouseReportsTests",
            dependencies: ["GatehouseReports", "GatehouseEngine", "GatehouseRules", "KubeModel", "TestSupport"]),
        .testTarget(
            name: "GatehouseAuditTests",
            dependencies: ["GatehouseAudit", "GatehouseReports", "GatehouseEngine", "GatehouseRules", "KubeModel", "TestSupport"]),
        .testTarget(
            name: "GatehouseDockerTests",
            dependencies: ["GatehouseDocker", "GatehouseEngine", "GatehouseReports", "GatehouseRules", "KubeModel", "TestSupport"]),
        // Runs the built `gatehouse` as a user does; the dependency makes `swift test` build it first.
        .testTarget(name: "GatehouseCLITests", dependencies: ["gatehouse", "TestSupport"]),
        // The API client against a loopback HTTPS server that stands in for the Kubernetes API server.
        .testTarget(
            name: "GatehouseKubeAPITests",
            dependencies: [
                "gatehouse", "GatehouseKubeAPI", "GatehouseAudit", "GatehouseReports", "GatehouseWebhook", "KubeModel",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(name: "GatehouseFuzzTargetsTests", dependencies: ["GatehouseFuzzTargets", "TestSupport"]),
        .testTarget(
            name: "GatehouseWebhookTests",
            dependencies: [
                "GatehouseWebhook", "GatehouseEngine", "GatehouseRules", "KubeModel", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer driver, declared only for scripts/fuzz.sh (GATEHOUSE_FUZZ=1), which builds it with
// `-sanitize=fuzzer,address` into its own scratch folder: normal builds and `swift test` never need the
// sanitizer runtimes.
if Context.environment["GATEHOUSE_FUZZ"] == "1" {
    package.targets += [
        .systemLibrary(name: "CLibFuzzer"),
        .executableTarget(name: "GatehouseFuzz", dependencies: ["CLibFuzzer", "GatehouseFuzzTargets"]),
    ]
    package.products += [.executable(name: "gatehouse-fuzz", targets: ["GatehouseFuzz"])]
}

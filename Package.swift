// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
        .library(name: "GatehouseEngine", targets: ["GatehouseEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The system libyaml, driven at the event level by KubeModel.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .target(name: "KubeModel", dependencies: ["CYAML"]),
        .target(name: "GatehouseRules", dependencies: ["KubeModel"]),
        .target(name: "GatehouseEngine", dependencies: ["GatehouseRules"]),
        .target(name: "GatehouseReports", dependencies: ["GatehouseEngine"]),
        .target(name: "GatehouseAudit", dependencies: ["GatehouseEngine", "GatehouseReports"]),
        .executableTarget(
            name: "gatehouse",
            dependencies: [
                "GatehouseAudit", "GatehouseReports", "GatehouseEngine", "GatehouseRules", "KubeModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "KubeModelTests", dependencies: ["KubeModel"]),
        .testTarget(name: "GatehouseRulesTests", dependencies: ["GatehouseRules"]),
        .testTarget(name: "GatehouseEngineTests", dependencies: ["GatehouseEngine"]),
        .testTarget(name: "GatehouseReportsTests", dependencies: ["GatehouseReports"]),
        .testTarget(name: "GatehouseAuditTests", dependencies: ["GatehouseAudit"]),
    ],
    swiftLanguageModes: [.v6]
)

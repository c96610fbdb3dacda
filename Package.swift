// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "CAS",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cas", targets: ["cas"]),
        .executable(name: "cas-admin", targets: ["cas-admin"]),
        .library(name: "CASCore", targets: ["CASCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // libarchive's headers (libarchive-dev); the library itself is loaded on first use, see CArchive.h.
        .target(name: "CArchive", linkerSettings: [.linkedLibrary("dl")]),
        // kdump page decompressors (liblzo2-dev, libsnappy-dev, libzstd-dev headers), each loaded on first use.
        .target(name: "CLZO", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "CSnappy", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "CZstd", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            // Headers only: libcurl is loaded on first use (see Sources/CCurl/shim.h), so no pkg-config link flags.
            name: "CCurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "CASCore",
            dependencies: [
                "CArchive",
                "CLZO",
                "CSnappy",
                "CZstd",
                "CZlib",
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CASCLI",
            dependencies: [
                "CASCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "cas", dependencies: ["CASCLI", "CASCore"], swiftSettings: strict),
        .executableTarget(name: "cas-admin", dependencies: ["CASCLI", "CASCore"], swiftSettings: strict),
        // libFuzzer harness for the binary parsers (`make fuzz`); a plain build replays files given as arguments.
        .executableTarget(name: "CASFuzz", dependencies: ["CASCore"], swiftSettings: strict),
        .target(name: "CASTestSupport", path: "Tests/CASTestSupport", swiftSettings: strict),
        .testTarget(
            name: "CASCoreTests",
            dependencies: ["CASCore", "CASTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "CASCLI", "CASCore", "CASTestSupport", "cas", "cas-admin",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
    ]
)

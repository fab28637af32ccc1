// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "CanCuoc",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cancuoc", targets: ["cancuoc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64.git", from: "1.2.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
    ],
    targets: [
        .target(
            name: "CanCuocCore",
            resources: [.copy("Resources")]
        ),
        // libqrencode (Debian libqrencode-dev) for the card's QR code, zlib for the PNG it is drawn into.
        .systemLibrary(name: "CQRencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "CanCuocChip",
            dependencies: [
                "CanCuocCore", "CQRencode", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                // PBKDF2 and AES-CBC, for private keys in standard encrypted PKCS#8 (PBES2).
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "CanCuocStore",
            dependencies: [
                "CanCuocCore",
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CanCuocSQLite",
            dependencies: [
                "CanCuocCore", "CanCuocStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CanCuocPostgres",
            dependencies: [
                "CanCuocCore", "CanCuocStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // Only for ConnectionPoolError, which PostgresClient throws when it cannot connect.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CanCuocServer",
            dependencies: [
                "CanCuocCore", "CanCuocChip", "CanCuocStore",
                // The console's biometric capture form (multipart/form-data).
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "cancuoc",
            dependencies: [
                "CanCuocCore", "CanCuocChip", "CanCuocStore", "CanCuocSQLite", "CanCuocPostgres", "CanCuocServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "CanCuocCoreTests", dependencies: ["CanCuocCore"]),
        .testTarget(name: "CanCuocChipTests", dependencies: [
            "CanCuocCore", "CanCuocChip",
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "CanCuocStoreTests", dependencies: [
            "CanCuocCore", "CanCuocStore", "CanCuocSQLite", "CanCuocPostgres",
            // Raw SQL, to tamper with the audit trail behind the store's back.
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .testTarget(name: "CanCuocPostgresTests", dependencies: ["CanCuocCore", "CanCuocStore", "CanCuocPostgres", .product(name: "PostgresNIO", package: "postgres-nio")]),
        .testTarget(name: "CanCuocSQLiteTests", dependencies: ["CanCuocCore", "CanCuocStore", "CanCuocSQLite", "CanCuocTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        // What several test targets share (not part of any product).
        .target(name: "CanCuocTestSupport", dependencies: ["CanCuocStore", .product(name: "GRDB", package: "GRDB.swift")], path: "Tests/CanCuocTestSupport"),
        .testTarget(
            name: "CanCuocServerTests",
            dependencies: [
                "CanCuocCore", "CanCuocStore", "CanCuocSQLite", "CanCuocPostgres", "CanCuocServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                "CanCuocTestSupport",
            ]
        ),
        .testTarget(name: "cancuocTests", dependencies: ["cancuoc", .product(name: "GRDB", package: "GRDB.swift")]),
    ],
    swiftLanguageModes: [.v6]
)

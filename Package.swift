// swift-tools-version:6.0
// JudgeLab: find the LLM-judge prompt that agrees best with human labels, at the lowest cost.
// Linux only: the HTTP transport's event loop is epoll (Sources/JudgeLabHTTP/CurlTransport.swift).
import PackageDescription

// CI (`.ci/run` sets CI) builds JudgeLab's own targets with warnings as errors; dependencies are
// built as they are.
let strict: [SwiftSetting] = Context.environment["CI"] != nil ? [.unsafeFlags(["-warnings-as-errors"])] : []

let package = Package(
    name: "judgelab",
    products: [
        .executable(name: "judgelab", targets: ["JudgeLabCLI"]),
        .library(name: "JudgeLab", targets: ["JudgeLab"]),
        .library(name: "JudgeLabTesting", targets: ["JudgeLabTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        // C libraries, exposed through pkg-config.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // Typed one-line wrappers for libcurl's variadic functions, which Swift cannot call.
        .target(name: "CCurlShim", dependencies: ["CCurl"]),

        // The domain: pairs and labels, templates and variants, sampling, metrics, reports.
        // No network code lives here.
        .target(name: "JudgeLab", dependencies: [
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], resources: [.copy("Resources/Samples"), .copy("Resources/prices.yaml"), .copy("Resources/ReportTemplates")],
        swiftSettings: strict),
        // The edges: HTTP over libcurl, XML over libxml2.
        .target(name: "JudgeLabHTTP", dependencies: ["JudgeLab", "CCurl", "CCurlShim"], swiftSettings: strict),
        .target(name: "JudgeLabXML", dependencies: ["JudgeLab", "CLibXML2"], resources: [.copy("Resources/report-1.xsd")],
                swiftSettings: strict),
        // The disk: the run store (journal) and the response cache, in SQLite.
        .target(name: "JudgeLabStore", dependencies: ["JudgeLab", "CSQLite"], swiftSettings: strict),

        // Test doubles users can import too: an in-memory run store, a virtual clock, a scripted
        // judge, a simulated judge and its search trials, and the loopback test server's launcher.
        .target(name: "JudgeLabTesting", dependencies: [
            "JudgeLab", "JudgeLabHTTP", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),

        // The `judgelab` command: argument parsing only.
        .executableTarget(name: "JudgeLabCLI", dependencies: [
            "JudgeLab", "JudgeLabHTTP", "JudgeLabXML", "JudgeLabStore", "JudgeLabTesting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),

        // Tests. Helpers every test target shares (temporary folders, the repository's paths, the
        // built binary, headless Chromium, llama.cpp's launcher) are a target of their own.
        .target(name: "JudgeLabTestSupport", dependencies: ["JudgeLab", "JudgeLabTesting"], path: "Tests/JudgeLabTestSupport",
                swiftSettings: strict),
        // The library's own logic, in the process: parsers, metrics, templates, providers' bodies, the run loop.
        .testTarget(name: "JudgeLabTests", dependencies: ["JudgeLab", "JudgeLabTesting", "JudgeLabTestSupport"], swiftSettings: strict),
        // The edges: libcurl's transport and the C libraries' wrappers.
        .testTarget(name: "JudgeLabEdgeTests", dependencies: [
            "JudgeLab", "JudgeLabHTTP", "JudgeLabXML", "JudgeLabTesting", "JudgeLabTestSupport",
        ], swiftSettings: strict),
        // End to end: the judgelab binary against the test servers, the SQLite store, reports, the live judge.
        .testTarget(name: "JudgeLabCommandTests", dependencies: [
            "JudgeLab", "JudgeLabHTTP", "JudgeLabXML", "JudgeLabStore", "JudgeLabTesting", "JudgeLabTestSupport", "JudgeLabCLI",
        ], swiftSettings: strict),
    ]
)

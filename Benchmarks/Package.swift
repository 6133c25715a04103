// swift-tools-version:6.1
// JudgeLab's micro-benchmarks (ordo-one's benchmark): the hot paths of the library, measured
// apart from the network. Its own package, so that `swift build` at the root stays fast.
// Run: `swift package --scratch-path ../.build-bench benchmark` (or `make bench` at the root).
import Foundation
import PackageDescription

// A path dependency is named after its folder: find the root package's name from where this file is.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "judgelab-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "JudgeLabBenchmarks",
            dependencies: [
                .product(name: "JudgeLab", package: root),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/JudgeLabBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)

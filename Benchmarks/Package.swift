// swift-tools-version: 6.1
//
// Benchmarks for mbc, in a nested package so that package-benchmark (and its malloc
// interposer) is never compiled by the main package's `swift build` or `swift test`.
// Run from this folder:  swift package --allow-writing-to-package-directory benchmark
// (or `make bench` at the top level).
import Foundation
import PackageDescription

// A path dependency's identity is its folder name, which depends on where the repository
// was cloned; read it here so that product references work in any checkout.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

let package = Package(
  name: "mbc-benchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(path: ".."),
    // MallocInterposer: package-benchmark's default trait needs a package not available here
    // (see ../shared/swift-notes.md §2); malloc counts still work with it.
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    .executableTarget(
      name: "EngineBenchmarks",
      dependencies: [
        .product(name: "MBCEngine", package: root),
        .product(name: "MBCScenario", package: root),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/EngineBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
  ]
)

// swift-tools-version: 6.1
//
// Benchmarks for mbc, in a nested package so that package-benchmark (and its malloc
// interposer) is never compiled by the main package's `swift build` or `swift test`.
// Run from the top level:
//   make bench             every benchmark, full length
//   make bench-check       short run, checked against the stored thresholds (Thresholds/)
//   make bench-thresholds  re-record Thresholds/ on this machine
// or from this folder: swift package --allow-writing-to-package-directory benchmark
// (see docs/performance.md).
//
// Targets (each an executable in Benchmarks/<Name> with the BenchmarkPlugin):
//   RandomBenchmarks    the generator (xoshiro256++, keyed re-seed) and every sampler
//   EngineBenchmarks    the individual engine (outreach-ref, outreach-ref-time) and the cohort
//                       engine (DARTH Sick-Sicker), 1 and 2 threads
//   AnalysisBenchmarks  the aggregation of `mbc simulate`: BLAS moments, streamed column
//                       moments, percentiles
//   BenchmarkSupport    (library) the shared run lengths and regression tolerances
import Foundation
import PackageDescription

// A path dependency's identity is its folder name, which depends on where the repository
// was cloned; read it here so that product references work in any checkout.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent

let benchmark = Target.Dependency.product(name: "Benchmark", package: "benchmark")
let plugin = Target.PluginUsage.plugin(name: "BenchmarkPlugin", package: "benchmark")

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
    .target(
      name: "BenchmarkSupport",
      dependencies: [benchmark],
      path: "Benchmarks/BenchmarkSupport"
    ),
    .executableTarget(
      name: "RandomBenchmarks",
      dependencies: [.product(name: "MBCRandom", package: root), "BenchmarkSupport", benchmark],
      path: "Benchmarks/RandomBenchmarks",
      plugins: [plugin]
    ),
    .executableTarget(
      name: "EngineBenchmarks",
      dependencies: [
        .product(name: "MBCEngine", package: root),
        .product(name: "MBCScenario", package: root),
        "BenchmarkSupport", benchmark,
      ],
      path: "Benchmarks/EngineBenchmarks",
      plugins: [plugin]
    ),
    .executableTarget(
      name: "AnalysisBenchmarks",
      dependencies: [
        .product(name: "MBCAnalysis", package: root),
        .product(name: "MBCEngine", package: root),
        .product(name: "MBCScenario", package: root),
        .product(name: "MBCRandom", package: root),
        "BenchmarkSupport", benchmark,
      ],
      path: "Benchmarks/AnalysisBenchmarks",
      plugins: [plugin]
    ),
  ]
)

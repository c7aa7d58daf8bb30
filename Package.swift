// swift-tools-version: 6.1
//
// mbc: Monte Carlo societal business cases (maatschappelijke business case) for social and
// mental-health interventions. See README.md and docs/.
//
// One module per concept; data flows left to right:
//   MBCScenario (parse, validate, compile) -> MBCEngine (parameter draws, simulation on
//   Dispatch workers) -> MBCAnalysis (BLAS aggregation, intervals) -> MBCReport (CSV, JSON, HTML)
// MBCRandom (keyed streams, samplers) is used by the scenario and the engine. Only MBCAnalysis
// imports C (COpenBLAS). The `mbc` executable is a thin ArgumentParser front end.
//
// Benchmarks live in the nested package Benchmarks/ so that neither `swift build` nor
// `swift test` here compiles package-benchmark.
import PackageDescription

let package = Package(
  name: "mbc",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "mbc", targets: ["mbc"]),
    .library(name: "MBCRandom", targets: ["MBCRandom"]),
    .library(name: "MBCScenario", targets: ["MBCScenario"]),
    .library(name: "MBCEngine", targets: ["MBCEngine"]),
    .library(name: "MBCAnalysis", targets: ["MBCAnalysis"]),
    .library(name: "MBCReport", targets: ["MBCReport"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    // MARK: - Public API

    /// Keyed random streams (SplitMix64 -> xoshiro256++) and the samplers.
    .target(name: "MBCRandom"),
    /// The scenario file format: YAML decoding with locations, validation, expressions.
    .target(name: "MBCScenario", dependencies: ["MBCRandom", "Yams"]),
    /// Per-run parameter draws (with the copula), flat per-run tables, the individual and cohort
    /// engines, the parallel driver. Uses MBCAnalysis for Cholesky factors (LAPACK).
    .target(name: "MBCEngine", dependencies: ["MBCRandom", "MBCScenario", "MBCAnalysis"]),
    /// Aggregation of the runs x metrics matrix on BLAS: moments, intervals, quantiles.
    .target(name: "MBCAnalysis", dependencies: ["COpenBLAS"]),
    /// Output files: CSV, manifest.json, report.html; atomic writes; SHA-256.
    .target(name: "MBCReport", dependencies: ["MBCScenario", "MBCEngine", "MBCAnalysis"]),
    /// The command-line front end.
    .executableTarget(
      name: "mbc",
      dependencies: [
        "MBCScenario", "MBCEngine", "MBCAnalysis", "MBCReport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Implementation details

    /// OpenBLAS (BLAS + the LAPACK symbols it exports). Installed by `make` when missing.
    .systemLibrary(
      name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

    // MARK: - Unit test bundles

    .testTarget(name: "MBCRandomTests", dependencies: ["MBCRandom"]),
    .testTarget(name: "MBCScenarioTests", dependencies: ["MBCScenario"]),
    .testTarget(name: "MBCEngineTests", dependencies: ["MBCEngine", "MBCScenario"], exclude: ["BaseCases"]),
    .testTarget(name: "MBCAnalysisTests", dependencies: ["MBCAnalysis"]),
    .testTarget(name: "MBCReportTests", dependencies: ["MBCReport", "MBCEngine", "MBCScenario", "MBCAnalysis"]),
    /// Runs the built `mbc` binary as a user would (and the notebook, when the venv exists).
    .testTarget(name: "MBCEndToEndTests", dependencies: ["mbc"]),

    // MARK: - Fuzz targets (`make fuzz`; docs/testing.md)

    /// libFuzzer entry points. Without `--sanitize=fuzzer` they build to programs that do nothing, so plain
    /// `swift build` type-checks them; `make fuzz` builds them with libFuzzer and ASan into `.build-fuzz`.
    .executableTarget(name: "FuzzScenario", dependencies: ["MBCScenario", "MBCEngine"], path: "Fuzz/Scenario"),
    .executableTarget(name: "FuzzExpression", dependencies: ["MBCScenario"], path: "Fuzz/Expression"),

    // MARK: - Random number generator battery (`make battery`; docs/testing.md)

    /// Writes raw outputs of the keyed xoshiro256++ streams to standard output for dieharder.
    .executableTarget(name: "mbc-rng-dump", dependencies: ["MBCRandom"]),
  ],
  swiftLanguageModes: [.v6]
)

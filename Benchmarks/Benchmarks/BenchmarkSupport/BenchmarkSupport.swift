import Benchmark
import Foundation

/// Run lengths and regression tolerances shared by every benchmark target.
///
/// **Two run lengths.** `make bench` runs every benchmark at full length (`maxDuration` /
/// `maxIterations` as given by each benchmark). `make bench-check` and `make bench-thresholds`
/// set `MBC_BENCH_QUICK=1`, which caps every benchmark at ``quickMaxIterations`` measured
/// iterations and ``quickMaxDuration`` (3 s for the engine; after one warm-up iteration), so
/// that the whole suite runs in about 40 seconds; the stored thresholds are recorded with the
/// same short run as the check, so that both estimate the same percentile from the same number
/// of samples. `Benchmarks/thresholds.sh` stores the smallest p90 wall clock of three runs and
/// the median of the other metrics.
///
/// **What is checked.** `swift package benchmark thresholds check` compares the p90 of each
/// metric of the current run with the p90 stored in `Benchmarks/Thresholds/` by `thresholds
/// update`, allowing the tolerances below (``thresholds(mallocSlack:)``). The short run records
/// the wall clock, the malloc count and (where it means something) the peak resident memory.
/// It leaves out the rates (throughput, client-months/s): they are the reciprocal of the wall
/// clock of the same iterations, so they add no information to the check, and package-benchmark
/// 1.38.1 stores the 90th percentile of a larger-is-better metric (its fast end) but checks the
/// current run's mirrored "p90" (its 10th percentile, the slow end), which would eat the
/// tolerance with the run-to-run spread; the engine's throughput is moreover a small integer
/// number of iterations per second (4 to 15), i.e. a 7–25 % grid. `make bench` records the rates.
///
/// | metric | tolerance (bad direction) | why |
/// |---|---|---|
/// | wall clock | +30 % (relative) | identical short runs on the shared 2-core machine differ by 5–15 % at p90 (single outliers up to +40 % under load from other processes, which `thresholds.sh` absorbs by measuring a failing benchmark again on an idle machine); a real regression (a lost `@inlinable`, an allocation per client, a slower sampler or selection) costs 50 % to several times |
/// | malloc count | + `mallocSlack` (absolute) | 0 for the samplers (they must never allocate); 16 for the aggregation and 40 for the engine, whose counts vary by up to about 10 between iterations (Dispatch workers; package-benchmark counts mallocs process-wide); an allocation per run adds 4,000 per engine iteration, one per column 500 to the percentiles of the outputs over time |
/// | peak resident memory (aggregation only) | +25 % (relative) | stable to 1 MB between runs; an extra copy of the data held (the 19 MB run matrix, the 40 MB of kept runs) exceeds it |
/// | throughput, client-months/s | −35 % (relative) | used only by `baseline check`/`compare` between two full runs (see above) |
///
/// A deviation beyond a tolerance in the good direction is an "improvement": package-benchmark
/// exits with code 4 for it, which `make bench-check` reports without failing (re-record with
/// `make bench-thresholds`). Relative tolerances are not used for malloc counts because a
/// relative change of a stored 0 counts as no change in package-benchmark.
public enum BenchmarkSupport {
  /// `MBC_BENCH_QUICK=1` (or any value but `0` or empty): the short CI run.
  public static let quick: Bool = {
    let value = ProcessInfo.processInfo.environment["MBC_BENCH_QUICK"] ?? ""
    return !value.isEmpty && value != "0"
  }()

  /// Measured iterations per benchmark in the short run (after one warm-up iteration).
  public static let quickMaxIterations = 15
  /// Longest measurement per benchmark in the short run (unless the benchmark asks for more).
  public static let quickMaxDuration: Duration = .milliseconds(1500)

  /// Relative tolerance of the wall clock (percent, in the bad direction).
  public static let wallClockTolerance = 30.0
  /// Relative tolerance of rates (percent, in the bad direction).
  public static let rateTolerance = 35.0
  /// Relative tolerance of the peak resident memory (percent).
  public static let memoryTolerance = 25.0

  /// Simulated client-months (clients × cycles × arms) per second of wall clock, recorded by
  /// the engine benchmarks next to the throughput (which counts iterations per second).
  public static let clientMonthsPerSecond = BenchmarkMetric.custom(
    "client-months/s", polarity: .prefersLarger, useScalingFactor: false)

  /// Metrics left out of the short run (see the type's documentation).
  public static let rates: [BenchmarkMetric] = [.throughput, clientMonthsPerSecond]

  /// The tolerances of every metric these benchmarks record (see the type's documentation),
  /// at p50 (used when two baselines are compared) and p90 (used by the static thresholds).
  /// A metric without a tolerance would be checked exactly (package-benchmark's default for
  /// static thresholds), so every metric used must appear here.
  public static func thresholds(mallocSlack: Int) -> [BenchmarkMetric: BenchmarkThresholds] {
    let rate = BenchmarkThresholds(relative: [.p50: rateTolerance, .p90: rateTolerance])
    return [
      .wallClock: BenchmarkThresholds(relative: [.p50: wallClockTolerance, .p90: wallClockTolerance]),
      .throughput: rate,
      clientMonthsPerSecond: rate,
      .mallocCountTotal: BenchmarkThresholds(absolute: [.p50: mallocSlack, .p90: mallocSlack]),
      .peakMemoryResident: BenchmarkThresholds(relative: [.p50: memoryTolerance, .p90: memoryTolerance]),
    ]
  }

  /// A configuration with the given metrics and full-length run, shortened (and without the
  /// rates) when ``quick``.
  /// - Parameters:
  ///   - scalingFactor: units of work per measured iteration (`benchmark.scaledIterations`);
  ///     the table then shows time, mallocs and throughput per unit.
  ///   - mallocSlack: allowed extra mallocs per iteration before a regression is reported.
  ///   - quickDuration: the longest measurement in the short run (default ``quickMaxDuration``).
  public static func configuration(
    metrics: [BenchmarkMetric],
    scalingFactor: BenchmarkScalingFactor = .one,
    maxDuration: Duration,
    maxIterations: Int,
    mallocSlack: Int = 0,
    quickDuration: Duration = quickMaxDuration
  ) -> Benchmark.Configuration {
    let used = quick ? metrics.filter { !rates.contains($0) } : metrics
    return Benchmark.Configuration(
      metrics: used,
      warmupIterations: 1,
      scalingFactor: scalingFactor,
      maxDuration: quick ? min(maxDuration, quickDuration) : maxDuration,
      maxIterations: quick ? min(maxIterations, quickMaxIterations) : maxIterations,
      thresholds: thresholds(mallocSlack: mallocSlack).filter { used.contains($0.key) }
    )
  }

  /// The repository's top-level folder (this file is Benchmarks/Benchmarks/BenchmarkSupport/…).
  public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The absolute path of a file given relative to the repository's top-level folder.
  public static func repositoryPath(_ relative: String) -> String {
    repositoryRoot.appendingPathComponent(relative).path
  }
}

import Benchmark
import BenchmarkSupport
import Foundation
import MBCAnalysis
import MBCEngine
import MBCRandom
import MBCScenario

/// The aggregation step of `mbc simulate` (Sources/mbc/Simulate.swift, "Aggregate"), on data
/// of the sizes it sees for outreach-ref at `--runs 1e5`:
///
/// - `Aggregation.moments(of:)` of the runs × metrics matrix, 100,000 runs × 24 metrics (means
///   and covariance on BLAS, blocks of 4,096 runs);
/// - `Summaries.summarize(_:moments:)` of the same matrix with its moments given: per metric the
///   2.5/50/97.5 percentiles by `Quantiles.type7` and P(> 0), the rows of summary.csv;
/// - `Quantiles.type7` of one column of 100,000 values (the selection alone, on a fresh copy);
/// - `ColumnMoments.add(block:rows:stride:)` of the outputs over time (outreach-ref's detail
///   layout: occupancy, cash flow, payback; 490 streamed columns in rows of 500), as the engine
///   reduces each chunk of 256 runs: one such block added 40 times (10,240 runs);
/// - the percentiles of every output over time from the 10,000 runs kept whole
///   (`TimeTables.Columns.percentiles`: gather a column, `Quantiles.type7` at 2.5/50/97.5).
///
/// The data are synthetic but shaped like the real ones (fixed seed): cost columns
/// gamma-distributed around 1e5–2e6, count columns Poisson (many ties), net savings normal with
/// mean 6.7e5 and SD 4.5e5, a few constant columns (deterministic metrics); occupancy counts
/// are whole numbers of clients. They are built once per benchmark process (lazy globals),
/// outside the measurement. One iteration = one call (one pass over the data). BLAS runs on one
/// thread, as in mbc; `Summaries.summarize` spreads the columns over the cores itself (two
/// workers here), the others run on the calling thread.
let benchmarks: @Sendable () -> Void = {
  let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident]
  let configuration = BenchmarkSupport.configuration(
    metrics: metrics, maxDuration: .seconds(5), maxIterations: 100, mallocSlack: 16)

  Benchmark("Aggregation.moments.runs=1e5.metrics=24", configuration: configuration) { benchmark in
    let matrix = runMatrix
    benchmark.startMeasurement()
    let moments = Aggregation.moments(of: matrix)
    benchmark.stopMeasurement()
    blackHole(moments.mean[0])
  }

  Benchmark("Summaries.summarize.runs=1e5.metrics=24", configuration: configuration) { benchmark in
    let matrix = runMatrix
    let moments = runMoments
    benchmark.startMeasurement()
    let summaries = Summaries.summarize(matrix, moments: moments)
    benchmark.stopMeasurement()
    blackHole(summaries[0].p50)
  }

  Benchmark("Quantiles.type7.runs=1e5", configuration: configuration) { benchmark in
    var values = netSavingColumn  // a fresh copy (type7 reorders it), made before the measurement
    values.withUnsafeMutableBufferPointer { _ in }  // force the copy now
    benchmark.startMeasurement()
    let q = Quantiles.type7(&values, probabilities: [0.025, 0.5, 0.975])
    benchmark.stopMeasurement()
    blackHole(q[1])
  }

  Benchmark("ColumnMoments.add.outreach-ref-details.runs=10240", configuration: configuration) { benchmark in
    let block = detailBlock
    let chunks = 40
    benchmark.startMeasurement()
    var moments = ColumnMoments(columns: block.streamed)
    block.values.withUnsafeBufferPointer { values in
      for _ in 0..<chunks {
        moments.add(block: values.baseAddress!, rows: block.rows, stride: block.width)
      }
    }
    benchmark.stopMeasurement()
    blackHole(moments.mean[0])
  }

  Benchmark("TimeTables.percentiles.outreach-ref-details.runs=1e4", configuration: configuration) { benchmark in
    let sample = detailSample
    var scratch: [Double] = []
    var checksum = 0.0
    benchmark.startMeasurement()
    for j in 0..<sample.columns {
      // As TimeTables.Columns.percentiles: gather column j of the kept runs, then select.
      if scratch.count != sample.rows { scratch = [Double](repeating: 0, count: sample.rows) }
      sample.storage.withUnsafeBufferPointer { x in
        for r in 0..<sample.rows { scratch[r] = x[r * sample.columns + j] }
      }
      checksum += Quantiles.type7(&scratch, probabilities: [0.025, 0.5, 0.975])[1]
    }
    benchmark.stopMeasurement()
    blackHole(checksum)
  }
}

// MARK: - Data (lazy globals: built once per benchmark process, on first use)

/// 100,000 runs × 24 metrics, shaped like outreach-ref's metrics.
let runMatrix: RunMatrix = {
  let rows = 100_000
  let columns = 24
  var matrix = RunMatrix(rows: rows, columns: columns)
  for j in 0..<columns {
    let distribution: Distribution
    switch j % 6 {
    case 0, 1: distribution = (try? .gamma(mean: 1e5 * Double(1 + j), sd: 2e4 * Double(1 + j))) ?? .fixed(0)
    case 2: distribution = .poisson(mean: Double(3 + j))  // event counts: ties
    case 3: distribution = .normal(mean: 6.7e5, sd: 4.5e5)  // net savings, both signs
    case 4: distribution = .lognormal(meanlog: log(2e5), sdlog: 0.3)
    default: distribution = .fixed(36 * Double(j))  // a deterministic metric
    }
    var generator = StreamKey(seed: 1, run: 0, client: UInt64(j), purpose: .attributes).makeGenerator()
    for i in 0..<rows { matrix.storage[i * columns + j] = distribution.sample(using: &generator) }
  }
  return matrix
}()

/// The moments of ``runMatrix`` (summarize reuses them, as `mbc simulate` does).
let runMoments: Moments = Aggregation.moments(of: runMatrix)

/// The net saving column of ``runMatrix``.
let netSavingColumn: [Double] = runMatrix.column(3)

/// Outreach-ref's detail layout: the width of a detail row and its streamed columns.
let detailLayout: DetailLayout = {
  let path = BenchmarkSupport.repositoryPath("Scenarios/outreach-ref.yaml")
  do {
    return DetailLayout(scenario: try ScenarioLoader.load(file: path))
  } catch {
    fatalError("cannot load \(path): \(error)")
  }
}()

/// Synthetic detail values for `rows` runs: occupancy counts (whole clients, 0–100) in the
/// occupancy columns, cost-like values in the others.
func detailValues(rows: Int, width: Int, seed: UInt64) -> [Double] {
  let layout = detailLayout
  let occupancyEnd = layout.arms * (layout.cycles + 1) * layout.states
  var values = [Double](repeating: 0, count: rows * width)
  var generator = Xoshiro256PlusPlus(seed: seed)
  let clients = Distribution.poisson(mean: 20)
  let cost = Distribution.gamma(shape: 4, scale: 5e4)
  for r in 0..<rows {
    for j in 0..<width {
      values[r * width + j] = j < occupancyEnd
        ? min(100, clients.sample(using: &generator)) : cost.sample(using: &generator)
    }
  }
  return values
}

/// One chunk's block of detail rows: 256 runs × the detail width, of which the streamed
/// columns are reduced.
struct DetailBlock: Sendable {
  let rows: Int, width: Int, streamed: Int
  let values: [Double]
}
let detailBlock: DetailBlock = {
  let layout = detailLayout
  return DetailBlock(
    rows: 256, width: layout.count, streamed: layout.streamedCount,
    values: detailValues(rows: 256, width: layout.count, seed: 2))
}()

/// The 10,000 runs kept whole for the percentiles of the outputs over time.
let detailSample: RunMatrix = {
  let layout = detailLayout
  return RunMatrix(
    rows: 10_000, columns: layout.count, storage: detailValues(rows: 10_000, width: layout.count, seed: 3))
}()

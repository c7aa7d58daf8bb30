import MBCAnalysis

/// A simulation that can be extended run by run: the runs × metrics values of runs 0 ..< n,
/// the outputs over time and the parameter draws, grown in batches. Because every run is
/// keyed by its number, extending 0 ..< n to 0 ..< m gives exactly the values of one call with
/// m runs — which is what makes stopping at a precision target reproducible: the result of
/// `--precision` equals that of `--runs` with the number of runs it stopped at.
public final class SimulationSession {
  public let simulation: Simulation
  /// The first run of this session: 0, or the first run of a shard (a multiple of the chunk size).
  public let firstRun: Int
  /// Runs simulated so far (runs firstRun ..< runs).
  public private(set) var runs: Int
  /// The most runs this session may simulate.
  public let maxRuns: Int
  /// Metrics of runs firstRun ..< runs, row-major ((runs − firstRun) × layout.count). After a
  /// cancelled ``extend(to:progress:cancellation:)`` it also holds the rows of the batch that
  /// was stopped; ``ledger`` says which of its chunks are complete.
  public private(set) var values: [Double] = []
  /// The chunks completed, simulated or replayed (global chunk numbers: run / chunkSize).
  public let ledger = ChunkLedger()
  /// Chunks already known (from a state file or shards), copied instead of simulated.
  public var replay: (any ChunkReplay)?
  public let details: DetailCollector?
  /// The parameter values of the first runs (one column per value name).
  public let parameters: RunSample?
  /// Probabilities clamped into [0, 1] in the runs so far (`invalid_probabilities: clamp`).
  public let clamps = ProbabilityClamps()

  /// - Parameters:
  ///   - details: collect the outputs over time (trace, cash flow, payback).
  ///   - parameterRuns: keep the parameter values of this many first runs (0: none).
  ///   - firstRun: the first run to simulate (a shard's; a multiple of the chunk size).
  public init(simulation: Simulation, maxRuns: Int, details: Bool, parameterRuns: Int, firstRun: Int = 0) {
    precondition(firstRun % simulation.chunkSize == 0 && firstRun <= maxRuns, "firstRun must be a multiple of the chunk size")
    self.simulation = simulation
    self.maxRuns = maxRuns
    self.firstRun = firstRun
    self.runs = firstRun
    let layout = DetailLayout(scenario: simulation.model.scenario)
    self.details = details ? DetailCollector(layout: layout, sampleRuns: DetailCollector.sampleRuns(layout: layout, runs: maxRuns)) : nil
    self.parameters = parameterRuns > 0 ? RunSample(rows: min(parameterRuns, maxRuns), columns: simulation.model.parameterValueCount) : nil
  }

  /// Simulates runs `runs ..< n` (n ≤ maxRuns).
  public func extend(to n: Int, progress: SimulationProgress? = nil, cancellation: CancellationFlag? = nil) throws(SimulationError) {
    precondition(n <= maxRuns && n >= runs, "extend(to: \(n)) outside \(runs)...\(maxRuns)")
    precondition(runs % simulation.chunkSize == 0, "batches must end on chunk boundaries")
    let width = simulation.model.layout.count
    let first = runs
    values.removeSubrange(min(values.count, (first - firstRun) * width)...)  // rows of a stopped batch
    values.reserveCapacity((n - firstRun) * width)
    values.append(contentsOf: repeatElement(0, count: (n - first) * width))
    try values.withUnsafeMutableBufferPointer { (b) throws(SimulationError) in
      try simulation.run(
        runs: n - first, firstRun: first, into: UnsafeMutableBufferPointer(rebasing: b[((first - firstRun) * width)...]),
        details: details, parameters: parameters, progress: progress, cancellation: cancellation,
        replay: replay, ledger: ledger, clamps: clamps)
    }
    runs = n
  }

  /// Runs whose metric rows are in ``values``: firstRun ..< this (includes a stopped batch).
  public var rowsHeld: Int { firstRun + values.count / max(1, simulation.model.layout.count) }

  /// After a stop (Ctrl-C): keeps runs 0 ..< k of the completed chunks 0 ..< p, the longest
  /// complete prefix, so that the session holds exactly what a run of `--runs k` would (the
  /// outputs over time are merged in chunk order, so they already cover that prefix).
  /// - Returns: k, the runs kept.
  @discardableResult
  public func keepCompletedPrefix() -> Int {
    precondition(firstRun == 0, "a shard has no prefix to keep")
    let k = min(ledger.prefixEnd * simulation.chunkSize, maxRuns, rowsHeld)
    values.removeSubrange((k * simulation.model.layout.count)...)
    runs = k
    return k
  }

  /// Mean and Monte Carlo standard error of metric `column` over the runs so far.
  public func meanAndMCSE(column j: Int) -> (mean: Double, mcse: Double) {
    let width = simulation.model.layout.count
    var moments = ColumnMoments(columns: 1)
    values.withUnsafeBufferPointer { b in
      moments.add(block: b.baseAddress! + j, rows: runs - firstRun, stride: width)
    }
    return (moments.mean[0], moments.mcse(0))
  }

  /// The run count to try next when the relative MCSE `relative` after `n` runs is above
  /// `target`: MCSE ∝ 1/√n, so n·(relative/target)² runs should reach it; 10% more for the
  /// noise in the estimate, at least one more chunk, at most 10 × n, rounded up to whole
  /// chunks, and never above `maxRuns`.
  public func nextRunCount(relative: Double, target: Double) -> Int {
    let n = Double(runs)
    var wanted = relative.isFinite ? n * (relative / target) * (relative / target) * 1.1 : 10 * n
    wanted = min(max(wanted, n + Double(simulation.chunkSize)), 10 * n)
    let chunk = simulation.chunkSize
    let rounded = (Int(wanted.rounded(.up)) + chunk - 1) / chunk * chunk
    return min(rounded, maxRuns)
  }

  /// The metrics of the runs so far as a matrix (the session's values are moved into it).
  public func takeMatrix() -> RunMatrix {
    let m = RunMatrix(rows: runs - firstRun, columns: simulation.model.layout.count, storage: values)
    values = []
    return m
  }
}

import MBCAnalysis

/// A simulation that can be extended run by run: the runs × metrics values of runs 0 ..< n,
/// the outputs over time and the parameter draws, grown in batches. Because every run is
/// keyed by its number, extending 0 ..< n to 0 ..< m gives exactly the values of one call with
/// m runs — which is what makes stopping at a precision target reproducible: the result of
/// `--precision` equals that of `--runs` with the number of runs it stopped at.
public final class SimulationSession {
  public let simulation: Simulation
  /// Runs simulated so far (runs 0 ..< runs).
  public private(set) var runs = 0
  /// The most runs this session may simulate.
  public let maxRuns: Int
  /// Metrics of the runs so far, row-major (runs × layout.count).
  public private(set) var values: [Double] = []
  public let details: DetailCollector?
  /// The parameter values of the first runs (one column per value name).
  public let parameters: RunSample?
  /// Probabilities clamped into [0, 1] in the runs so far (`invalid_probabilities: clamp`).
  public let clamps = ProbabilityClamps()

  /// - Parameters:
  ///   - details: collect the outputs over time (trace, cash flow, payback).
  ///   - parameterRuns: keep the parameter values of this many first runs (0: none).
  public init(simulation: Simulation, maxRuns: Int, details: Bool, parameterRuns: Int) {
    self.simulation = simulation
    self.maxRuns = maxRuns
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
    values.reserveCapacity(n * width)
    values.append(contentsOf: repeatElement(0, count: (n - first) * width))
    try values.withUnsafeMutableBufferPointer { (b) throws(SimulationError) in
      try simulation.run(
        runs: n - first, firstRun: first, into: UnsafeMutableBufferPointer(rebasing: b[(first * width)...]),
        details: details, parameters: parameters, progress: progress, cancellation: cancellation,
        clamps: clamps)
    }
    runs = n
  }

  /// Mean and Monte Carlo standard error of metric `column` over the runs so far.
  public func meanAndMCSE(column j: Int) -> (mean: Double, mcse: Double) {
    let width = simulation.model.layout.count
    var moments = ColumnMoments(columns: 1)
    values.withUnsafeBufferPointer { b in
      moments.add(block: b.baseAddress! + j, rows: runs, stride: width)
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
    let m = RunMatrix(rows: runs, columns: simulation.model.layout.count, storage: values)
    values = []
    return m
  }
}

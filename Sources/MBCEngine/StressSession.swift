/// The runs of a budget stress test (``StressSimulation``) held so that they can be saved on
/// an interrupt and continued (`mbc stress --resume`) or split into shards, like
/// ``SimulationSession`` for `mbc simulate`.
public final class StressSession: ResumableRuns {
  public let simulation: StressSimulation
  public let maxRuns: Int
  public let firstRun: Int
  /// Runs done: firstRun ..< runs.
  public private(set) var runs: Int
  public private(set) var values: [Double] = []
  public let ledger = ChunkLedger()
  public let clamps = ProbabilityClamps()
  /// Chunks already known (from a state file or shards), copied instead of simulated.
  public var replay: (any ChunkReplay)?

  public init(simulation: StressSimulation, maxRuns: Int, firstRun: Int = 0) {
    precondition(firstRun % simulation.chunkSize == 0 && firstRun <= maxRuns, "firstRun must be a multiple of the chunk size")
    self.simulation = simulation
    self.maxRuns = maxRuns
    self.firstRun = firstRun
    runs = firstRun
  }

  public var chunkSize: Int { simulation.chunkSize }
  public var metricColumns: Int { simulation.stress.layout.count }
  public var engineName: String { Self.engineName }
  public var seed: UInt64 { simulation.seed }
  public var details: DetailCollector? { nil }
  public var parameters: RunSample? { nil }
  /// The `engine` of a stress test's manifest and state file.
  public static let engineName = "budget (cohort-engine streams, stochastic queue)"

  /// Simulates (or replays) runs firstRun ..< n, once.
  public func run(to n: Int, progress: SimulationProgress? = nil, cancellation: CancellationFlag? = nil) throws(SimulationError) {
    precondition(runs == firstRun && n <= maxRuns && n >= firstRun, "StressSession.run is called once")
    let width = metricColumns
    values = [Double](repeating: 0, count: (n - firstRun) * width)
    try values.withUnsafeMutableBufferPointer { (b) throws(SimulationError) in
      try simulation.run(runs: n - firstRun, firstRun: firstRun, into: b, progress: progress, cancellation: cancellation,
                         clamps: clamps, replay: replay, ledger: ledger)
    }
    runs = n
  }

  /// After a stop: keeps runs 0 ..< k of the completed chunks 0 ..< p (see
  /// ``SimulationSession/keepCompletedPrefix()``). - Returns: k.
  @discardableResult
  public func keepCompletedPrefix() -> Int {
    precondition(firstRun == 0, "a shard has no prefix to keep")
    let k = min(ledger.prefixEnd * chunkSize, maxRuns, values.count / max(1, metricColumns))
    values.removeSubrange((k * metricColumns)...)
    runs = k
    return k
  }

  /// The metric rows held (runs firstRun ..< runs); the session's values are moved out.
  public func takeValues() -> [Double] {
    defer { values = [] }
    return values
  }
}

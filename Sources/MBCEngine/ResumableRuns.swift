/// The runs of a command that can be saved when it is interrupted and continued later
/// (`--resume`), or split into shards (`--shard`, `mbc merge`): ``SimulationSession`` for
/// `mbc simulate`, ``StressSession`` for `mbc stress`. The state file (`RunStateFile` in
/// MBCReport) saves exactly these parts.
public protocol ResumableRuns: AnyObject {
  /// All runs of the command (runs 0 ..< maxRuns).
  var maxRuns: Int { get }
  /// The first run of this part (0, or a shard's first run; a multiple of ``chunkSize``).
  var firstRun: Int { get }
  /// Runs per chunk, the unit of work that is saved.
  var chunkSize: Int { get }
  /// Metric values per run.
  var metricColumns: Int { get }
  /// The engine's name (the manifest's `engine` field for `mbc simulate`).
  var engineName: String { get }
  var seed: UInt64 { get }
  /// Metric rows of runs firstRun ..< firstRun + values.count / metricColumns.
  var values: [Double] { get }
  /// The chunks completed (simulated or replayed).
  var ledger: ChunkLedger { get }
  /// Probabilities clamped, per completed chunk.
  var clamps: ProbabilityClamps { get }
  /// The outputs over time (nil for `mbc stress`).
  var details: DetailCollector? { get }
  /// The parameter draws kept (nil for `mbc stress`).
  var parameters: RunSample? { get }
}

extension SimulationSession: ResumableRuns {
  public var chunkSize: Int { simulation.chunkSize }
  public var metricColumns: Int { simulation.model.layout.count }
  public var engineName: String { simulation.engine.rawValue }
  public var seed: UInt64 { simulation.seed }
}

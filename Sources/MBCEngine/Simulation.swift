import Dispatch
import MBCAnalysis
import MBCScenario
import Synchronization

/// Runs the Monte Carlo simulation of a ``CompiledModel`` on Dispatch worker threads.
///
/// Runs are grouped in chunks of consecutive runs; `threads` workers claim chunks from an
/// atomic counter and write each run's metrics into its own row of the caller's buffer.
/// Because every random number comes from a stream keyed by (seed, run, client, purpose),
/// a run's row does not depend on which worker simulated it: the matrix is bit-identical for
/// any thread count and chunk size.
///
/// On an invalid parameter draw the simulation stops and reports the error of the lowest
/// failing run (deterministic, whatever the thread count): workers finish the chunks below it
/// and skip those above.
public struct Simulation: Sendable {
  public let model: CompiledModel
  public var seed: UInt64
  public var threads: Int
  /// Runs per chunk claimed by a worker.
  public var chunkSize: Int
  /// Which engine simulates each run.
  public var engine: EngineKind
  /// Parameters held at a value in every run (index into the scenario's parameters → value);
  /// used by threshold analyses. Other parameters are drawn as always (common random numbers).
  public var fixedParameters: [Int: Double] = [:]

  public init(model: CompiledModel, seed: UInt64, threads: Int, chunkSize: Int = 256, engine: EngineKind? = nil) {
    self.model = model
    self.seed = seed
    self.threads = max(1, threads)
    self.chunkSize = max(1, chunkSize)
    self.engine = engine ?? model.scenario.engine
  }

  /// Why `engine` cannot run this model, or nil.
  public static func unsupportedReason(_ model: CompiledModel, engine: EngineKind) -> String? {
    engine == .cohort ? CohortEngine.unsupportedReason(model) : nil
  }

  /// Client-cycles simulated per run (clients × horizon × arms), the unit of throughput.
  public var clientCyclesPerRun: Int { model.clients * model.horizon * model.armCount }

  /// Simulates runs `firstRun ..< firstRun + rows` into `output` (rows × layout.count, row-major).
  /// - Parameters:
  ///   - details: collects the outputs over time (trace, cash flow, payback); `firstRun` must
  ///     then be a multiple of ``chunkSize`` (runs are reduced chunk by chunk in run order).
  ///   - parameters: keeps the parameter values of its first runs (one per value name).
  ///   - progress: counts completed runs; poll it from another thread to show progress.
  ///   - cancellation: set it (e.g. on Ctrl-C) to stop; the call then throws `.cancelled`.
  ///     Chunks completed before the stop are in `ledger`.
  ///   - replay: chunks already known (`--resume`, `mbc merge`) are copied instead of simulated.
  ///   - ledger: records every chunk completed (global chunk numbers: run / chunkSize).
  ///   - clamps: counts the probabilities clamped into [0, 1] (`invalid_probabilities: clamp`).
  public func run(
    runs rows: Int, firstRun: Int = 0, into output: UnsafeMutableBufferPointer<Double>,
    details: DetailCollector? = nil, parameters: RunSample? = nil,
    progress: SimulationProgress? = nil, cancellation: CancellationFlag? = nil,
    replay: (any ChunkReplay)? = nil, ledger: ChunkLedger? = nil,
    clamps: ProbabilityClamps? = nil
  ) throws(SimulationError) {
    let width = model.layout.count
    precondition(output.count >= rows * width, "output buffer too small")
    precondition((details == nil && replay == nil && ledger == nil) || firstRun % chunkSize == 0,
                 "with details, replay or a ledger, firstRun must be a multiple of the chunk size")
    precondition(parameters == nil || parameters!.columns == model.parameterValueCount, "parameter sample has the wrong width")
    let chunks = (rows + chunkSize - 1) / chunkSize
    let state = SharedState(chunks: chunks)
    let out = UnsafeSendable(output)
    let model = self.model
    let seed = self.seed
    let chunkSize = self.chunkSize
    let workers = min(threads, max(chunks, 1))
    let kind = engine
    let pins = fixedParameters.sorted { $0.key < $1.key }.map { (slot: model.slots.parameterSlots[$0.key].lowerBound, value: $0.value) }

    // Detail rows of a chunk are reduced in blocks of at most ~8 M values (per worker).
    let detailWidth = details?.layout.count ?? 0
    let blockRows = detailWidth == 0 ? 1 : max(1, min(chunkSize, 8_000_000 / detailWidth))
    let firstChunk = firstRun / chunkSize

    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      let engine: any RunSimulator = kind == .cohort ? CohortEngine(model: model, seed: seed) : IndividualEngine(model: model, seed: seed)
      if !pins.isEmpty { engine.tables.pin(pins) }
      let block = UnsafeMutablePointer<Double>.allocate(capacity: max(1, blockRows * detailWidth))
      defer { block.deallocate() }
      while true {
        let chunk = state.next.add(1, ordering: .relaxed).oldValue
        if chunk >= chunks || chunk >= state.stopChunk.load(ordering: .relaxed) { break }
        let lower = chunk * chunkSize
        let upper = min(rows, lower + chunkSize)
        if let replay, replay.replay(
          chunk: firstChunk + chunk, firstRun: firstRun + lower, rows: upper - lower,
          metrics: out.value.baseAddress! + lower * width, sample: details?.sample, parameters: parameters, clamps: clamps)
        {
          ledger?.markDone(firstChunk + chunk)
          progress?.add(upper - lower)
          continue
        }
        var chunkClamps = ProbabilityClamps.Count()
        var chunkMoments = details.map { ColumnMoments(columns: $0.layout.streamedCount) }
        var inBlock = 0
        var failed = false
        for r in lower..<upper {
          if cancellation?.isSet == true {
            state.record(.cancelled, chunk: -1)
            return
          }
          let run = firstRun + r
          let detailRow: UnsafeMutablePointer<Double>? = details == nil ? nil : block + inBlock * detailWidth
          do throws(SimulationError) {
            try engine.simulate(run: run, into: out.value.baseAddress! + r * width, details: detailRow)
          } catch {
            state.record(error, chunk: chunk)
            failed = true
            break
          }
          if let p = parameters?.row(run) { engine.parameterValues(into: p) }
          if engine.tables.clampedInRun > 0 { chunkClamps.add(run: run, values: engine.tables.clampedInRun) }
          if let details, let detailRow {
            details.sample.row(run)?.update(from: detailRow, count: detailWidth)
            inBlock += 1
            if inBlock == blockRows || r == upper - 1 {
              chunkMoments!.add(block: block, rows: inBlock, stride: detailWidth)
              inBlock = 0
            }
          }
        }
        if failed { break }
        if let details, let chunkMoments { details.submit(chunk: firstChunk + chunk, chunkMoments) }
        if chunkClamps.runs > 0 { clamps?.add(unit: firstChunk + chunk, chunkClamps) }
        ledger?.markDone(firstChunk + chunk)
        progress?.add(upper - lower)
      }
    }
    if let error = state.error.withLock({ $0 }) { throw error.error }
  }
}

/// One engine instance per worker: simulates a run into a row of metrics (and its outputs
/// over time when `details` is given).
protocol RunSimulator {
  func simulate(run: Int, into row: UnsafeMutablePointer<Double>, details: UnsafeMutablePointer<Double>?) throws(SimulationError)
  /// The parameter values of the run last simulated.
  func parameterValues(into out: UnsafeMutablePointer<Double>)
  var tables: RunTables { get }
}

extension IndividualEngine: RunSimulator {}
extension CohortEngine: RunSimulator {}

/// Completed runs, updated by the workers; safe to read from any thread.
public final class SimulationProgress: Sendable {
  private let completed = Atomic<Int>(0)
  public init() {}
  public var runsCompleted: Int { completed.load(ordering: .relaxed) }
  func add(_ n: Int) { completed.add(n, ordering: .relaxed) }
}

/// How many probabilities were clamped into [0, 1] (`invalid_probabilities: clamp`): runs
/// affected, values clamped and the first run affected, kept per chunk of runs and added when
/// the chunk completes. Sums and
/// a minimum over units, so the same for any thread count; a unit stopped by Ctrl-C does not
/// count, and saved units can be restored (`--resume`, `mbc merge`). Safe from any thread.
public final class ProbabilityClamps: Sendable {
  /// The clamps of one unit: runs affected, values clamped, the first run affected.
  public struct Count: Codable, Sendable, Equatable {
    public var runs = 0
    public var values = 0
    public var firstRun = Int.max
    public init() {}
    public init(runs: Int, values: Int, firstRun: Int) {
      self.runs = runs
      self.values = values
      self.firstRun = firstRun
    }
    /// Adds a run with `values` clamped probabilities.
    public mutating func add(run: Int, values n: Int) {
      runs += 1
      values += n
      firstRun = min(firstRun, run)
    }
    enum CodingKeys: String, CodingKey { case runs, values, firstRun = "first_run" }
  }

  private let units = Locked<[Int: Count]>([:])
  public init() {}

  /// Adds the clamps of a completed chunk (replaces what the chunk had).
  public func add(unit: Int, _ count: Count) {
    guard count.runs > 0 else { return }
    units.withLock { $0[unit] = count }
  }

  /// The clamps of unit `unit`, if any.
  public func count(unit: Int) -> Count? { units.withLock { $0[unit] } }

  /// The clamps of the runs below `runs` (all runs when nil): units whose runs all lie below
  /// it (a chunk lies wholly below or above the end of a run's completed prefix).
  public func total(runsBelow runs: Int? = nil) -> Count {
    units.withLock { u in
      var t = Count()
      for c in u.values where runs == nil || c.firstRun < runs! {
        t.runs += c.runs
        t.values += c.values
        t.firstRun = min(t.firstRun, c.firstRun)
      }
      return t
    }
  }

  /// Runs in which at least one probability was clamped.
  public var runsAffected: Int { total().runs }
  /// Probabilities clamped (each table entry, and each row scaled down, counts once).
  public var valuesClamped: Int { total().values }
  /// The lowest run affected, or nil.
  public var firstRun: Int? {
    let f = total().firstRun
    return f == Int.max ? nil : f
  }
}

/// A flag that asks a running simulation to stop (set from a signal handler's queue).
public final class CancellationFlag: Sendable {
  private let flag = Atomic<Bool>(false)
  public init() {}
  public var isSet: Bool { flag.load(ordering: .relaxed) }
  public func set() { flag.store(true, ordering: .relaxed) }
}

/// Work distribution and the first error, shared by the workers.
final class SharedState: Sendable {
  let next = Atomic<Int>(0)
  /// Chunks at or above this index are not started (set by an error in a lower chunk).
  let stopChunk: Atomic<Int>
  let error = Locked<(error: SimulationError, run: Int)?>(nil)

  init(chunks: Int) { stopChunk = Atomic(chunks) }

  /// Keeps the error of the lowest run; cancellation wins over everything.
  func record(_ e: SimulationError, chunk: Int) {
    error.withLock { current in
      if e == .cancelled {
        current = (e, -1)
        stopChunk.store(0, ordering: .relaxed)
        return
      }
      let run = e.run ?? Int.max
      if let c = current, c.run <= run { return }
      current = (e, run)
      // Chunks above the failing one need not run; the failing chunk's lower runs have run.
      var old = stopChunk.load(ordering: .relaxed)
      while chunk + 1 < old {
        let (exchanged, original) = stopChunk.compareExchange(expected: old, desired: chunk + 1, ordering: .relaxed)
        if exchanged { break }
        old = original
      }
    }
  }
}

/// Wraps a value that the workers share but access at disjoint places (rows of the output).
struct UnsafeSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

extension Simulation {
  /// The parameter values of run `run` (one per value name, scenario order), drawn as the
  /// engines draw them: for reporting a run that failed. Values after a failing derived
  /// parameter may be missing (NaN).
  public func parameterValues(run: Int) -> [(name: String, value: Double)] {
    let tables = RunTables(model)
    if !fixedParameters.isEmpty {
      tables.pin(fixedParameters.sorted { $0.key < $1.key }.map { (slot: model.slots.parameterSlots[$0.key].lowerBound, value: $0.value) })
    }
    for i in 0..<model.parameterValueCount { tables.base[i] = .nan }
    try? tables.drawParameters(seed: seed, run: run)
    return model.parameterValueNames.enumerated().map { ($0.element, tables.base[$0.offset]) }
  }
}

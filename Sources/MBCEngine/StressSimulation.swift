import Dispatch
import MBCScenario

/// Runs a budget stress test (``StressModel``, ``BudgetEngine``) on Dispatch worker threads,
/// like ``Simulation``: chunks of consecutive runs claimed from an atomic counter, each run's
/// row written by whichever worker simulated it. Streams are keyed by (seed, run, month,
/// purpose), so the matrix is bit-identical for any thread count.
public struct StressSimulation: Sendable {
  public let stress: StressModel
  public var seed: UInt64
  public var threads: Int
  public var chunkSize: Int

  public init(stress: StressModel, seed: UInt64, threads: Int, chunkSize: Int = 16) {
    self.stress = stress
    self.seed = seed
    self.threads = max(1, threads)
    self.chunkSize = max(1, chunkSize)
  }

  /// Simulates runs `firstRun ..< firstRun + runs` into `output` (runs × layout.count, row-major).
  /// `replay`, `ledger` and `clamps` work as for ``Simulation/run(runs:firstRun:into:details:parameters:progress:cancellation:replay:ledger:clamps:)``
  /// (clamps are counted per chunk).
  /// - Throws: the error of the lowest failing run, or `.cancelled`.
  public func run(runs: Int, firstRun: Int = 0, into output: UnsafeMutableBufferPointer<Double>, progress: SimulationProgress? = nil,
                  cancellation: CancellationFlag? = nil, clamps: ProbabilityClamps? = nil,
                  replay: (any ChunkReplay)? = nil, ledger: ChunkLedger? = nil) throws(SimulationError) {
    let width = stress.layout.count
    precondition(output.count >= runs * width, "output buffer too small")
    precondition(firstRun % chunkSize == 0, "firstRun must be a multiple of the chunk size")
    let firstChunk = firstRun / chunkSize
    let chunks = (runs + chunkSize - 1) / chunkSize
    let state = SharedState(chunks: chunks)
    let out = UnsafeSendable(output)
    let stress = self.stress
    let seed = self.seed
    let chunkSize = self.chunkSize
    DispatchQueue.concurrentPerform(iterations: min(threads, max(chunks, 1))) { _ in
      let engine = BudgetEngine(stress: stress, seed: seed)
      while true {
        let chunk = state.next.add(1, ordering: .relaxed).oldValue
        if chunk >= chunks || chunk >= state.stopChunk.load(ordering: .relaxed) { break }
        let lower = chunk * chunkSize
        let upper = min(runs, lower + chunkSize)
        if let replay, replay.replay(
          chunk: firstChunk + chunk, firstRun: firstRun + lower, rows: upper - lower, metrics: out.value.baseAddress! + lower * width,
          sample: nil, parameters: nil, clamps: clamps)
        {
          ledger?.markDone(firstChunk + chunk)
          progress?.add(upper - lower)
          continue
        }
        var chunkClamps = ProbabilityClamps.Count()
        for r in lower..<upper {
          if cancellation?.isSet == true {
            state.record(.cancelled, chunk: -1)
            return
          }
          do throws(SimulationError) {
            try engine.simulate(run: firstRun + r, into: out.value.baseAddress! + r * width)
            if engine.clampedInRun > 0 { chunkClamps.add(run: firstRun + r, values: engine.clampedInRun) }
          } catch {
            state.record(error, chunk: chunk)
            return
          }
        }
        if chunkClamps.runs > 0 { clamps?.add(unit: firstChunk + chunk, chunkClamps) }
        ledger?.markDone(firstChunk + chunk)
        progress?.add(upper - lower)
      }
    }
    if let error = state.error.withLock({ $0 }) { throw error.error }
  }
}

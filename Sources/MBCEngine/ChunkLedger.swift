import MBCAnalysis

/// Which chunks of runs a simulation has completed (simulated, or replayed from a saved
/// state). A chunk counts as completed once its metrics, its outputs over time and its
/// parameter draws are all in place, so the runs of the completed chunks can be saved and the
/// others simulated later (`--resume`) with identical results.
public final class ChunkLedger: Sendable {
  private let done: Locked<Set<Int>>

  public init(completed: some Sequence<Int> = []) {
    done = Locked(Set(completed))
  }

  func markDone(_ chunk: Int) {
    _ = done.withLock { $0.insert(chunk) }
  }

  /// The completed chunks, ascending.
  public var completed: [Int] { done.withLock { $0.sorted() } }

  /// The number of the first chunk not completed: chunks 0 ..< prefixEnd are all completed.
  public var prefixEnd: Int {
    done.withLock { s in
      var c = 0
      while s.contains(c) { c += 1 }
      return c
    }
  }
}

/// Chunks whose results are already known: from the state file of an interrupted run
/// (`--resume`) or from shards (`mbc merge`). ``Simulation/run(runs:firstRun:into:details:parameters:progress:cancellation:replay:ledger:)``
/// asks it for every chunk before simulating one.
public protocol ChunkReplay: Sendable {
  /// If chunk `chunk` (runs `firstRun ..< firstRun + rows`) is known, copies its metric rows to
  /// `metrics` (rows × metric columns), its whole outputs over time to `sample` and its
  /// parameter values to `parameters` (for the runs those keep) and its count of clamped
  /// probabilities to `clamps`, and returns true; returns
  /// false when the chunk must be simulated. The chunk's streamed moments are not copied:
  /// they are restored into the ``DetailCollector`` beforehand.
  func replay(chunk: Int, firstRun: Int, rows: Int, metrics: UnsafeMutablePointer<Double>, sample: RunSample?, parameters: RunSample?, clamps: ProbabilityClamps?) -> Bool
}

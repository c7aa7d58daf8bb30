import MBCAnalysis

/// The values of the first `rows` runs, kept whole (for percentiles, and for analyses that need
/// per-run inputs such as the partial value of information). Workers write disjoint rows.
public final class RunSample: @unchecked Sendable {
  /// Runs kept: runs 0 ..< rows.
  public let rows: Int
  public let columns: Int
  let storage: UnsafeMutableBufferPointer<Double>

  public init(rows: Int, columns: Int) {
    self.rows = max(0, rows)
    self.columns = columns
    storage = .allocate(capacity: max(1, self.rows * columns))
    storage.initialize(repeating: .nan)
  }

  deinit { storage.deallocate() }

  /// Where run `run`'s values go, or nil when the run is not kept.
  public func row(_ run: Int) -> UnsafeMutablePointer<Double>? {
    run < rows ? storage.baseAddress! + run * columns : nil
  }

  /// Column j of the first `min(runs, rows)` runs, into `out` (resized).
  public func column(_ j: Int, runs: Int, into out: inout [Double]) {
    let n = min(runs, rows)
    if out.count != n { out = [Double](repeating: 0, count: n) }
    for r in 0..<n { out[r] = storage[r * columns + j] }
  }

  /// The first `min(runs, rows)` runs as a matrix (a copy).
  public func matrix(runs: Int) -> RunMatrix {
    let n = min(runs, rows)
    var m = RunMatrix(rows: n, columns: columns)
    m.storage.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: storage.baseAddress!, count: n * columns) }
    return m
  }
}

/// Aggregates the per-run outputs over time (``DetailLayout``) of a simulation: streamed means
/// and variances over every run (``ColumnMoments``), merged chunk by chunk in run order so that
/// the result is bit-identical for any thread count, and the whole vectors of the first
/// ``sample`` runs for percentiles.
public final class DetailCollector: Sendable {
  public let layout: DetailLayout
  public let sample: RunSample

  private struct State {
    var merged: ColumnMoments
    var nextChunk = 0
    var pending: [Int: ColumnMoments] = [:]
  }
  private let state: Locked<State>

  /// - Parameter sampleRuns: how many runs (the first ones) to keep whole.
  public init(layout: DetailLayout, sampleRuns: Int) {
    self.layout = layout
    sample = RunSample(rows: sampleRuns, columns: layout.count)
    state = Locked(State(merged: ColumnMoments(columns: layout.streamedCount)))
  }

  /// The number of sample runs that keeps the sample under `bytes` (at least 1,000 runs when
  /// the runs allow, at most `runs` and `preferred`).
  public static func sampleRuns(layout: DetailLayout, runs: Int, preferred: Int = 10_000, bytes: Double = 128e6) -> Int {
    let affordable = Int(bytes / (Double(max(layout.count, 1)) * 8))
    return min(runs, min(preferred, max(1000, affordable)))
  }

  /// Moments of the streamed columns over the runs merged so far (chunks merged in order).
  public var moments: ColumnMoments { state.withLock { $0.merged } }

  /// The merge state: the moments of chunks 0 ..< `nextChunk` merged in order, and the
  /// moments of later chunks that wait for a gap below them (ascending chunk numbers).
  public var foldState: (nextChunk: Int, merged: ColumnMoments, pending: [(chunk: Int, moments: ColumnMoments)]) {
    state.withLock { s in
      (s.nextChunk, s.merged, s.pending.sorted { $0.key < $1.key }.map { (chunk: $0.key, moments: $0.value) })
    }
  }

  /// Continues from a saved merge state (``foldState``): the merged moments of chunks
  /// 0 ..< `nextChunk`, then `pending` chunks submitted as if they had just completed. Merging
  /// goes on in chunk order, so the result equals that of one uninterrupted run.
  public func restore(nextChunk: Int, merged: ColumnMoments, pending: [(chunk: Int, moments: ColumnMoments)]) {
    state.withLock { s in
      precondition(s.nextChunk == 0 && s.merged.count == 0, "restore into a used collector")
      s.nextChunk = nextChunk
      s.merged = merged
    }
    for p in pending { submit(chunk: p.chunk, p.moments) }
  }

  /// Adds the moments of chunk `chunk` (global chunk number); chunks are merged in order.
  func submit(chunk: Int, _ moments: ColumnMoments) {
    state.withLock { s in
      s.pending[chunk] = moments
      while let next = s.pending.removeValue(forKey: s.nextChunk) {
        s.merged.merge(next)
        s.nextChunk += 1
      }
    }
  }
}

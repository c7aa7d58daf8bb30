import Foundation

/// Per-metric summaries (``MetricSummary``) of a runs × metrics matrix: the rows of `summary.csv`.
public enum Summaries {
  /// The probabilities of the reported percentiles: the 95% uncertainty interval and the median.
  private static let probabilities = [0.025, 0.5, 0.975]

  /// One summary per column of `matrix`.
  ///
  /// ```
  /// mean, sd, mcse      from the moments: sd = √variance (n − 1), mcse = sd/√n
  /// ciLow, ciHigh       mean ∓ z·mcse, z = Φ⁻¹(0.975) = 1.959963984540054
  /// p2_5, p50, p97_5    Quantiles.type7 of the column at 0.025, 0.5, 0.975
  /// pPositive           #{runs with value > 0} / n
  /// ```
  ///
  /// The CI is the large-sample z-interval; with the thousands of runs mbc uses, the t-interval
  /// would differ in the fourth digit at most (t₀.₉₇₅ with 999 degrees of freedom is 1.9623).
  ///
  /// - Parameters:
  ///   - matrix: The runs × metrics matrix.
  ///   - moments: Moments already computed for `matrix` (by ``Aggregation/moments(of:blockSize:)``,
  ///     typically because the covariance is needed elsewhere too); default `nil`, which computes
  ///     them with the default block size. Their count and number of columns must match `matrix`.
  /// - Complexity: O(n·k²) for the moments when not given, O(n·k) expected for the percentiles
  ///   (each column is gathered into one scratch buffer of n values, reused across columns, and
  ///   reordered by selection); O(n + k²) extra memory.
  public static func summarize(_ matrix: RunMatrix, moments: Moments? = nil) -> [MetricSummary] {
    matrix.checkShape()
    let moments = moments ?? Aggregation.moments(of: matrix)
    let n = matrix.rows
    let k = matrix.columns
    precondition(
      moments.count == n && moments.mean.count == k,
      "Summaries.summarize: moments are for \(moments.count) runs × \(moments.mean.count) metrics, "
        + "the matrix is \(n) × \(k)")

    // Columns are independent: two workers (or as many as there are cores) take every
    // other column each, with their own scratch; the result does not depend on the split.
    let workers = max(1, min(k, ProcessInfo.processInfo.activeProcessorCount, 8))
    let results = Locked([MetricSummary?](repeating: nil, count: k))
    let storage = matrix.storage
    storage.withUnsafeBufferPointer { buffer in
      nonisolated(unsafe) let x = buffer  // read-only while the workers run
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        var scratch = [Double](repeating: 0, count: n)
        for j in stride(from: w, to: k, by: workers) {
          var positive = 0
          var hasNaN = false
          scratch.withUnsafeMutableBufferPointer { column in
            for i in 0..<n {
              let value = x[i * k + j]
              column[i] = value
              if value > 0 { positive += 1 }
              if value.isNaN { hasNaN = true }
            }
          }
          let percentiles = Quantiles.type7(&scratch, probabilities: probabilities)
          let mean = moments.mean[j]
          let mcse = moments.mcse(j)
          let halfWidth = MetricSummary.z975 * mcse
          let summary = MetricSummary(
            count: n, mean: mean, sd: moments.sd(j), mcse: mcse,
            ciLow: mean - halfWidth, ciHigh: mean + halfWidth,
            p2_5: percentiles[0], p50: percentiles[1], p97_5: percentiles[2],
            pPositive: hasNaN ? .nan : Double(positive) / Double(n))
          results.withLock { $0[j] = summary }
        }
      }
    }
    let summaries = results.withLock { $0 }.map { $0! }
    return summaries
  }

  /// The summary of one vector of per-run values, for derived quantities (an incremental cost, a
  /// net saving of one payer).
  ///
  /// Runs through exactly the code of ``summarize(_:moments:)`` on a one-column matrix.
  ///
  /// - Complexity: O(n) expected; O(n) extra memory (the matrix and the scratch copy).
  public static func summarize(values: [Double]) -> MetricSummary {
    var matrix = RunMatrix(rows: values.count, columns: 1)
    matrix.storage = values
    return summarize(matrix)[0]
  }
}

/// Streaming means and variances of many per-run quantities, without keeping the runs: the
/// aggregation of outputs too wide to store for every run (a trace of every state in every
/// cycle, a cash flow per year and payer).
///
/// Runs are added in blocks; each block is reduced to (n_b, m_b, M2_b) per column and merged
/// into the running (n, m, M2) with the update of Chan, Golub & LeVeque (1979):
///
/// ```
/// block:  m_b = mean of the block's values, M2_b = Σ (x − m_b)² (corrected two-pass)
/// merge:  n = n_a + n_b,  δ = m_b − m_a,  m = m_a + δ·n_b/n,  M2 = M2_a + M2_b + δ²·n_a·n_b/n
/// variance = M2 / (n − 1),  mcse = √(variance / n)
/// ```
///
/// Every product is formed from centred values, so the result does not lose digits when the
/// level is large against the spread (see ``Aggregation/moments(of:blockSize:)``). Merging the
/// same blocks in the same order gives bit-identical results; the engine merges chunks of runs
/// in run order, whatever the thread count.
public struct ColumnMoments: Sendable, Equatable {
  /// The number of runs merged.
  public private(set) var count: Int
  /// Per column, the mean over the runs merged.
  public private(set) var mean: [Double]
  /// Per column, Σ (x − mean)² over the runs merged.
  public private(set) var m2: [Double]

  /// No runs yet, `columns` columns.
  public init(columns: Int) {
    count = 0
    mean = [Double](repeating: 0, count: columns)
    m2 = [Double](repeating: 0, count: columns)
  }

  /// Moments saved earlier (e.g. in the state file of an interrupted run): `count` runs with
  /// these per-column means and sums of squared deviations.
  public init(count: Int, mean: [Double], m2: [Double]) {
    precondition(mean.count == m2.count && count >= 0)
    self.count = count
    self.mean = mean
    self.m2 = m2
  }

  /// The number of columns.
  public var columns: Int { mean.count }

  /// Unbiased variance of column j (divisor n − 1); NaN with fewer than 2 runs.
  public func variance(_ j: Int) -> Double { count < 2 ? .nan : m2[j] / Double(count - 1) }
  /// Standard deviation of column j over runs.
  public func sd(_ j: Int) -> Double { variance(j).squareRoot() }
  /// Monte Carlo standard error of the mean of column j: sd/√n.
  public func mcse(_ j: Int) -> Double { sd(j) / Double(count).squareRoot() }

  /// Adds `rows` runs stored row-major: run i's values are `block[i·stride ..< i·stride + columns]`
  /// (`stride` ≥ columns; default columns).
  ///
  /// Two passes over the block (the corrected two-pass algorithm of Chan, Golub & LeVeque
  /// 1983): m₀ = the block's raw mean, then with d = x − m₀, m = m₀ + Σd/n and
  /// M2 = Σd² − (Σd)²/n; the correction term is tiny because m₀ is already close to the mean.
  public mutating func add(block: UnsafePointer<Double>, rows: Int, stride: Int? = nil) {
    guard rows > 0 else { return }
    let k = columns
    let stride = stride ?? k
    precondition(stride >= k, "ColumnMoments.add: stride \(stride) below \(k) columns")
    var other = ColumnMoments(columns: k)
    other.count = rows
    let n = Double(rows)
    var residual = [Double](repeating: 0, count: k)
    other.mean.withUnsafeMutableBufferPointer { m in
      other.m2.withUnsafeMutableBufferPointer { s in
        residual.withUnsafeMutableBufferPointer { r in
          let m = m.baseAddress!, s = s.baseAddress!, r = r.baseAddress!
          var row = block
          for _ in 0..<rows {
            for j in 0..<k { m[j] += row[j] }
            row += stride
          }
          for j in 0..<k { m[j] /= n }
          row = block
          for _ in 0..<rows {
            for j in 0..<k {
              let d = row[j] - m[j]
              r[j] += d
              s[j] += d * d
            }
            row += stride
          }
          for j in 0..<k {
            s[j] = max(0, s[j] - r[j] * r[j] / n)
            m[j] += r[j] / n
          }
        }
      }
    }
    merge(other)
  }

  /// Merges the moments of other runs (of the same columns) into these.
  public mutating func merge(_ other: ColumnMoments) {
    precondition(other.columns == columns, "ColumnMoments.merge: \(other.columns) columns, expected \(columns)")
    guard other.count > 0 else { return }
    if count == 0 {
      self = other
      return
    }
    let total = Double(count + other.count)
    let weight = Double(count) * Double(other.count) / total
    let shift = Double(other.count) / total
    for j in 0..<columns {
      let delta = other.mean[j] - mean[j]
      m2[j] += other.m2[j] + delta * delta * weight
      mean[j] += delta * shift
    }
    count += other.count
  }
}

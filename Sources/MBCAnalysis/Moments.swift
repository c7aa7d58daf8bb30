/// The means and the covariance matrix of the columns of a runs × metrics matrix.
///
/// ```
/// mean[j]             = x̄ⱼ = (1/n) Σᵣ xᵣⱼ
/// covariance[i*k + j] = (1/(n−1)) Σᵣ (xᵣᵢ − x̄ᵢ)(xᵣⱼ − x̄ⱼ)   (unbiased; k = number of columns)
/// mcse(j)             = sd(j) / √n                         (Monte Carlo standard error of x̄ⱼ)
/// ```
///
/// Small counts follow IEEE arithmetic rather than trapping: with `count == 0` the means are NaN
/// (0/0); with `count < 2` every covariance entry is NaN (the unbiased divisor n − 1 is 0), hence
/// so are ``variance(_:)``, ``sd(_:)``, ``mcse(_:)`` and ``correlation(_:_:)``. Because NaN ≠ NaN,
/// two independently computed `Moments` holding NaN compare unequal with `==` (copies of one value
/// still compare equal: `Array`'s `==` short-cuts on shared storage); compare bit patterns when
/// that matters.
///
/// Built by ``Aggregation/moments(of:blockSize:)``.
public struct Moments: Sendable, Equatable {
  /// The number of runs n.
  public let count: Int
  /// The column means, one per metric.
  public let mean: [Double]
  /// The unbiased covariance matrix (divisor n − 1), `columns × columns`, row-major, exactly
  /// symmetric; all NaN when `count < 2`.
  public let covariance: [Double]

  /// Moments from their parts; `covariance` must be `mean.count × mean.count`.
  public init(count: Int, mean: [Double], covariance: [Double]) {
    precondition(count >= 0, "Moments: count \(count) must be ≥ 0")
    precondition(
      covariance.count == mean.count * mean.count,
      "Moments: covariance has \(covariance.count) elements, expected \(mean.count)²")
    self.count = count
    self.mean = mean
    self.covariance = covariance
  }

  /// The number of metrics.
  var columns: Int { mean.count }

  /// The unbiased variance of metric `j`: `covariance[j*k + j]`; NaN when `count < 2`.
  public func variance(_ j: Int) -> Double {
    checkColumn(j)
    return covariance[j * columns + j]
  }

  /// The standard deviation of metric `j` over runs: `√variance(j)`; NaN when `count < 2`.
  public func sd(_ j: Int) -> Double {
    variance(j).squareRoot()
  }

  /// The Monte Carlo standard error of the mean of metric `j`: `sd(j) / √n`.
  ///
  /// This is the standard error of ``mean``\[j\] as an estimate of the expectation, not the spread
  /// of the runs (that is ``sd(_:)``); it shrinks as 1/√n. NaN when `count < 2`.
  public func mcse(_ j: Int) -> Double {
    sd(j) / Double(count).squareRoot()
  }

  /// The Pearson correlation of metrics `i` and `j`: `cov(i, j) / (sd(i) · sd(j))`, clamped to [−1,
  /// 1] (rounding can otherwise give 1 + ulp).
  ///
  /// NaN when `count < 2` or when either metric has zero variance (0/0).
  public func correlation(_ i: Int, _ j: Int) -> Double {
    checkColumn(i)
    checkColumn(j)
    let r = covariance[i * columns + j] / (sd(i) * sd(j))
    if r.isNaN { return r }
    return Swift.min(Swift.max(r, -1), 1)
  }

  private func checkColumn(_ j: Int) {
    precondition(0 <= j && j < columns, "Moments: column \(j) out of range 0..<\(columns)")
  }
}

// Catastrophic cancellation: data with a level far above its spread.
import Testing

@testable import MBCAnalysis

@Suite("Numerical robustness")
struct NumericalRobustnessTests {
  /// Columns 1e9 + N(0, σ²) with σ = 1, 2, 0.5: a cost in the billions with small run-to-run noise.
  static func offsetMatrix(rows: Int) -> RunMatrix {
    var random = TestRandom(seed: 2024)
    var matrix = RunMatrix(rows: rows, columns: 3)
    for i in 0..<rows {
      matrix[i, 0] = 1e9 + random.normal()
      matrix[i, 1] = 1e9 + 2 * random.normal()
      matrix[i, 2] = -1e9 + 0.5 * random.normal()
    }
    return matrix
  }

  // Why the naive formula fails here. In (Σx² − n·x̄²)/(n − 1), Σx² ≈ n·1e18 = 1e22 for n = 10 000;
  // one ulp of 1e22 is 2²¹ ≈ 2e6, so Σx² alone carries an absolute rounding error of millions,
  // while the quantity wanted, Σ(x − x̄)² ≈ n·σ² = 1e4, is smaller than a single ulp. Every
  // significant digit cancels: the naive variance comes out as garbage (often negative or 0).
  // Centring first keeps the products of size σ². Observed agreement with the two-pass value: 6e-10
  // relative with blocks of 4096, 2e-8 with blocks of 1 or 7, where the running mean near 1e9 is
  // rounded to ulp(1e9) = 1.2e-7 at every one of the many merges (the two-pass reference itself is
  // good to ~1e-11 here: its mean is off by ~3e-6, which enters the variance squared). Tolerance
  // 1e-6 is the brief's; the test below asserts the naive formula misses it by orders of magnitude,
  // so the test would catch an implementation that used it.
  @Test("1e9 + N(0,1): variance within 1e-6 of two-pass for every block size; naive one-pass fails")
  func test_largeOffset_variance() {
    let matrix = Self.offsetMatrix(rows: 10_000)
    let reference = twoPassMoments(matrix)
    let k = matrix.columns
    for blockSize in [1, 7, 4096] {
      let moments = Aggregation.moments(of: matrix, blockSize: blockSize)
      for j in 0..<k {
        let expected = reference.covariance[j * k + j]
        expectClose(
          moments.variance(j), expected, scale: expected, tolerance: 1e-6,
          "variance[\(j)], block size \(blockSize)")
        // The means are sums of values ≈ 1e9 on both sides: partial sums up to 1e13 have an ulp of
        // 2e-3, so the two computations agree to ~1e-14 relative (well below σ/√n), not to the bit.
        expectClose(
          moments.mean[j], reference.mean[j], scale: abs(reference.mean[j]), tolerance: 1e-13,
          "mean[\(j)], block size \(blockSize)")
      }
      for i in 0..<k {
        for j in 0..<k {
          let sdProduct =
            (reference.covariance[i * k + i] * reference.covariance[j * k + j]).squareRoot()
          expectClose(
            moments.covariance[i * k + j], reference.covariance[i * k + j], scale: sdProduct,
            tolerance: 1e-6, "cov[\(i), \(j)], block size \(blockSize)")
        }
      }
    }

    // The naive one-pass formula on the same data, to show the test has teeth.
    let n = Double(matrix.rows)
    for j in 0..<k {
      var sum = 0.0
      var sumOfSquares = 0.0
      for i in 0..<matrix.rows {
        sum += matrix[i, j]
        sumOfSquares += matrix[i, j] * matrix[i, j]
      }
      let naive = (sumOfSquares - sum * sum / n) / (n - 1)
      let expected = reference.covariance[j * k + j]
      #expect(abs(naive - expected) / expected > 1, "naive variance \(naive) vs \(expected)")
    }
  }

  // A deterministic metric (a fixed cost) must come out exact: its mean is its value and its spread
  // 0. A raw column sum of 4096 copies of 123456.789 is not exact (partial sums round), so the
  // first block mean is off by a few ulps; the refinement step sums the residuals, which are exact
  // multiples of an ulp, and recovers the value exactly. Without it this test fails (mean off by
  // ~2e-14 relative, sd ~1e-9).
  @Test("a constant column gets its exact value as mean and exactly 0 as variance")
  func test_constantColumn() {
    var matrix = RunMatrix(rows: 9_001, columns: 3)
    var random = TestRandom(seed: 3)
    for i in 0..<matrix.rows {
      matrix[i, 0] = 123_456.789  // not a dyadic number: raw sums round
      matrix[i, 1] = 1e5 + 1e4 * random.normal()
      matrix[i, 2] = 0.1
    }
    for blockSize in [1, 7, 4096] {
      let moments = Aggregation.moments(of: matrix, blockSize: blockSize)
      #expect(moments.mean[0] == 123_456.789, "block size \(blockSize)")
      #expect(moments.mean[2] == 0.1, "block size \(blockSize)")
      #expect(moments.variance(0) == 0 && moments.variance(2) == 0, "block size \(blockSize)")
      #expect(moments.covariance[0 * 3 + 1] == 0 && moments.covariance[1 * 3 + 2] == 0)
      #expect(moments.correlation(0, 1).isNaN)
      #expect(moments.variance(1) > 0)
    }
  }
}

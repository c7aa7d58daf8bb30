// Aggregation.moments against the textbook two-pass computation, across the sizes where blocking
// can go wrong: a single row, fewer rows than a block, exactly one block, one row more or less,
// several blocks.
import Testing

@testable import MBCAnalysis

@Suite("Moments: blocked BLAS aggregation")
struct MomentsTests {
  static let rowCounts = [1, 2, 3, 4095, 4096, 4097, 10_000]
  static let columnCounts = [1, 3, 25]
  static let blockSizes = [1, 7, 4096]

  // Tolerance 1e-12, and why it is the right one for these sizes.
  //
  // Error measures. A mean's error is taken relative to the column's mean |x| (the scale of the
  // rounding error of a sum: Σ|xᵢ|·u), because some columns have a mean near 0. A covariance's
  // error is taken relative to sd_a·sd_b, the largest value |cov(a, b)| can have (a
  // correlation-scale error): a near-zero covariance between independent columns has no meaningful
  // relative error of its own (its condition number is unbounded); on the diagonal this measure is
  // the plain relative error.
  //
  // Expected size. Both sides are sums of at most n = 10 000 terms in Double (u = 1.1e-16).
  // Recursive summation has the worst-case bound (n − 1)·u ≈ 1.1e-12 relative to Σ|terms|; the
  // updating path (block size 1, Welford-like) has Chan, Golub & LeVeque's n·κ·u with
  // κ = √(1 + x̄²/s²) ≤ 10 for these columns. Those bounds assume every rounding error has the same
  // sign; independent errors add like a random walk, √n·κ·u ≤ 1e-13. Observed (all sizes, all block
  // sizes): means ≤ 7e-15, covariances ≤ 1.4e-13, and ≤ 1e-14 without the event-count columns. The
  // largest is the reference's own error, not the blocked one: on the integer-valued event count
  // column the squared deviations take few distinct values, so the rounding errors of the plain
  // running sum do not cancel and grow like n·u; against a compensated (Kahan) two-pass sum the
  // blocked variance is off by 4e-16 and the plain reference by 1.3e-13. So 1e-12 is ~7× above the
  // worst observed (reference) error and below the reference's worst-case bound, while every
  // algorithmic mistake is far larger: divisor n instead of n − 1 is 1e-4 relative at n = 10 000, a
  // dropped or repeated row or a wrong merge weight ~1e-4, a missing δδᵀ term ~1/blockSize.
  static let tolerance = 1e-12

  @Test("matches the two-pass reference", arguments: rowCounts, columnCounts)
  func test_moments_matchTwoPass(rows: Int, columns: Int) {
    let matrix = makeRunMatrix(rows: rows, columns: columns, seed: UInt64(rows * 100 + columns))
    let reference = twoPassMoments(matrix)
    let scale = meanAbsolute(matrix)
    for blockSize in Self.blockSizes {
      let moments = Aggregation.moments(of: matrix, blockSize: blockSize)
      #expect(moments.count == rows)
      #expect(moments.mean.count == columns)
      #expect(moments.covariance.count == columns * columns)
      for j in 0..<columns {
        expectClose(
          moments.mean[j], reference.mean[j], scale: scale[j], tolerance: Self.tolerance,
          "mean[\(j)], block size \(blockSize)")
      }
      if rows < 2 {
        #expect(moments.covariance.allSatisfy { $0.isNaN }, "count < 2 gives NaN covariance")
        continue
      }
      for a in 0..<columns {
        for b in 0..<columns {
          let varianceA = reference.covariance[a * columns + a]
          let varianceB = reference.covariance[b * columns + b]
          let sdProduct = (varianceA * varianceB).squareRoot()
          expectClose(
            moments.covariance[a * columns + b], reference.covariance[a * columns + b],
            scale: sdProduct, tolerance: Self.tolerance, "cov[\(a), \(b)], block size \(blockSize)")
          #expect(moments.covariance[a * columns + b] == moments.covariance[b * columns + a])
        }
      }
    }
  }

  @Test("independent of the block size to rounding, bit-identical for the same block size")
  func test_moments_blockSizeIndependence() {
    let matrix = makeRunMatrix(rows: 10_007, columns: 6, seed: 42)
    let k = matrix.columns
    let baseline = Aggregation.moments(of: matrix)
    let scale = meanAbsolute(matrix)
    for blockSize in [1, 2, 7, 64, 1000, 4095, 4096, 10_006, 10_007, 1 << 20] {
      let moments = Aggregation.moments(of: matrix, blockSize: blockSize)
      for j in 0..<k {
        expectClose(
          moments.mean[j], baseline.mean[j], scale: scale[j], tolerance: MomentsTests.tolerance,
          "mean[\(j)], block size \(blockSize)")
        for i in 0..<k {
          expectClose(
            moments.covariance[i * k + j], baseline.covariance[i * k + j],
            scale: baseline.sd(i) * baseline.sd(j), tolerance: MomentsTests.tolerance,
            "cov[\(i), \(j)], block size \(blockSize)")
        }
      }

      // Same block size, a copy of the data in a different buffer: the same bits.
      var copy = RunMatrix(rows: matrix.rows, columns: matrix.columns)
      copy.storage = matrix.storage.map { $0 }
      let again = Aggregation.moments(of: copy, blockSize: blockSize)
      #expect(bits(again.mean) == bits(moments.mean), "block size \(blockSize)")
      #expect(bits(again.covariance) == bits(moments.covariance), "block size \(blockSize)")
      #expect(again == moments)
    }
  }

  @Test("accessors on a hand example: variance, sd, mcse, correlation")
  func test_moments_accessors() {
    // x = 1, 2, 3, 4; y = 4, 3, 2, 1 (y = 5 − x); z = 1, 1, 1, 1.
    var matrix = RunMatrix(rows: 4, columns: 3)
    for i in 0..<4 {
      matrix[i, 0] = Double(i + 1)
      matrix[i, 1] = Double(4 - i)
      matrix[i, 2] = 1
    }
    for blockSize in [1, 3, 4096] {
      let moments = Aggregation.moments(of: matrix, blockSize: blockSize)
      #expect(moments.count == 4)
      #expect(moments.mean == [2.5, 2.5, 1])
      // Σ(x − 2.5)² = 2.25 + 0.25 + 0.25 + 2.25 = 5, so var = 5/3.
      #expect(abs(moments.variance(0) - 5.0 / 3) <= 1e-15)
      #expect(abs(moments.covariance[0 * 3 + 1] + 5.0 / 3) <= 1e-15)
      #expect(abs(moments.sd(1) - (5.0 / 3).squareRoot()) <= 1e-15)
      #expect(abs(moments.mcse(0) - (5.0 / 3).squareRoot() / 2) <= 1e-15)
      #expect(moments.correlation(0, 1) == -1)
      #expect(moments.correlation(0, 0) == 1)
      #expect(moments.variance(2) == 0, "a constant column has variance exactly 0")
      #expect(moments.correlation(0, 2).isNaN, "correlation with a constant column is 0/0")
    }
  }

  @Test("count 0 and 1 give NaN where the statistic is undefined; no columns gives empty results")
  func test_moments_smallCounts() {
    let empty = Aggregation.moments(of: RunMatrix(rows: 0, columns: 2))
    #expect(empty.count == 0)
    #expect(empty.mean.count == 2 && empty.mean.allSatisfy { $0.isNaN })
    #expect(empty.covariance.count == 4 && empty.covariance.allSatisfy { $0.isNaN })

    var one = RunMatrix(rows: 1, columns: 2)
    one[0, 0] = 3.5
    one[0, 1] = -1
    let single = Aggregation.moments(of: one)
    #expect(single.count == 1)
    #expect(single.mean == [3.5, -1])
    #expect(single.covariance.allSatisfy { $0.isNaN })
    #expect(single.variance(0).isNaN && single.sd(0).isNaN && single.mcse(0).isNaN)
    #expect(single.correlation(0, 1).isNaN)
    #expect(
      single != Aggregation.moments(of: one),
      "NaN ≠ NaN, so independently computed Moments holding NaN are not ==")

    var two = RunMatrix(rows: 2, columns: 1)
    two[0, 0] = 1
    two[1, 0] = 3
    let pair = Aggregation.moments(of: two)
    #expect(pair.mean == [2])
    #expect(pair.variance(0) == 2)  // ((1−2)² + (3−2)²) / (2 − 1)

    let noColumns = Aggregation.moments(of: RunMatrix(rows: 5, columns: 0))
    #expect(noColumns.count == 5 && noColumns.mean.isEmpty && noColumns.covariance.isEmpty)
  }
}

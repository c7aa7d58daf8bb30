/// Means and covariance of a runs × metrics matrix, computed in blocks of runs on BLAS.
///
/// Implementation goals, in order of priority: accuracy on data with a large mean relative to its
/// spread (costs), exact answers for deterministic (constant) metrics, bit-reproducibility, bounded
/// memory, speed.
public enum Aggregation {
  /// The means and unbiased covariance of the columns of `matrix`, computed block by block on BLAS.
  ///
  /// The runs are cut into consecutive blocks of `blockSize` rows (the last one may be shorter).
  /// For a block B of b rows, in row order:
  ///
  /// ```
  /// m₀   = (Bᵀ·1) / b               column sums (dgemv), first block means
  /// m_B  = m₀ + (B − 1·m₀ᵀ)ᵀ·1 / b    one refinement step: the mean of the residuals (dgemv)
  /// B_c  = B − 1·m_Bᵀ               the block centred on its own means
  /// M2_B = B_cᵀ·B_c                 centred cross-products (dsyrk, added straight into M2)
  /// ```
  ///
  /// and the block is merged into the running (n_a, m_a, M2_a) with the pairwise update of Chan,
  /// Golub and LeVeque (1979, "Updating formulae and a pairwise algorithm for computing sample
  /// variances"):
  ///
  /// ```
  /// n  = n_a + n_b,   δ = m_B − m_a
  /// m  = m_a + δ · n_b/n
  /// M2 = M2_a + M2_B + δδᵀ · n_a·n_b/n
  /// ```
  ///
  /// and finally `covariance = M2 / (n − 1)`.
  ///
  /// **Numerical stability.** The naive one-pass formula `Σx² − n·x̄²` subtracts two nearly equal
  /// numbers: for costs of order 1e5 with SD 1e4, Σx² is ≈ 100× the centred sum, so about two of
  /// the 16 significant digits cancel; at 1e9 ± 1 (a cost in euros with small noise) all of them
  /// do, and the result can even be negative. Here every product is formed from values centred on
  /// their own block's mean, so the products are of the size of the spread, not of the level, and
  /// the diagonal is a sum of squares (a variance can never come out negative). The merge only adds
  /// the small correction δδᵀ·n_a·n_b/n, where δ is a difference of two means (of the order of the
  /// spread/√b). The rounding error is then bounded like that of a sum of the centred products,
  /// independent of the mean level to first order (Chan, Golub & LeVeque 1983, "Algorithms for
  /// computing the sample variance: analysis and recommendations"). In practice it matches a
  /// two-pass computation to ~1e-14 relative on cost-like data (mean/SD ≤ 10), and to ~1e-9 on
  /// 1e9 + N(0, 1), where the naive formula has no correct digit left.
  ///
  /// The refinement step is the correction term of the corrected two-pass algorithm of the same
  /// paper: a raw column sum of values near 1e9 carries a rounding error far above ulp(1e9), which
  /// would make m₀ off by many ulps; the residuals B − m₀ are small and summed almost exactly, so
  /// m_B is accurate to about an ulp. In particular a constant column (a deterministic cost) gets
  /// its exact value as mean and exactly 0 as variance and covariances (so its correlations are
  /// NaN, not noise). It costs two O(b·k) passes against the O(b·k²/2) of dsyrk.
  ///
  /// **Determinism.** BLAS is made single-threaded (``BLAS/useSingleThread()``, called here) and
  /// blocks are processed in row order, so the result is bit-identical between calls with the same
  /// `blockSize` (for the same OpenBLAS build and CPU kernel, see ``BLAS/coreName``), whatever the
  /// caller's thread count. Different block sizes agree to rounding (~1e-14 relative), not bitwise.
  ///
  /// **Small counts.** `count == 0`: means NaN; `count < 2`: covariance all NaN (see ``Moments``).
  /// No column: empty mean and covariance. A NaN or infinite value makes its column's mean and its
  /// row and column of the covariance NaN; other entries are unaffected.
  ///
  /// - Parameters:
  ///   - matrix: The runs × metrics matrix (`storage.count` must be `rows * columns`).
  ///   - blockSize: Rows per block, ≥ 1; default 4096. Large enough that the BLAS-3 product (b·k²/2
  ///     multiply-adds per block) dominates the O(k²) merge and the call overhead, small enough
  ///     that the centred block (b·k·8 bytes: 800 KB for k = 25) stays in the L2 cache and memory
  ///     stays bounded whatever the number of runs. A block must fit BLAS's 32-bit sizes.
  /// - Complexity: O(n·k²) time (n·k²/2 multiply-adds in dsyrk, plus O(n·k) and O(k²·n/blockSize));
  ///   O(min(n, blockSize)·k + k²) extra memory.
  public static func moments(of matrix: RunMatrix, blockSize: Int = 4096) -> Moments {
    precondition(blockSize >= 1, "Aggregation.moments: blockSize \(blockSize) must be ≥ 1")
    matrix.checkShape()
    BLAS.useSingleThread()

    let n = matrix.rows
    let k = matrix.columns
    guard k > 0 else { return Moments(count: n, mean: [], covariance: []) }
    guard n > 0 else {
      return Moments(
        count: 0, mean: [Double](repeating: .nan, count: k),
        covariance: [Double](repeating: .nan, count: k * k))
    }

    // Scratch and running state, allocated once (no per-block allocation).
    let maxBlock = Swift.min(blockSize, n)
    let ones = allocate(maxBlock, repeating: 1)
    let centred = allocate(maxBlock * k, repeating: 0)  // the current block, centred
    let blockMean = allocate(k, repeating: 0)  // m_B, then δ
    let residual = allocate(k, repeating: 0)  // column sums, then residual sums
    let mean = allocate(k, repeating: 0)
    let m2 = allocate(k * k, repeating: 0)  // Σ (x − x̄)(x − x̄)ᵀ over the rows merged so far
    defer {
      for buffer in [ones, centred, blockMean, residual, mean, m2] { buffer.deallocate() }
    }

    matrix.storage.withUnsafeBufferPointer { x in
      var seen = 0
      while seen < n {
        let b = Swift.min(blockSize, n - seen)
        let block = UnsafeBufferPointer(rebasing: x[(seen * k)..<((seen + b) * k)])
        let blockCentred = UnsafeMutableBufferPointer(rebasing: centred[0..<(b * k)])
        let blockOnes = UnsafeBufferPointer(rebasing: ones[0..<b])
        let count = Double(b)

        // m₀ = Bᵀ·1 / b, then m_B = m₀ + (B − m₀)ᵀ·1 / b, then B_c = B − m_B.
        BLAS.gemv(block, rows: b, columns: k, transposeA: true, x: blockOnes, y: residual)
        for j in 0..<k { blockMean[j] = residual[j] / count }
        centre(block, on: blockMean, into: blockCentred, columns: k)
        BLAS.gemv(
          UnsafeBufferPointer(blockCentred), rows: b, columns: k, transposeA: true, x: blockOnes,
          y: residual)
        for j in 0..<k { blockMean[j] += residual[j] / count }
        centre(block, on: blockMean, into: blockCentred, columns: k)

        // Merge (Chan, Golub & LeVeque): M2 += B_cᵀB_c + δδᵀ·n_a·n_b/n, mean += δ·n_b/n.
        BLAS.syrk(
          UnsafeBufferPointer(blockCentred), rows: b, columns: k, transposeA: true, c: m2, beta: 1)
        if seen == 0 {
          for j in 0..<k { mean[j] = blockMean[j] }
        } else {
          let total = Double(seen + b)
          let weight = Double(seen) * count / total
          let shift = count / total
          for j in 0..<k { blockMean[j] -= mean[j] }  // now δ
          // weight·(δᵢ·δⱼ), not (weight·δᵢ)·δⱼ: bitwise symmetric in (i, j), so M2 stays exactly
          // symmetric.
          for i in 0..<k {
            let di = blockMean[i]
            for j in 0..<k { m2[i * k + j] += weight * (di * blockMean[j]) }
          }
          for j in 0..<k { mean[j] += blockMean[j] * shift }
        }
        seen += b
      }
    }

    let covariance: [Double]
    if n < 2 {
      covariance = [Double](repeating: .nan, count: k * k)
    } else {
      let divisor = Double(n - 1)
      covariance = m2.map { $0 / divisor }
    }
    return Moments(count: n, mean: Array(mean), covariance: covariance)
  }

  /// A newly allocated buffer of `count` copies of `value`; the caller deallocates it.
  private static func allocate(_ count: Int, repeating value: Double)
    -> UnsafeMutableBufferPointer<Double>
  {
    let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
    buffer.initialize(repeating: value)
    return buffer
  }

  /// `centred[i, j] = block[i, j] − mean[j]` for a row-major block with `columns` columns.
  private static func centre(
    _ block: UnsafeBufferPointer<Double>, on mean: UnsafeMutableBufferPointer<Double>,
    into centred: UnsafeMutableBufferPointer<Double>, columns k: Int
  ) {
    var row = 0
    while row < block.count {
      for j in 0..<k { centred[row + j] = block[row + j] - mean[j] }
      row += k
    }
  }
}

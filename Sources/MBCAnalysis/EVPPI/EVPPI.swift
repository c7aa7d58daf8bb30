// Expected value of partial perfect information by a regression metamodel (Strong, Oakley &
// Brennan 2014), with least squares on LAPACK.
//
// Implementation goals, in order of priority:
// 1. A correct estimate for the common case (one parameter or a small group, thousands of runs,
//    two to a handful of arms), with diagnostics that say when not to trust it.
// 2. Numerical robustness: incremental responses, standardised parameters, centred and scaled
//    columns, and a rank-revealing SVD solver, so scale differences and collinear columns do no
//    harm.
// 3. An honest Monte Carlo error (bootstrap), reproducible from a seed.
// 4. Speed: one factorisation for all arms (multiple right-hand sides); O(runs · columns²).

/// The expected value of partial perfect information (EVPPI) of a parameter or a group of
/// parameters, from a probabilistic sensitivity analysis (PSA) sample.
///
/// For decision options (arms) k with net monetary benefit NMB_k and parameters of interest θ
/// (the remaining uncertain parameters ψ),
///
/// ```
/// EVPPI(θ) = E_θ[ max_k E(NMB_k | θ) ] − max_k E(NMB_k)
/// ```
///
/// the expected gain from learning θ exactly before deciding. Nested Monte Carlo needs an inner
/// simulation per outer draw of θ; the regression method (Strong, Oakley & Brennan 2014, Med
/// Decis Making 34:311–326) instead reuses the one PSA sample, where runs share draws across
/// arms: the conditional expectation E(NMB_k | θ) is the regression function of NMB_k on θ, so a
/// least-squares fit of the per-run NMB on a flexible basis of the per-run θ estimates it, and
///
/// ```
/// EVPPI ≈ (1/n) Σ_r max_k ĝ_k(θ_r) − max_k (1/n) Σ_r NMB_k,r
/// ```
///
/// ## Method
///
/// - **Incremental responses.** The fit is of ΔNMB_k = NMB_k − NMB_0 for k = 1 … K − 1 (arm 0 is
///   the reference). Least squares is linear in the response, so with one design matrix
///   fit(NMB_k) − fit(NMB_0) = fit(ΔNMB_k) in exact arithmetic, and
///   max_k ĝ_k = ĝ_0 + max(0, max_k Δĝ_k): the EVPPI is the same. The incremental form is better:
///   variation common to all arms (the cost of usual care, often most of the variance of each
///   NMB) cancels before the fit instead of being fitted and subtracted, which avoids
///   cancellation when arms differ by little beside large levels, needs one regression fewer, and
///   makes the R² of each fit meaningful (the share of the *decision-relevant* variance
///   explained).
/// - **Basis.** See ``EVPPIBasis``: natural cubic splines with knots at quantiles (one
///   parameter), additive splines plus pairwise products (groups), or a total-degree polynomial,
///   all on standardised parameters with centred and scaled columns and an explicit intercept.
///   This is unpenalised least squares on a fixed basis, a simplification of the GAM (one to
///   about five parameters) and Gaussian process (more) of Strong et al.
/// - **Solver.** One call of LAPACK `dgelsd` (SVD, minimum-norm solution, numerical rank) for all
///   K − 1 responses, then the fitted values by `dgemm`; see
///   ``BLAS/gelsd(_:rows:columns:b:rightHandSides:solution:singularValues:rcond:)``.
/// - **Estimate.** With k* the arm of the highest mean NMB,
///   `EVPPI = (1/n) Σ_r [max(0, max_k Δĝ_k,r) − Δĝ_{k*},r]` (Δĝ_0 = 0): a mean of non-negative
///   terms, so never negative; since an intercept is in the basis, the mean of Δĝ_{k*} is the mean
///   of ΔNMB_{k*}, and this is the formula above. The EVPI uses the same formula on the raw
///   ΔNMB.
///
/// ## Accuracy
///
/// - *Basis error* (bias either way; usually down, as a too-smooth fit misses decision changes):
///   judge by the R² against what the parameter should explain, or by refitting with a richer
///   basis. The EVPPI of all parameters together should come close to the EVPI.
/// - *Fitting noise* (bias up): the fitted values carry on average a share q/n (columns/runs) of
///   the residual variance as noise, and a maximum over noisy values is biased upwards (Jensen).
///   For a conditional expectation with SD s and residual SD σ, the relative bias is roughly
///   ½·(σ/s)²·q/n. Hence ``runsPerColumn``, and ``EVPPIResult/bootstrapBias`` as a check.
/// - *Monte Carlo error*: ``EVPPIResult/standardError``, by the nonparametric bootstrap of runs:
///   B replicates, each resampling n runs with replacement (the rows of the design matrix and of
///   the responses together, the knots kept from the full sample), refitting and recomputing the
///   EVPPI; the SE is the SD of the replicates. Strong et al. instead sample the fitted values
///   from the GAM's approximate posterior; the bootstrap needs no normal, homoscedastic residuals
///   and includes the error of the outer mean over the sampled θ. In the tests (model B of
///   `EVPPINestedMonteCarloTests`, 100 independent samples of 5,000 runs) the mean bootstrap SE
///   was 0.91 and 0.95 times the observed SD of the estimates.
public enum EVPPI {
  /// The fewest runs per column of the design matrix (intercept included) before
  /// ``EVPPIResult/tooManyColumns`` is set; ``EVPPIBasis/automatic`` keeps within it.
  ///
  /// The mean leverage of a least-squares fit is q/n, so at 50 runs per column the fitted values
  /// carry at most 2% of the residual variance as noise on average (a noise SD of 0.14·σ). By the
  /// rule of thumb in ``EVPPI`` (relative bias ½·(σ/s)²·q/n = 0.01·(σ/s)² at q/n = 1/50), that
  /// keeps the upward bias below 1% while the residual SD σ is at most the SD s of the signal
  /// (R² ≥ 0.5), and below 10% down to R² ≈ 0.09; for parameters that explain still less, the
  /// EVPPI is small anyway, and ``EVPPIResult/bootstrapBias`` shows the size of the effect.
  public static let runsPerColumn = 50

  /// EVPPI of the parameters `theta` by least-squares regression of the incremental net monetary
  /// benefit on a basis of `theta`.
  ///
  /// - Parameters:
  ///   - theta: The parameters of interest, **parameters × runs**: `theta[j][r]` is the value of
  ///     parameter j in PSA run r. One row for a single parameter, several for a group; no rows
  ///     gives EVPPI 0 (nothing learnt). Every row has one value per run.
  ///   - nmb: Net monetary benefit, **arms × runs**: `nmb[k][r]` is arm k's NMB in run r, from
  ///     the same parameter draws for every arm (as mbc's runs are). At least one arm; arm 0 is
  ///     the reference of the incremental regressions (the EVPPI does not depend on the choice,
  ///     the R² values do).
  ///   - basis: The regression basis; default ``EVPPIBasis/automatic``, which sizes a spline
  ///     basis to the number of runs and parameters.
  ///   - bootstrapReplicates: The number B of bootstrap replicates for
  ///     ``EVPPIResult/standardError`` and ``EVPPIResult/bootstrapBias``; default 100, which
  ///     gives the SE within about ±7% (relative SE of an SD estimate, 1/√(2B)) for B + 1 fits.
  ///     0 skips the bootstrap (both fields `nil`).
  ///   - seed: The seed of the bootstrap's resampling (SplitMix64); default a fixed constant, so
  ///     the same input always gives the same result. The estimate itself involves no randomness.
  /// - Returns: The estimate with its diagnostics. Non-finite input gives NaN estimates and a
  ///   warning rather than a trap (a NaN run is a model error to report, not a programming error).
  /// - Complexity: O(n·q²) for one fit of n runs and q columns (the SVD solver first reduces the
  ///   n × q design by QR), times B + 1 with the bootstrap; O(n·log n) per parameter for the
  ///   knots. Memory: about four n × q matrices of `Double` (the design, its resampled copy, and
  ///   LAPACK's column-major copy of each), e.g. 32 MB for 10⁵ runs and 10 columns.
  public static func regression(
    theta: [[Double]], nmb: [[Double]], basis: EVPPIBasis = .automatic,
    bootstrapReplicates: Int = 100, seed: UInt64 = 0x5eed_e999
  ) -> EVPPIResult {
    precondition(!nmb.isEmpty, "EVPPI.regression: nmb has no arms")
    let runs = nmb[0].count
    precondition(runs >= 1, "EVPPI.regression: nmb has no runs")
    for (k, arm) in nmb.enumerated() {
      precondition(
        arm.count == runs, "EVPPI.regression: arm \(k) has \(arm.count) runs, arm 0 has \(runs)")
    }
    for (j, parameter) in theta.enumerated() {
      precondition(
        parameter.count == runs,
        "EVPPI.regression: parameter \(j) has \(parameter.count) runs, nmb has \(runs)")
    }
    precondition(
      bootstrapReplicates >= 0,
      "EVPPI.regression: bootstrapReplicates = \(bootstrapReplicates) must be ≥ 0")
    let arms = nmb.count
    let comparisons = arms - 1
    let notApplicable = [Double](repeating: .nan, count: arms)

    if let problem = firstNonFinite(theta: theta, nmb: nmb) {
      return EVPPIResult(
        evppi: .nan, standardError: bootstrapReplicates > 0 ? .nan : nil,
        bootstrapBias: bootstrapReplicates > 0 ? .nan : nil, evpi: .nan, rSquared: notApplicable,
        residualSD: notApplicable, basis: basis, basisSize: 0, rank: 0, conditionNumber: .nan,
        tooManyColumns: false, warnings: [problem])
    }

    // ΔNMB_k = NMB_k − NMB_0, row-major runs × comparisons.
    var increments = [Double](repeating: 0, count: runs * comparisons)
    for k in 0..<comparisons {
      for r in 0..<runs { increments[r * comparisons + k] = nmb[k + 1][r] - nmb[0][r] }
    }
    let design = EVPPIDesign(theta: theta, runs: runs, basis: basis)
    let q = design.columns
    var warnings: [String] = []
    let tooManyColumns = q * runsPerColumn > runs
    if tooManyColumns {
      warnings.append(
        "The regression basis (\(design.basis)) has \(q) columns for \(runs) runs, fewer than "
          + "\(runsPerColumn) runs per column: the fitted values carry about \(q)/\(runs) of the "
          + "residual variance as noise, which biases the EVPPI upwards. Use more runs or a "
          + "smaller basis.")
    }

    guard let fit = fitted(design.matrix, rows: runs, columns: q, increments, comparisons)
    else {
      warnings.append(
        "The singular value decomposition of the design matrix did not converge (LAPACK "
          + "dgelsd); the EVPPI could not be estimated.")
      return EVPPIResult(
        evppi: .nan, standardError: bootstrapReplicates > 0 ? .nan : nil,
        bootstrapBias: bootstrapReplicates > 0 ? .nan : nil, evpi: .nan, rSquared: notApplicable,
        residualSD: notApplicable, basis: design.basis, basisSize: q, rank: 0,
        conditionNumber: .nan, tooManyColumns: tooManyColumns, warnings: warnings)
    }
    if fit.rank < q {
      warnings.append(
        "The design matrix is rank-deficient (rank \(fit.rank) of \(q) columns): some basis "
          + "columns are linear combinations of others (parameters that are functions of one "
          + "another, or too many knots for a parameter with few distinct values). The "
          + "minimum-norm least-squares fit keeps the fitted values, hence the EVPPI, well "
          + "defined, but the basis is larger than it needs to be.")
    }

    // Diagnostics per arm.
    let means = columnMeans(increments, rows: runs, columns: comparisons)
    var rSquared = notApplicable
    var residualSD = notApplicable
    for k in 0..<comparisons {
      var total = 0.0
      var residual = 0.0
      for r in 0..<runs {
        let y = increments[r * comparisons + k]
        total += (y - means[k]) * (y - means[k])
        let e = y - fit.values[r * comparisons + k]
        residual += e * e
      }
      rSquared[k + 1] = total > 0 ? 1 - residual / total : .nan
      residualSD[k + 1] = runs > fit.rank ? (residual / Double(runs - fit.rank)).squareRoot() : .nan
    }

    let best = bestArm(means: means)
    let evppi = expectedLoss(fit.values, rows: runs, comparisons: comparisons, best: best)
    let evpi = expectedLoss(increments, rows: runs, comparisons: comparisons, best: best)

    var standardError: Double?
    var bootstrapBias: Double?
    if bootstrapReplicates > 0 {
      let replicates = bootstrap(
        design: design, increments: increments, comparisons: comparisons,
        replicates: bootstrapReplicates, seed: seed)
      if replicates.count < bootstrapReplicates {
        warnings.append(
          "\(bootstrapReplicates - replicates.count) of \(bootstrapReplicates) bootstrap "
            + "refits failed (the SVD did not converge) and were left out of the standard error.")
      }
      if replicates.count >= 2 {
        let (mean, sd) = EVPPIDesign.meanAndSD(replicates)
        let count = Double(replicates.count)
        standardError = sd * (count / (count - 1)).squareRoot()
        bootstrapBias = mean - evppi
      } else {
        standardError = .nan
        bootstrapBias = .nan
      }
    }

    return EVPPIResult(
      evppi: evppi, standardError: standardError, bootstrapBias: bootstrapBias, evpi: evpi,
      rSquared: rSquared, residualSD: residualSD, basis: design.basis, basisSize: q,
      rank: fit.rank, conditionNumber: fit.conditionNumber, tooManyColumns: tooManyColumns,
      warnings: warnings)
  }

  // MARK: - Implementation

  /// The least-squares fitted values of the `responses` (rows × count, row-major) on the design
  /// (rows × columns, row-major), or nil when the SVD did not converge.
  static func fitted(
    _ design: [Double], rows: Int, columns: Int, _ responses: [Double], _ count: Int
  ) -> (values: [Double], rank: Int, conditionNumber: Double)? {
    guard count > 0 else {  // one arm: nothing to fit
      return ([], columns, .nan)
    }
    var coefficients = [Double](repeating: 0, count: columns * count)
    var singularValues = [Double](repeating: 0, count: min(rows, columns))
    let (rank, info) = BLAS.gelsd(
      design, rows: rows, columns: columns, b: responses, rightHandSides: count,
      solution: &coefficients, singularValues: &singularValues)
    guard info == 0 else { return nil }
    var values = [Double](repeating: 0, count: rows * count)
    BLAS.gemm(
      design, aRows: rows, aColumns: columns, transposeA: false,
      coefficients, bRows: columns, bColumns: count, transposeB: false, c: &values)
    let condition = rank > 0 ? singularValues[0] / singularValues[rank - 1] : .nan
    return (values, rank, condition)
  }

  /// The bootstrap replicates of the EVPPI: each resamples the runs with replacement (rows of
  /// the design and of the increments together), refits, and recomputes the estimate with the
  /// replicate's own best arm. Failed fits are left out.
  static func bootstrap(
    design: EVPPIDesign, increments: [Double], comparisons: Int, replicates: Int, seed: UInt64
  ) -> [Double] {
    let n = design.rows
    let q = design.columns
    var generator = Resampling.SplitMix64(seed: seed)
    var resampledDesign = [Double](repeating: 0, count: n * q)
    var resampledIncrements = [Double](repeating: 0, count: n * comparisons)
    var estimates: [Double] = []
    estimates.reserveCapacity(replicates)
    for _ in 0..<replicates {
      design.matrix.withUnsafeBufferPointer { x in
        increments.withUnsafeBufferPointer { y in
          resampledDesign.withUnsafeMutableBufferPointer { xb in
            resampledIncrements.withUnsafeMutableBufferPointer { yb in
              for r in 0..<n {
                let i = Resampling.index(below: n, using: &generator)
                for j in 0..<q { xb[r * q + j] = x[i * q + j] }
                for k in 0..<comparisons { yb[r * comparisons + k] = y[i * comparisons + k] }
              }
            }
          }
        }
      }
      guard
        let fit = fitted(resampledDesign, rows: n, columns: q, resampledIncrements, comparisons)
      else { continue }
      let best = bestArm(means: columnMeans(resampledIncrements, rows: n, columns: comparisons))
      estimates.append(expectedLoss(fit.values, rows: n, comparisons: comparisons, best: best))
    }
    return estimates
  }

  /// (1/n) Σ_r [max(0, max_k m_r,k) − m_r,best], with m_r,0 = 0 for the reference arm: the mean
  /// opportunity loss of choosing `best` (0 = the reference, k ≥ 1 = column k − 1 of `values`,
  /// row-major rows × comparisons). Every term is ≥ 0.
  static func expectedLoss(_ values: [Double], rows: Int, comparisons: Int, best: Int) -> Double {
    guard comparisons > 0, rows > 0 else { return 0 }
    var sum = 0.0
    values.withUnsafeBufferPointer { m in
      for r in 0..<rows {
        var maximum = 0.0
        for k in 0..<comparisons { maximum = max(maximum, m[r * comparisons + k]) }
        sum += maximum - (best == 0 ? 0 : m[r * comparisons + best - 1])
      }
    }
    return sum / Double(rows)
  }

  /// The arm with the highest mean NMB: 0 (the reference) unless some mean increment is > 0; the
  /// first of equal maxima.
  static func bestArm(means: [Double]) -> Int {
    var best = 0
    var bestValue = 0.0
    for (k, mean) in means.enumerated() where mean > bestValue {
      best = k + 1
      bestValue = mean
    }
    return best
  }

  /// The column means of a row-major rows × columns matrix.
  static func columnMeans(_ values: [Double], rows: Int, columns: Int) -> [Double] {
    var sums = [Double](repeating: 0, count: columns)
    for r in 0..<rows {
      for k in 0..<columns { sums[k] += values[r * columns + k] }
    }
    return sums.map { $0 / Double(rows) }
  }

  /// A sentence naming the first non-finite input value, or nil when all are finite.
  static func firstNonFinite(theta: [[Double]], nmb: [[Double]]) -> String? {
    for (j, parameter) in theta.enumerated() {
      if let r = parameter.firstIndex(where: { !$0.isFinite }) {
        return "theta[\(j)][\(r)] is \(parameter[r]): the EVPPI is not defined for non-finite "
          + "parameter values."
      }
    }
    for (k, arm) in nmb.enumerated() {
      if let r = arm.firstIndex(where: { !$0.isFinite }) {
        return "nmb[\(k)][\(r)] is \(arm[r]): the EVPPI is not defined for a non-finite net "
          + "monetary benefit."
      }
    }
    return nil
  }
}

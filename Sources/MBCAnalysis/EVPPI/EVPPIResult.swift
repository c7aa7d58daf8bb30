/// The EVPPI of one parameter or group of parameters, with the fit diagnostics of the regression
/// metamodel (``EVPPI/regression(theta:nmb:basis:bootstrapReplicates:seed:)``).
///
/// Money amounts (`evppi`, `standardError`, `bootstrapBias`, `evpi`, `residualSD`) are in the unit
/// of the net monetary benefit, **per decision** (per person, or per whatever one run's NMB
/// describes); multiply by the population affected over the decision's horizon for a population
/// EVPPI.
///
/// Arrays indexed by arm have one entry per arm, in the order of `nmb`; arm 0 is the reference
/// of the incremental regressions, and its entries are NaN (its incremental NMB is identically
/// zero, so there is nothing to fit). A NaN anywhere makes the result compare unequal to itself.
public struct EVPPIResult: Sendable, Equatable {
  /// The EVPPI estimate, E_θ[max_k ĝ_k(θ)] − max_k E[NMB_k], with ĝ_k the fitted conditional
  /// expectations; ≥ 0 by construction (a mean of non-negative per-run terms). NaN when the input
  /// is not finite or the fit failed (see `warnings`).
  public var evppi: Double
  /// The bootstrap standard error of `evppi` (SD of the replicate estimates, divisor B − 1), or
  /// `nil` when no bootstrap was asked for (`bootstrapReplicates == 0`).
  ///
  /// It measures the Monte Carlo error of the estimate for the given basis: the error of the
  /// outer mean over the sampled θ and the noise in the fitted coefficients. It does not measure
  /// the approximation error of the basis itself (a conditional expectation that the basis cannot
  /// represent), which the R² values help to judge.
  public var standardError: Double?
  /// The bootstrap estimate of the estimator's bias for the given basis, mean(replicates) −
  /// `evppi`, or `nil` without a bootstrap. Mostly the upward bias from fitting noise (see
  /// ``EVPPI``); not subtracted from `evppi`. Its own Monte Carlo error is about
  /// `standardError / √B`.
  public var bootstrapBias: Double?
  /// The EVPI of the same runs, E[max_k NMB_k] − max_k E[NMB_k]: the upper bound of every EVPPI
  /// (the EVPPI of all uncertain parameters together), for comparison.
  public var evpi: Double
  /// R² of the regression of each arm's incremental NMB (NMB_k − NMB_0) on the basis, per arm;
  /// NaN for arm 0, and for an arm whose incremental NMB does not vary.
  ///
  /// It is the share of the variance of the incremental NMB that the parameters of interest
  /// explain (within the basis); a parameter that matters little has a small R², which is not a
  /// defect of the fit. The R² of the absolute NMB would mix in variation common to all arms,
  /// which does not bear on the decision.
  public var rSquared: [Double]
  /// The residual standard deviation of each arm's incremental regression,
  /// √(RSS / (runs − rank)); NaN for arm 0 and when there are no more runs than the rank.
  public var residualSD: [Double]
  /// The basis that was fitted (``EVPPIBasis/automatic`` resolved to a concrete basis).
  public var basis: EVPPIBasis
  /// The number of columns of the design matrix, intercept included.
  public var basisSize: Int
  /// The numerical rank of the design matrix (SVD, relative threshold ε·max(runs, columns)).
  /// Less than `basisSize` when some columns are linear combinations of others; a warning says so.
  public var rank: Int
  /// The 2-norm condition number of the centred and scaled design matrix, σ_max / σ_rank; NaN
  /// when nothing was fitted (one arm). Hundreds to a few thousands are normal for spline bases;
  /// the fitted values, unlike the coefficients, are insensitive to it.
  public var conditionNumber: Double
  /// True when `basisSize` exceeds `runs / ` ``EVPPI/runsPerColumn``: too few runs per column,
  /// so the fit carries noise that biases the EVPPI upwards. A warning says so as well.
  public var tooManyColumns: Bool
  /// Problems with the estimate, as full sentences; empty when there are none.
  public var warnings: [String]

  /// A result from its fields (for tests and readers of stored results).
  public init(
    evppi: Double, standardError: Double?, bootstrapBias: Double?, evpi: Double,
    rSquared: [Double], residualSD: [Double], basis: EVPPIBasis, basisSize: Int, rank: Int,
    conditionNumber: Double, tooManyColumns: Bool, warnings: [String]
  ) {
    self.evppi = evppi
    self.standardError = standardError
    self.bootstrapBias = bootstrapBias
    self.evpi = evpi
    self.rSquared = rSquared
    self.residualSD = residualSD
    self.basis = basis
    self.basisSize = basisSize
    self.rank = rank
    self.conditionNumber = conditionNumber
    self.tooManyColumns = tooManyColumns
    self.warnings = warnings
  }
}

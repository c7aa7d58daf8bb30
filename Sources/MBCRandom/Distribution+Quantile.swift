#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// MARK: - CDF and quantile
//
// For a Gaussian copula (correlated parameters) each parameter is drawn as F⁻¹(Φ(z)) with z
// from a multivariate normal, so every scalar case needs its quantile function, and the tests
// and reports need the CDF. Implementation goals, in order of priority:
// 1. Accuracy: relative errors near 1e-14 against SciPy for the shapes used in practice,
//    including the tails (the measured figures are in `DistributionQuantileTests`); the
//    regularized incomplete gamma and beta functions and their inverses are in
//    `SpecialFunctions*.swift`.
// 2. Consistency: for the discrete cases the quantile is defined through the same computed
//    CDF, so quantile(cdf(k)) == k exactly.
// 3. Total: NaN for p outside [0, 1], for NaN input and for `bootstrapMean`; no traps.

extension Distribution {
  /// Whether ``quantile(_:)`` and ``cdf(_:)`` are defined for this case, i.e. whether it can
  /// take part in a Gaussian copula.
  ///
  /// False only for `bootstrapMean`: the distribution of the mean of a resample is a
  /// discrete distribution on up to C(2n − 1, n) points with no usable closed form, and a
  /// normal approximation would silently change the distribution that ``sample(using:)``
  /// draws from. Both functions return NaN for it.
  public var supportsQuantile: Bool {
    if case .bootstrapMean = self { return false }
    return true
  }

  /// Inverse CDF: the x with P(X ≤ x) = p for continuous distributions; for discrete ones
  /// (`poisson`, `empirical`, `fixed`) the smallest x with F(x) ≥ p. p in (0, 1).
  ///
  /// | case | method | accuracy (largest relative error measured against mpmath) |
  /// |---|---|---|
  /// | `fixed(v)` | v | exact |
  /// | `normal`, `lognormal` | μ + σΦ⁻¹(p), exp(μ + σΦ⁻¹(p)), Φ⁻¹ by AS 241 | 2e-15 (μ + σz cancels near 0) |
  /// | `uniform(a, b)` | a + p(b − a), clamped | 2e-15 (cancels near 0) |
  /// | `gamma(k, θ)` | θ·P⁻¹(k, p), Newton in ln x on the smaller tail | 7.5e-15 for k ≥ 0.1 (3e-13 for k = 0.001: ~1e-16/k) |
  /// | `beta(α, β)` | I⁻¹(α, β, p), same, 1 − I⁻¹(β, α, 1 − p) for p > ½ | 4.5e-15 (shapes 0.5 to 800) |
  /// | `poisson(λ)` | smallest k with Q(k + 1, λ) ≥ p, from a Cornish–Fisher start | exact given the CDF |
  /// | `truncatedNormal` | tail-aware inversion, offsets from a near bound (see the case) | 4e-16 |
  /// | `triangular` | closed form (see the case) | 1.5e-15 |
  /// | `pert` | min + (max − min)·I⁻¹(α, β, p), or max − (max − min)·(1 − I⁻¹) for p > ½ | 2e-15 |
  /// | `empirical(x)` | the k-th smallest value, k the smallest with k/n ≥ p | exact |
  /// | `bootstrapMean` | NaN (``supportsQuantile`` is false) | — |
  ///
  /// (Measured on the reference values of `DistributionQuantileTests`, tails down to 1e-30
  /// included; the CDFs there are within 7e-15, except the beta CDF in its far tail, 5e-14.)
  ///
  /// At the ends, p = 0 gives the lower end of the support (−∞ for the normal, the smallest
  /// value for `empirical`, 0 for Poisson) and p = 1 the upper end. Cost: O(1) for the
  /// closed forms; a few evaluations of an incomplete gamma or beta function (each up to about
  /// 9√shape terms) for gamma, beta, PERT and Poisson; a sort of a copy of the values,
  /// O(n log n), for `empirical`. The distribution should be valid (``validated()``).
  ///
  /// - Parameter p: a probability in [0, 1].
  /// - Returns: the quantile; NaN for p outside [0, 1] or NaN, for `bootstrapMean` and for
  ///   invalid parameters.
  public func quantile(_ p: Double) -> Double {
    guard p >= 0, p <= 1 else { return .nan }
    switch self {
    case .fixed(let value):
      return value
    case .beta(let alpha, let beta):
      return SpecialFunctions.inverseRegularizedBeta(alpha, beta, p).x
    case .gamma(let shape, let scale):
      return scale * SpecialFunctions.inverseRegularizedGamma(shape, p)
    case .lognormal(let meanlog, let sdlog):
      return sdlog == 0 ? exp(meanlog) : exp(meanlog + sdlog * StandardNormal.quantile(p))
    case .normal(let mean, let sd):
      return sd == 0 ? mean : mean + sd * StandardNormal.quantile(p)
    case .uniform(let min, let max):
      return Swift.min(Swift.max(min + p * (max - min), min), max)
    case .poisson(let mean):
      return Distribution.poissonQuantile(p, mean: mean)
    case .truncatedNormal(let mean, let sd, let lower, let upper):
      return Distribution.truncatedNormalQuantile(
        p, mean: mean, sd: sd, lower: lower, upper: upper)
    case .triangular(let min, let mode, let max):
      return Distribution.triangularQuantile(p, min: min, mode: mode, max: max)
    case .pert(let min, let mode, let max, let shape):
      let (alpha, beta) = Distribution.pertShapes(min: min, mode: mode, max: max, shape: shape)
      let (x, complement) = SpecialFunctions.inverseRegularizedBeta(alpha, beta, p)
      let width = max - min
      let value = p > 0.5 ? max - width * complement : min + width * x
      return Swift.min(Swift.max(value, min), max)
    case .empirical(let values):
      return Distribution.empiricalQuantile(p, values: values)
    case .bootstrapMean:
      return .nan
    }
  }

  /// The CDF F(x) = P(X ≤ x).
  ///
  /// | case | F(x) |
  /// |---|---|
  /// | `fixed(v)` | 0 for x < v, else 1 |
  /// | `normal(μ, σ)` | Φ((x − μ)/σ) (a step at μ when σ = 0) |
  /// | `lognormal(μ, σ)` | Φ((ln x − μ)/σ) for x > 0 |
  /// | `uniform(a, b)` | (x − a)/(b − a) on [a, b] |
  /// | `gamma(k, θ)` | P(k, x/θ), the regularized lower incomplete gamma function |
  /// | `beta(α, β)` | I_x(α, β), the regularized incomplete beta function |
  /// | `poisson(λ)` | Q(⌊x⌋ + 1, λ), the regularized upper incomplete gamma function |
  /// | `truncatedNormal` | P(α ≤ N ≤ (x − μ)/σ)/Z with tail-aware probabilities (see the case) |
  /// | `triangular(a, c, b)` | (x − a)²/((b − a)(c − a)) up to c, then 1 − (b − x)²/((b − a)(b − c)), as ((c − a) + (x − c)(2b − c − x)/(b − c))/(b − a) |
  /// | `pert` | I_((x − min)/(max − min))(α, β), with 1 − that argument passed as (max − x)/(max − min) |
  /// | `empirical(x)` | (number of values ≤ x)/n |
  /// | `bootstrapMean` | NaN (``supportsQuantile`` is false) |
  ///
  /// Accuracy: about 1e-14 relative for whichever of F and 1 − F is smaller, in the body and
  /// the tails (cf. ``quantile(_:)``; up to 5e-14 in the far tail of a beta with shapes in the
  /// hundreds, and up to about 1e-12 for a beta or PERT whose shapes differ by a factor of
  /// 10⁴, see `SpecialFunctions+Beta.swift`); F itself is returned, so an upper-tail
  /// probability below 1e-16 rounds F to 1.
  ///
  /// - Returns: F(x) in [0, 1]; NaN for NaN, for `bootstrapMean` and for invalid parameters.
  public func cdf(_ x: Double) -> Double {
    if x.isNaN { return .nan }
    switch self {
    case .fixed(let value):
      return x < value ? 0 : 1
    case .beta(let alpha, let beta):
      if x <= 0 { return alpha > 0 && beta > 0 ? 0 : .nan }
      if x >= 1 { return alpha > 0 && beta > 0 ? 1 : .nan }
      return SpecialFunctions.betaTails(x, complement: 1 - x, alpha, beta).lower
    case .gamma(let shape, let scale):
      return SpecialFunctions.regularizedGammaP(shape, Swift.max(x, 0) / scale)
    case .lognormal(let meanlog, let sdlog):
      if x <= 0 { return 0 }
      if sdlog == 0 { return x < exp(meanlog) ? 0 : 1 }
      return StandardNormal.cdf((log(x) - meanlog) / sdlog)
    case .normal(let mean, let sd):
      if sd == 0 { return x < mean ? 0 : 1 }
      return StandardNormal.cdf((x - mean) / sd)
    case .uniform(let min, let max):
      return Swift.min(Swift.max((x - min) / (max - min), 0), 1)
    case .poisson(let mean):
      if x < 0 { return mean >= 0 ? 0 : .nan }
      return Distribution.poissonCDF(x.rounded(.down), mean: mean)
    case .truncatedNormal(let mean, let sd, let lower, let upper):
      guard sd > 0 else { return .nan }
      if x <= lower { return 0 }
      if x >= upper { return 1 }
      return TruncatedStandardNormal(mean: mean, sd: sd, lower: lower, upper: upper)
        .cdf((x - mean) / sd, offset: (x - lower) / sd)
    case .triangular(let min, let mode, let max):
      if x <= min { return 0 }
      if x >= max { return 1 }
      let width = max - min
      if x <= mode {
        return (x - min) / width * ((x - min) / (mode - min))
      }
      // 1 − (b − x)²/((b − a)(b − c)) rearranged as a sum of non-negative terms,
      // ((c − a) + (x − c)(2b − c − x)/(b − c))/(b − a), so that F keeps its digits just
      // above the mode when the mode is at the minimum.
      return ((mode - min) + (x - mode) * ((2 * max - mode - x) / (max - mode))) / width
    case .pert(let min, let mode, let max, let shape):
      if x <= min { return 0 }
      if x >= max { return 1 }
      let (alpha, beta) = Distribution.pertShapes(min: min, mode: mode, max: max, shape: shape)
      let width = max - min
      return SpecialFunctions.betaTails(
        (x - min) / width, complement: (max - x) / width, alpha, beta
      ).lower
    case .empirical(let values):
      guard !values.isEmpty else { return .nan }
      var count = 0
      for value in values where value <= x { count += 1 }
      return Double(count) / Double(values.count)
    case .bootstrapMean:
      return .nan
    }
  }

  // MARK: - Discrete quantiles

  /// F(k) = P(X ≤ k) = Q(k + 1, λ) for a Poisson(λ) count and whole k ≥ 0; 1 for λ = 0.
  static func poissonCDF(_ k: Double, mean: Double) -> Double {
    guard mean >= 0, mean.isFinite else { return .nan }
    if mean == 0 { return 1 }
    return SpecialFunctions.regularizedGammaQ(k + 1, mean)
  }

  /// The smallest whole k ≥ 0 with F(k) ≥ p, F from ``poissonCDF(_:mean:)``.
  ///
  /// Starts from the Cornish–Fisher approximation ⌊λ + √λ·z + (z² − 1)/6⌋, z = Φ⁻¹(p)
  /// (Johnson, Kemp and Kotz 2005, *Univariate Discrete Distributions*, 3rd ed., ch. 4), which
  /// is within a few counts of the answer, then steps by one while checking F; the steps
  /// are capped at 10,000 (only reached for means beyond 2^52, where counts are no longer
  /// exact doubles anyway).
  static func poissonQuantile(_ p: Double, mean: Double) -> Double {
    guard mean >= 0, mean.isFinite else { return .nan }
    if p == 0 || mean == 0 { return 0 }
    if p == 1 { return .infinity }
    let z = StandardNormal.quantile(p)
    var k = Swift.max(0, (mean + mean.squareRoot() * z + (z * z - 1) / 6).rounded(.down))
    var steps = 0
    if poissonCDF(k, mean: mean) >= p {
      while k > 0 && steps < 10_000 && poissonCDF(k - 1, mean: mean) >= p {
        k -= 1
        steps += 1
      }
    } else {
      repeat {
        k += 1
        steps += 1
      } while steps < 10_000 && poissonCDF(k, mean: mean) < p
    }
    return k
  }

  /// The k-th smallest value for the smallest k with k/n ≥ p (computed as the same double
  /// division as ``cdf(_:)``), which is the smallest x with F(x) ≥ p; the smallest value for
  /// p = 0. Sorts a copy of the values unless they are sorted already (callers that need many
  /// quantiles, such as a copula, give sorted values).
  static func empiricalQuantile(_ p: Double, values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let n = values.count
    let total = Double(n)
    var k = Swift.min(Swift.max(Int((p * total).rounded(.up)), 1), n)
    while k > 1 && Double(k - 1) / total >= p { k -= 1 }
    while k < n && Double(k) / total < p { k += 1 }
    var isSorted = true
    for i in 1..<n where values[i] < values[i - 1] {
      isSorted = false
      break
    }
    return isSorted ? values[k - 1] : values.sorted()[k - 1]
  }
}

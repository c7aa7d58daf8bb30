/// A probability distribution for a model input.
///
/// Each case stores the parameters of one textbook parameterisation, named as in R's `stats`
/// package so that a value copied from a paper or an R script means the same here. Ways of
/// giving a distribution that the literature uses but that are not a case (beta from a mean
/// and SD, gamma from a mean and SD or from a rate, lognormal from the mean and SD of the
/// variable or from a median) are the throwing factories in
/// `Distribution+Parameterisations.swift`; ``validated()`` checks a case's own parameters.
///
/// Draws come from ``sample(using:)``, which is deterministic: the same generator state
/// always gives the same draw and leaves the generator in the same state. The number of
/// uniforms a draw consumes is fixed for `fixed` (none), `uniform`, `normal` and `lognormal`
/// (one each) and random for the rejection samplers (`gamma`, `beta`, Poisson with a large
/// mean), which is why every parameter gets its own stream (``StreamKey``).
///
/// Moments (``mean``, ``variance``) are the exact ones of the case, computed from its
/// parameters.
public enum Distribution: Sendable, Equatable, CustomStringConvertible {
  /// A constant: every draw is `value`; the variance is 0. Consumes no random numbers.
  case fixed(Double)

  /// The beta distribution on (0, 1) with shape parameters `alpha` > 0 and `beta` > 0.
  ///
  /// ```
  /// f(x) = x^(α−1) (1 − x)^(β−1) / B(α, β),   0 < x < 1
  /// mean α / (α + β),   variance αβ / ((α + β)² (α + β + 1))
  /// ```
  /// Sampled as X / (X + Y) with X ~ Gamma(α, 1) and Y ~ Gamma(β, 1) independent
  /// (Devroye 1986, *Non-Uniform Random Variate Generation*, ch. IX.4), the gammas by
  /// Marsaglia and Tsang (2000). For the usual use in health economics (a probability or a
  /// utility) give it by ``beta(mean:sd:)``.
  case beta(alpha: Double, beta: Double)

  /// The gamma distribution on (0, ∞) with `shape` k > 0 and `scale` θ > 0 (R's
  /// `rgamma(n, shape, scale = θ)`; the rate is 1/θ).
  ///
  /// ```
  /// f(x) = x^(k−1) e^(−x/θ) / (Γ(k) θ^k),   x > 0
  /// mean kθ,   variance kθ²
  /// ```
  /// Sampled by Marsaglia and Tsang (2000), "A simple method for generating gamma variables",
  /// ACM TOMS 26(3):363–372, doi:10.1145/358407.358414, with standard normals by the inverse
  /// CDF (``StandardNormal/quantile(_:)``); for k < 1 through G(k) = G(k + 1)·U^(1/k) (same
  /// paper). For costs and durations give it by ``gamma(mean:sd:)``; for a rate
  /// parameterisation use ``gamma(shape:rate:)``.
  case gamma(shape: Double, scale: Double)

  /// The lognormal distribution: exp(N(`meanlog`, `sdlog`²)), with `sdlog` ≥ 0 (R's `rlnorm`).
  ///
  /// ```
  /// f(x) = exp(−(ln x − μ)² / (2σ²)) / (x σ √(2π)),   x > 0
  /// mean exp(μ + σ²/2),   variance (exp(σ²) − 1) exp(2μ + σ²),   median exp(μ)
  /// ```
  /// `meanlog` and `sdlog` are the mean and SD of ln X, not of X: to give the mean and SD of
  /// X use ``lognormal(mean:sd:)``, for a median and a log-scale σ ``lognormal(median:sigma:)``.
  /// Sampled as exp(μ + σ·Φ⁻¹(U)) (``StandardNormal/quantile(_:)``).
  case lognormal(meanlog: Double, sdlog: Double)

  /// The normal distribution with `mean` μ and standard deviation `sd` σ ≥ 0 (not the
  /// variance; R's `rnorm`).
  ///
  /// ```
  /// f(x) = exp(−(x − μ)² / (2σ²)) / (σ √(2π))
  /// ```
  /// Sampled by inversion, μ + σ·Φ⁻¹(U) with U uniform on (0, 1), Φ⁻¹ by Wichura (1988),
  /// AS 241 (``StandardNormal/quantile(_:)``). One uniform per draw.
  case normal(mean: Double, sd: Double)

  /// The continuous uniform distribution on [`min`, `max`), `min` < `max`.
  ///
  /// ```
  /// f(x) = 1 / (max − min),   min ≤ x < max
  /// mean (min + max)/2,   variance (max − min)²/12
  /// ```
  /// Sampled as min + (max − min)·U with U uniform on the 2^-53 grid of [0, 1); rounding can
  /// give exactly `max` when the width is not a power of two times the grid.
  case uniform(min: Double, max: Double)

  /// The Poisson distribution of counts with `mean` λ ≥ 0 (variance λ).
  ///
  /// ```
  /// P(X = k) = e^(−λ) λ^k / k!,   k = 0, 1, 2, …
  /// ```
  /// Sampled by inversion (sequential search of the CDF,
  /// ``Poisson/inverse(uniform:mean:expMinusMean:)``) for λ < 30 and by PTRS for λ ≥ 30:
  /// Hörmann (1993), "The transformed rejection method for generating Poisson random
  /// variables", Insurance: Mathematics and Economics 12:39–45. Draws are whole numbers
  /// returned as `Double`.
  case poisson(mean: Double)

  /// The case and its parameters as written in Swift, e.g. `gamma(shape: 2.0, scale: 3.5)`.
  public var description: String {
    switch self {
    case .fixed(let value): "fixed(\(value))"
    case .beta(let alpha, let beta): "beta(alpha: \(alpha), beta: \(beta))"
    case .gamma(let shape, let scale): "gamma(shape: \(shape), scale: \(scale))"
    case .lognormal(let meanlog, let sdlog): "lognormal(meanlog: \(meanlog), sdlog: \(sdlog))"
    case .normal(let mean, let sd): "normal(mean: \(mean), sd: \(sd))"
    case .uniform(let min, let max): "uniform(min: \(min), max: \(max))"
    case .poisson(let mean): "poisson(mean: \(mean))"
    }
  }
}

/// Why a distribution cannot be built or is invalid: a full sentence that names the values
/// and states what is required, fit to show to the author of a scenario file.
public struct DistributionError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The sentence, e.g. "A beta distribution with mean 0.5 and sd 0.6 is impossible: …".
  public var message: String

  /// Creates an error with the given sentence.
  public init(message: String) {
    self.message = message
  }

  /// The message.
  public var description: String { message }
}

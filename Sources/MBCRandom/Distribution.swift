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
/// uniforms a draw consumes is fixed for `fixed` (none), `uniform`, `normal`, `lognormal`,
/// `truncatedNormal`, `triangular` and `empirical` (one each) and `bootstrapMean` (one per
/// value), and random for the rejection samplers (`gamma`, `beta`, `pert`, Poisson with a large
/// mean), which is why every parameter gets its own stream (``StreamKey``).
///
/// Moments (``mean``, ``variance``) are the exact ones of the case, computed from its
/// parameters. ``cdf(_:)`` and ``quantile(_:)`` (for a Gaussian copula) are defined for every
/// case but `bootstrapMean` (see ``supportsQuantile``).
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

  /// The normal distribution N(`mean`, `sd`²) restricted to [`lower`, `upper`]: `mean` and
  /// `sd` are those of the normal before truncation, not of the result; either bound may be
  /// infinite (`-.infinity`, `.infinity`), so a normal truncated at 0 is
  /// `truncatedNormal(mean: μ, sd: σ, lower: 0, upper: .infinity)`.
  ///
  /// ```
  /// f(x) = φ((x − μ)/σ) / (σ Z),   lower ≤ x ≤ upper
  /// α = (lower − μ)/σ,   β = (upper − μ)/σ,   Z = Φ(β) − Φ(α)
  /// mean μ + σ (φ(α) − φ(β))/Z
  /// variance σ² [1 + (α φ(α) − β φ(β))/Z − ((φ(α) − φ(β))/Z)²]
  /// ```
  /// (Johnson, Kotz and Balakrishnan 1994, *Continuous Univariate Distributions* 1, 2nd ed.,
  /// ch. 13; α φ(α) is 0 for an infinite bound.) Sampled by inversion of one open uniform U
  /// on [Φ(α), Φ(β)]: x = μ + σ Φ⁻¹(Φ(α) + U·Z), with each probability taken from the tail
  /// it lies in (the upper tail Φ(−x) when the interval lies above the mean), so that a
  /// truncation far in either tail keeps its digits; narrow intervals, and draws next to a
  /// finite bound, are computed as offsets from the bound by quadrature of the density. A
  /// draw equals ``quantile(_:)`` of the same uniform. Accuracy and limits: see
  /// `TruncatedStandardNormal.swift`; an interval whose probability under N(μ, σ²) is not a
  /// normal double (both bounds more than about 37.5 SD beyond the mean on one side) is
  /// rejected by ``validated()``.
  case truncatedNormal(mean: Double, sd: Double, lower: Double, upper: Double)

  /// The triangular distribution on [`min`, `max`] with its peak at `mode`
  /// (min ≤ mode ≤ max, min < max).
  ///
  /// ```
  /// f(x) = 2(x − a)/((b − a)(c − a)) for a ≤ x ≤ c,   2(b − x)/((b − a)(b − c)) for c < x ≤ b
  /// mean (a + b + c)/3,   variance (a² + b² + c² − ab − ac − bc)/18
  /// ```
  /// with a = min, c = mode, b = max. Sampled by inversion of one open uniform U:
  /// a + (b − a)√(U·F_c) if U < F_c = (c − a)/(b − a), else b − (b − a)√((1 − U)(1 − F_c))
  /// (Kotz and van Dorp 2004, *Beyond Beta: Other Continuous Families of Distributions with
  /// Bounded Support and Applications*, ch. 1).
  case triangular(min: Double, mode: Double, max: Double)

  /// The beta-PERT distribution on [`min`, `max`] with mode `mode` and shape λ = `shape`
  /// (usually 4): a beta distribution scaled to [min, max].
  ///
  /// ```
  /// X = min + (max − min)·B,   B ~ Beta(α, β)
  /// α = 1 + λ (mode − min)/(max − min),   β = 1 + λ (max − mode)/(max − min)
  /// mean (min + λ·mode + max)/(λ + 2),   variance (max − min)² αβ/((α + β)²(α + β + 1))
  /// ```
  /// With λ = 4 the mean is the classic (min + 4·mode + max)/6 (Malcolm, Roseboom, Clark and
  /// Fazar 1959, "Application of a technique for research and development program
  /// evaluation", Operations Research 7(5):646–669; the shape parameter λ of the "modified
  /// PERT" as in Vose 2008, *Risk Analysis: A Quantitative Guide*, 3rd ed.). Requires
  /// min ≤ mode ≤ max, min < max and λ > 0. Sampled as min + (max − min)·B with B drawn like
  /// `beta(alpha:beta:)` (Marsaglia–Tsang gammas), clamped to [min, max].
  /// For the usual λ = 4, build it with ``pert(min:mode:max:)``.
  case pert(min: Double, mode: Double, max: Double, shape: Double)

  /// A draw is one of `values`, each position equally likely (so a value listed twice is
  /// twice as likely); the values are kept in the order given.
  ///
  /// ```
  /// P(X = v) = (number of positions holding v)/n
  /// mean x̄ = Σ xᵢ/n,   variance Σ (xᵢ − x̄)²/n   (the population variance of the list)
  /// ```
  /// Sampled from one 64-bit generator output w as values[⌊w·n/2⁶⁴⌋] (the multiply-shift map
  /// of Lemire 2019, "Fast random integer generation in an interval", ACM TOMACS 29(1):3,
  /// doi:10.1145/3230636, without its rejection step): each position gets ⌊2⁶⁴/n⌋ or
  /// ⌈2⁶⁴/n⌉ of the 2⁶⁴ outputs, a relative deviation from 1/n below n·2⁻⁶⁴ (5e-14 for a
  /// million values), so every draw consumes exactly one number.
  case empirical([Double])

  /// The mean of a resample, with replacement, of as many values as `values` holds: the
  /// sampling distribution of the mean of the observed values (the nonparametric bootstrap of
  /// Efron 1979, "Bootstrap methods: another look at the jackknife", Annals of Statistics
  /// 7(1):1–26), for a parameter estimated as the mean of a small sample.
  ///
  /// ```
  /// X = (x_J₁ + ⋯ + x_Jₙ)/n,   J₁, …, Jₙ independent and uniform on the n positions
  /// mean x̄,   variance s²/n with s² = Σ (xᵢ − x̄)²/n (the population variance)
  /// ```
  /// Sampled with n generator outputs, each mapped to a position as in `empirical`, summed in
  /// draw order and divided by n. Its CDF and quantile have no closed form
  /// (``supportsQuantile`` is false), so it cannot enter a Gaussian copula.
  case bootstrapMean([Double])

  /// The case and its parameters as written in Swift, e.g. `gamma(shape: 2.0, scale: 3.5)`.
  ///
  /// The values of `empirical` and `bootstrapMean` are listed up to the eighth, then counted:
  /// `empirical([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, … 12 more])`.
  public var description: String {
    switch self {
    case .fixed(let value): "fixed(\(value))"
    case .beta(let alpha, let beta): "beta(alpha: \(alpha), beta: \(beta))"
    case .gamma(let shape, let scale): "gamma(shape: \(shape), scale: \(scale))"
    case .lognormal(let meanlog, let sdlog): "lognormal(meanlog: \(meanlog), sdlog: \(sdlog))"
    case .normal(let mean, let sd): "normal(mean: \(mean), sd: \(sd))"
    case .uniform(let min, let max): "uniform(min: \(min), max: \(max))"
    case .poisson(let mean): "poisson(mean: \(mean))"
    case .truncatedNormal(let mean, let sd, let lower, let upper):
      "truncatedNormal(mean: \(mean), sd: \(sd), lower: \(lower), upper: \(upper))"
    case .triangular(let min, let mode, let max):
      "triangular(min: \(min), mode: \(mode), max: \(max))"
    case .pert(let min, let mode, let max, let shape):
      "pert(min: \(min), mode: \(mode), max: \(max), shape: \(shape))"
    case .empirical(let values): "empirical(\(Distribution.listDescription(values)))"
    case .bootstrapMean(let values): "bootstrapMean(\(Distribution.listDescription(values)))"
    }
  }

  /// `[v1, v2, …]`, with values after the eighth replaced by a count.
  private static func listDescription(_ values: [Double]) -> String {
    let shown = values.prefix(8).map { "\($0)" }
    let rest = values.count > 8 ? ", … \(values.count - 8) more" : ""
    return "[" + shown.joined(separator: ", ") + rest + "]"
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

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// MARK: - Parameterisations used in the literature
//
// Health-economic papers report uncertain inputs as a mean and a standard error (or SD),
// occasionally as a median and a log-scale spread. These factories turn such reports into the
// case parameters by the method of moments (Briggs, Claxton and Sculpher 2006, *Decision
// Modelling for Health Economic Evaluation*, ch. 4): the returned distribution has exactly the
// requested mean and variance, up to rounding. Each throws a ``DistributionError`` naming the
// values when no distribution of that family has them.

extension Distribution {
  /// The beta distribution with the given mean and standard deviation (method of moments).
  ///
  /// ```
  /// ν = mean (1 − mean) / sd² − 1,   alpha = mean · ν,   beta = (1 − mean) · ν
  /// ```
  /// - Parameters:
  ///   - mean: in (0, 1).
  ///   - sd: > 0 and below √(mean (1 − mean)), the SD of a Bernoulli variable with that mean,
  ///     which no distribution on [0, 1] can reach.
  /// - Throws: ``DistributionError`` when the pair is impossible (the message gives the
  ///   largest possible sd) or not finite.
  public static func beta(mean: Double, sd: Double) throws(DistributionError) -> Distribution {
    guard mean.isFinite, sd.isFinite else {
      throw DistributionError(
        message:
          "A beta distribution needs a finite mean and sd, got mean = \(mean) and sd = \(sd).")
    }
    guard mean > 0, mean < 1 else {
      throw DistributionError(
        message: "A beta distribution needs a mean strictly between 0 and 1, got mean = \(mean).")
    }
    guard sd > 0 else {
      throw DistributionError(
        message:
          "A beta distribution needs sd > 0, got sd = \(sd); use a fixed value for a constant.")
    }
    let bernoulliVariance = mean * (1 - mean)
    guard sd * sd < bernoulliVariance else {
      throw DistributionError(
        message: "A beta distribution with mean \(mean) and sd \(sd) is impossible: "
          + "the sd must be less than sqrt(mean * (1 - mean)) = \(bernoulliVariance.squareRoot()).")
    }
    let nu = bernoulliVariance / (sd * sd) - 1
    let alpha = mean * nu
    let beta = (1 - mean) * nu
    guard alpha.isFinite, beta.isFinite, alpha > 0, beta > 0 else {
      throw DistributionError(
        message: "A beta distribution with mean \(mean) and sd \(sd) cannot be represented: "
          + "it would need alpha = \(alpha) and beta = \(beta); give an sd that is not so close "
          + "to 0 or to sqrt(mean * (1 - mean)).")
    }
    return .beta(alpha: alpha, beta: beta)
  }

  /// The gamma distribution with the given mean and standard deviation (method of moments).
  ///
  /// ```
  /// shape = (mean / sd)²,   scale = sd² / mean
  /// ```
  /// - Parameters:
  ///   - mean: > 0.
  ///   - sd: > 0.
  /// - Throws: ``DistributionError`` when either is not finite and positive.
  public static func gamma(mean: Double, sd: Double) throws(DistributionError) -> Distribution {
    guard mean.isFinite, sd.isFinite, mean > 0, sd > 0 else {
      throw DistributionError(
        message: "A gamma distribution needs a finite mean > 0 and a finite sd > 0, "
          + "got mean = \(mean) and sd = \(sd).")
    }
    let ratio = mean / sd
    let shape = ratio * ratio
    let scale = sd / ratio  // = sd² / mean, without overflow or underflow of sd²
    guard shape.isFinite, scale.isFinite, shape > 0, scale > 0 else {
      throw DistributionError(
        message: "A gamma distribution with mean \(mean) and sd \(sd) cannot be represented: "
          + "it would need shape = \(shape) and scale = \(scale).")
    }
    return .gamma(shape: shape, scale: scale)
  }

  /// The gamma distribution with the given shape and rate (R's `rgamma(n, shape, rate)`):
  /// `gamma(shape: shape, scale: 1 / rate)`.
  ///
  /// - Throws: ``DistributionError`` when shape or rate is not finite and positive, or when
  ///   1 / rate overflows.
  public static func gamma(shape: Double, rate: Double) throws(DistributionError) -> Distribution {
    guard shape.isFinite, rate.isFinite, shape > 0, rate > 0 else {
      throw DistributionError(
        message: "A gamma distribution needs a finite shape > 0 and a finite rate > 0, "
          + "got shape = \(shape) and rate = \(rate).")
    }
    let scale = 1 / rate
    guard scale.isFinite else {
      throw DistributionError(
        message: "A gamma distribution with rate \(rate) cannot be represented: "
          + "its scale 1 / rate is not a finite number.")
    }
    return .gamma(shape: shape, scale: scale)
  }

  /// The lognormal distribution whose variable X (not ln X) has the given mean and standard
  /// deviation.
  ///
  /// ```
  /// sdlog² = ln(1 + (sd / mean)²),   meanlog = ln(mean) − sdlog² / 2
  /// ```
  /// - Parameters:
  ///   - mean: > 0, the mean of X.
  ///   - sd: > 0, the SD of X.
  /// - Throws: ``DistributionError`` when either is not finite and positive.
  public static func lognormal(mean: Double, sd: Double) throws(DistributionError) -> Distribution {
    guard mean.isFinite, sd.isFinite, mean > 0, sd > 0 else {
      throw DistributionError(
        message: "A lognormal distribution needs a finite mean > 0 and a finite sd > 0 "
          + "(of the variable itself), got mean = \(mean) and sd = \(sd).")
    }
    let cv = sd / mean
    let logVariance = log1p(cv * cv)
    let meanlog = log(mean) - 0.5 * logVariance
    let sdlog = logVariance.squareRoot()
    guard meanlog.isFinite, sdlog.isFinite else {
      throw DistributionError(
        message: "A lognormal distribution with mean \(mean) and sd \(sd) cannot be represented: "
          + "it would need meanlog = \(meanlog) and sdlog = \(sdlog).")
    }
    return .lognormal(meanlog: meanlog, sdlog: sdlog)
  }

  /// The lognormal distribution with the given median and log-scale standard deviation:
  /// `lognormal(meanlog: ln(median), sdlog: sigma)`.
  ///
  /// - Parameters:
  ///   - median: > 0, the median of X, which is exp(meanlog).
  ///   - sigma: ≥ 0, the SD of ln X.
  /// - Throws: ``DistributionError`` when median is not finite and positive or sigma is
  ///   not finite and non-negative.
  public static func lognormal(median: Double, sigma: Double) throws(DistributionError)
    -> Distribution
  {
    guard median.isFinite, sigma.isFinite, median > 0, sigma >= 0 else {
      throw DistributionError(
        message: "A lognormal distribution needs a finite median > 0 and a finite sigma >= 0, "
          + "got median = \(median) and sigma = \(sigma).")
    }
    return .lognormal(meanlog: log(median), sdlog: sigma)
  }
}

// MARK: - 95% intervals
//
// Papers often report an uncertain input as a point estimate with a 95% confidence (or
// credible) interval. These factories read the interval as point ± 1.96 SD on the scale on
// which the family is symmetric (Briggs, Claxton and Sculpher 2006, *Decision Modelling for
// Health Economic Evaluation*, ch. 4): the natural scale for the normal (and, through the
// method of moments, for beta and gamma), the log scale for the lognormal (a ratio, a relative
// risk, a cost). Only the width of the interval is used: an interval that is not symmetric
// about the point on that scale is accepted, and its asymmetry is ignored, not an error.

extension Distribution {
  /// z = Φ⁻¹(0.975) = 1.959963984540054, the half-width of a 95% normal interval in SDs.
  static let z975 = 1.959963984540054

  /// Checks lower < point < upper, all finite, for the interval factories.
  private static func checkInterval(
    family: String, pointName: String, point: Double, lower: Double, upper: Double,
    positive: Bool = false
  ) throws(DistributionError) {
    guard point.isFinite, lower.isFinite, upper.isFinite, lower < point, point < upper else {
      throw DistributionError(
        message: "\(family) from a 95% interval needs finite values with "
          + "lower < \(pointName) < upper, got \(pointName) = \(point), lower = \(lower) "
          + "and upper = \(upper).")
    }
    guard !positive || lower > 0 else {
      throw DistributionError(
        message: "\(family) from a 95% interval needs 0 < lower < \(pointName) < upper "
          + "(it is symmetric on the log scale), got lower = \(lower).")
    }
  }

  /// The normal distribution with the given mean whose 95% interval has the width of
  /// [`lower`, `upper`].
  ///
  /// ```
  /// sd = (upper − lower) / (2 · 1.959963984540054)
  /// ```
  /// Assumes the interval is symmetric about the mean on the natural scale, mean ± 1.96·sd
  /// (Briggs, Claxton and Sculpher 2006, ch. 4); only its width is used.
  ///
  /// - Throws: ``DistributionError`` unless lower < mean < upper, all finite, with a finite
  ///   width.
  public static func normal(mean: Double, lower: Double, upper: Double) throws(DistributionError)
    -> Distribution
  {
    try checkInterval(
      family: "A normal distribution", pointName: "mean", point: mean, lower: lower, upper: upper)
    let sd = (upper - lower) / (2 * z975)
    guard sd.isFinite else {
      throw DistributionError(
        message: "A normal distribution from the 95% interval [\(lower), \(upper)] cannot be "
          + "represented: upper - lower is not a finite number.")
    }
    return .normal(mean: mean, sd: sd)
  }

  /// The lognormal distribution with the given median whose 95% interval is [`lower`,
  /// `upper`], symmetric on the log scale.
  ///
  /// ```
  /// sdlog = (ln upper − ln lower) / (2 · 1.959963984540054),   meanlog = ln median
  /// ```
  /// Assumes exp(meanlog ± 1.96·sdlog) = (lower, upper), i.e. median = √(lower·upper) (Briggs,
  /// Claxton and Sculpher 2006, ch. 4, for relative risks and hazard ratios); only the width
  /// on the log scale is used.
  ///
  /// - Throws: ``DistributionError`` unless 0 < lower < median < upper, all finite.
  public static func lognormal(median: Double, lower: Double, upper: Double)
    throws(DistributionError) -> Distribution
  {
    try checkInterval(
      family: "A lognormal distribution", pointName: "median", point: median, lower: lower,
      upper: upper, positive: true)
    return .lognormal(meanlog: log(median), sdlog: (log(upper) - log(lower)) / (2 * z975))
  }

  /// The lognormal distribution whose variable has the given mean and whose 95% interval has
  /// the width of [`lower`, `upper`] on the log scale.
  ///
  /// ```
  /// sdlog = (ln upper − ln lower) / (2 · 1.959963984540054),   meanlog = ln mean − sdlog²/2
  /// ```
  /// Assumes the interval is symmetric on the log scale (Briggs, Claxton and Sculpher 2006,
  /// ch. 4); only its log width is used, and meanlog is then chosen so that E[X] = mean.
  ///
  /// - Throws: ``DistributionError`` unless 0 < lower < mean < upper, all finite.
  public static func lognormal(mean: Double, lower: Double, upper: Double)
    throws(DistributionError) -> Distribution
  {
    try checkInterval(
      family: "A lognormal distribution", pointName: "mean", point: mean, lower: lower,
      upper: upper, positive: true)
    let sdlog = (log(upper) - log(lower)) / (2 * z975)
    return .lognormal(meanlog: log(mean) - 0.5 * sdlog * sdlog, sdlog: sdlog)
  }

  /// The beta distribution with the given mean and the SD implied by a 95% interval:
  /// sd = (upper − lower)/(2 · 1.959963984540054), then ``beta(mean:sd:)``.
  ///
  /// Assumes the interval is mean ± 1.96·sd on the natural scale (Briggs, Claxton and
  /// Sculpher 2006, ch. 4); a beta distribution is not symmetric, so its own 95% interval
  /// differs from [lower, upper] unless the sd is small.
  ///
  /// - Throws: ``DistributionError`` unless lower < mean < upper, all finite; and the errors
  ///   of ``beta(mean:sd:)`` (e.g. an interval too wide for the mean), prefixed with the
  ///   interval and the implied sd.
  public static func beta(mean: Double, lower: Double, upper: Double) throws(DistributionError)
    -> Distribution
  {
    try checkInterval(
      family: "A beta distribution", pointName: "mean", point: mean, lower: lower, upper: upper)
    let sd = (upper - lower) / (2 * z975)
    do {
      return try beta(mean: mean, sd: sd)
    } catch {
      throw DistributionError(message: intervalPrefix(lower, upper, sd) + error.message)
    }
  }

  /// The gamma distribution with the given mean and the SD implied by a 95% interval:
  /// sd = (upper − lower)/(2 · 1.959963984540054), then ``gamma(mean:sd:)``.
  ///
  /// Assumes the interval is mean ± 1.96·sd on the natural scale (Briggs, Claxton and
  /// Sculpher 2006, ch. 4); a gamma distribution is skewed, so its own 95% interval differs
  /// from [lower, upper] unless the sd is small relative to the mean.
  ///
  /// - Throws: ``DistributionError`` unless lower < mean < upper, all finite; and the errors
  ///   of ``gamma(mean:sd:)``, prefixed with the interval and the implied sd.
  public static func gamma(mean: Double, lower: Double, upper: Double) throws(DistributionError)
    -> Distribution
  {
    try checkInterval(
      family: "A gamma distribution", pointName: "mean", point: mean, lower: lower, upper: upper)
    let sd = (upper - lower) / (2 * z975)
    do {
      return try gamma(mean: mean, sd: sd)
    } catch {
      throw DistributionError(message: intervalPrefix(lower, upper, sd) + error.message)
    }
  }

  /// "From the 95% interval [l, u] (sd = (upper - lower) / 3.92 = s): ".
  private static func intervalPrefix(_ lower: Double, _ upper: Double, _ sd: Double) -> String {
    "From the 95% interval [\(lower), \(upper)] (sd = (upper - lower) / 3.92 = \(sd)): "
  }

  // MARK: - PERT with the usual shape

  /// The beta-PERT distribution with the usual shape λ = 4, validated:
  /// `pert(min: min, mode: mode, max: max, shape: 4)`, whose mean is (min + 4·mode + max)/6.
  ///
  /// (The other new cases have no factory of their own: a static function with a case's own
  /// name and labels would be a redeclaration, so `try Distribution.triangular(min:mode:max:)
  /// .validated()` and the like are their validated constructors.)
  ///
  /// - Throws: ``DistributionError`` unless min ≤ mode ≤ max and min < max, all finite.
  public static func pert(min: Double, mode: Double, max: Double) throws(DistributionError)
    -> Distribution
  {
    try Distribution.pert(min: min, mode: mode, max: max, shape: 4).validated()
  }
}

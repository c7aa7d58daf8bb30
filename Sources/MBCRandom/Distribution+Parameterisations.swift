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

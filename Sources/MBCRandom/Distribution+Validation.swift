extension Distribution {
  /// Checks the case's own parameters and returns `self` unchanged when they are valid.
  ///
  /// Requirements (every parameter must also be finite):
  ///
  /// | case | requirement |
  /// |---|---|
  /// | `fixed(v)` | — |
  /// | `beta(alpha, beta)` | alpha > 0, beta > 0 |
  /// | `gamma(shape, scale)` | shape > 0, scale > 0 |
  /// | `lognormal(meanlog, sdlog)` | sdlog ≥ 0 |
  /// | `normal(mean, sd)` | sd ≥ 0 |
  /// | `uniform(min, max)` | min < max, and max − min finite |
  /// | `poisson(mean)` | mean ≥ 0 |
  /// | `truncatedNormal(mean, sd, lower, upper)` | sd > 0; lower < upper (each may be infinite, not NaN); the interval's probability under N(mean, sd²) a normal double (≥ 2.2e-308) |
  /// | `triangular(min, mode, max)` | min ≤ mode ≤ max, min < max, max − min finite |
  /// | `pert(min, mode, max, shape)` | as triangular, and shape > 0 |
  /// | `empirical(values)`, `bootstrapMean(values)` | at least one value, every value finite, their mean and variance finite |
  ///
  /// The samplers assume a valid distribution: on invalid parameters ``sample(using:)``
  /// returns NaN or a meaningless number (it never traps or loops forever), so check
  /// distributions read from user input once, here, before sampling.
  ///
  /// - Throws: ``DistributionError`` naming the case, the values and the requirement.
  public func validated() throws(DistributionError) -> Distribution {
    switch self {
    case .fixed(let value):
      guard value.isFinite else {
        throw DistributionError(message: "A fixed value must be finite, got \(value).")
      }
    case .beta(let alpha, let beta):
      guard alpha.isFinite, beta.isFinite, alpha > 0, beta > 0 else {
        throw DistributionError(
          message: "A beta distribution needs finite shape parameters alpha > 0 and beta > 0, "
            + "got alpha = \(alpha) and beta = \(beta).")
      }
    case .gamma(let shape, let scale):
      guard shape.isFinite, scale.isFinite, shape > 0, scale > 0 else {
        throw DistributionError(
          message: "A gamma distribution needs a finite shape > 0 and a finite scale > 0, "
            + "got shape = \(shape) and scale = \(scale).")
      }
    case .lognormal(let meanlog, let sdlog):
      guard meanlog.isFinite, sdlog.isFinite, sdlog >= 0 else {
        throw DistributionError(
          message: "A lognormal distribution needs a finite meanlog and a finite sdlog >= 0, "
            + "got meanlog = \(meanlog) and sdlog = \(sdlog).")
      }
    case .normal(let mean, let sd):
      guard mean.isFinite, sd.isFinite, sd >= 0 else {
        throw DistributionError(
          message: "A normal distribution needs a finite mean and a finite sd >= 0, "
            + "got mean = \(mean) and sd = \(sd).")
      }
    case .uniform(let min, let max):
      guard min.isFinite, max.isFinite, min < max else {
        throw DistributionError(
          message: "A uniform distribution needs finite bounds with min < max, "
            + "got min = \(min) and max = \(max).")
      }
      guard (max - min).isFinite else {
        throw DistributionError(
          message: "A uniform distribution from \(min) to \(max) is too wide: "
            + "max - min must be a finite number.")
      }
    case .poisson(let mean):
      guard mean.isFinite, mean >= 0 else {
        throw DistributionError(
          message: "A Poisson distribution needs a finite mean >= 0, got mean = \(mean).")
      }
    case .truncatedNormal(let mean, let sd, let lower, let upper):
      try Distribution.validateTruncatedNormal(mean: mean, sd: sd, lower: lower, upper: upper)
    case .triangular(let min, let mode, let max):
      try Distribution.validateRange(
        name: "A triangular distribution", min: min, mode: mode, max: max)
    case .pert(let min, let mode, let max, let shape):
      try Distribution.validateRange(name: "A PERT distribution", min: min, mode: mode, max: max)
      guard shape.isFinite, shape > 0 else {
        throw DistributionError(
          message: "A PERT distribution needs a finite shape > 0 (usually 4), got shape = \(shape)."
        )
      }
    case .empirical(let values):
      try Distribution.validateValues(values, name: "An empirical distribution")
    case .bootstrapMean(let values):
      try Distribution.validateValues(values, name: "A bootstrap distribution of the mean")
    }
    return self
  }

  private static func validateTruncatedNormal(
    mean: Double, sd: Double, lower: Double, upper: Double
  ) throws(DistributionError) {
    guard mean.isFinite, sd.isFinite, sd > 0 else {
      throw DistributionError(
        message: "A truncated normal distribution needs a finite mean and a finite sd > 0 "
          + "(of the normal before truncation), got mean = \(mean) and sd = \(sd).")
    }
    guard !lower.isNaN, !upper.isNaN, lower < upper else {
      throw DistributionError(
        message: "A truncated normal distribution needs bounds with lower < upper "
          + "(either may be infinite), got lower = \(lower) and upper = \(upper).")
    }
    let mass = TruncatedStandardNormal(mean: mean, sd: sd, lower: lower, upper: upper).mass
    guard mass >= Double.leastNormalMagnitude else {
      throw DistributionError(
        message: "A normal distribution with mean \(mean) and sd \(sd) cannot be truncated to "
          + "[\(lower), \(upper)]: the interval has probability \(mass) under it, too small to "
          + "represent (both bounds are more than about 37 sd beyond the mean on the same "
          + "side); move the bounds or the mean.")
    }
  }

  /// min ≤ mode ≤ max, min < max, all finite, max − min finite.
  private static func validateRange(name: String, min: Double, mode: Double, max: Double)
    throws(DistributionError)
  {
    guard min.isFinite, mode.isFinite, max.isFinite, min <= mode, mode <= max, min < max else {
      throw DistributionError(
        message: "\(name) needs finite values with min <= mode <= max and min < max, "
          + "got min = \(min), mode = \(mode) and max = \(max).")
    }
    guard (max - min).isFinite else {
      throw DistributionError(
        message: "\(name) from \(min) to \(max) is too wide: "
          + "max - min must be a finite number.")
    }
  }

  /// At least one value, all finite, mean and variance finite.
  private static func validateValues(_ values: [Double], name: String) throws(DistributionError) {
    guard !values.isEmpty else {
      throw DistributionError(message: "\(name) needs at least one value, got none.")
    }
    if let position = values.firstIndex(where: { !$0.isFinite }) {
      throw DistributionError(
        message: "\(name) needs finite values, but value \(position + 1) of \(values.count) "
          + "is \(values[position]).")
    }
    let (mean, variance) = Distribution.listMoments(values)
    guard mean.isFinite, variance.isFinite else {
      throw DistributionError(
        message: "\(name) cannot use values this large: their mean (\(mean)) or variance "
          + "(\(variance)) is not a finite number; rescale the values (e.g. to thousands).")
    }
  }
}

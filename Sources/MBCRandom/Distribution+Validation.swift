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
    }
    return self
  }
}

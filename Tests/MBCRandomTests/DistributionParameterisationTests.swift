import MBCRandom
import Testing

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The message of the ``DistributionError`` that `make` throws, or nil when it succeeds.
/// (The factories throw only `DistributionError`, a typed throw, so the cast cannot fail.)
func errorMessage(_ make: () throws -> Distribution) -> String? {
  do {
    _ = try make()
    return nil
  } catch {
    return (error as? DistributionError)?.message ?? "unexpected error type: \(error)"
  }
}

@Suite("Distribution parameterisations")
struct DistributionParameterisationTests {
  // MARK: - Method of moments

  @Test(
    "beta(mean:sd:) has exactly the requested mean and variance",
    arguments: [
      (0.5, 0.1), (0.02, 0.01), (0.9, 0.05), (0.3, 0.45), (0.999, 0.0001), (0.75, 0.2),
      (1e-4, 1e-5),
    ] as [(Double, Double)])
  func test_betaMeanSD_momentsRoundTrip(_ mean: Double, _ sd: Double) throws {
    let distribution = try Distribution.beta(mean: mean, sd: sd)
    guard case .beta(let alpha, let beta) = distribution else {
      Issue.record("not a beta: \(distribution)")
      return
    }
    #expect(alpha > 0 && beta > 0)
    #expect(relativeError(distribution.mean, mean) <= 1e-12)
    #expect(relativeError(distribution.variance, sd * sd) <= 1e-12)
  }

  @Test(
    "gamma(mean:sd:) has exactly the requested mean and variance",
    arguments: [(1.0, 1.0), (2_500, 800), (0.01, 0.5), (1e6, 1), (3.7, 12.25), (1e-8, 1e-9)]
      as [(Double, Double)])
  func test_gammaMeanSD_momentsRoundTrip(_ mean: Double, _ sd: Double) throws {
    let distribution = try Distribution.gamma(mean: mean, sd: sd)
    #expect(relativeError(distribution.mean, mean) <= 1e-12)
    #expect(relativeError(distribution.variance, sd * sd) <= 1e-12)
  }

  @Test("gamma(shape:rate:) is gamma(shape:scale: 1 / rate)")
  func test_gammaShapeRate_isReciprocalScale() throws {
    let distribution = try Distribution.gamma(shape: 3, rate: 0.5)
    #expect(distribution == .gamma(shape: 3, scale: 2))
    #expect(distribution.mean == 6)
    #expect(distribution.variance == 12)
  }

  @Test(
    "lognormal(mean:sd:) has exactly the requested mean and variance of the variable",
    arguments: [(1.0, 0.5), (2_500, 800), (0.05, 0.2), (1e6, 1e5), (10, 1e-3)] as [(Double, Double)]
  )
  func test_lognormalMeanSD_momentsRoundTrip(_ mean: Double, _ sd: Double) throws {
    let distribution = try Distribution.lognormal(mean: mean, sd: sd)
    #expect(relativeError(distribution.mean, mean) <= 1e-12)
    #expect(relativeError(distribution.variance, sd * sd) <= 1e-12)
  }

  @Test("lognormal(median:sigma:) has median exp(meanlog) and sdlog sigma")
  func test_lognormalMedianSigma_median() throws {
    let distribution = try Distribution.lognormal(median: 1_200, sigma: 0.4)
    guard case .lognormal(let meanlog, let sdlog) = distribution else {
      Issue.record("not a lognormal: \(distribution)")
      return
    }
    #expect(relativeError(exp(meanlog), 1_200) <= 1e-15)
    #expect(sdlog == 0.4)
    // And the draws have that median: the fraction at or below 1,200 is ½ within
    // 4·√(¼/n) (binomial SD of a proportion; chance failure 6e-5).
    let n = 40_000
    var generator = testGenerator("lognormal median")
    var below = 0
    for _ in 0..<n where distribution.sample(using: &generator) <= 1_200 { below += 1 }
    #expect(abs(Double(below) / Double(n) - 0.5) <= 4 * (0.25 / Double(n)).squareRoot())

    #expect(
      try Distribution.lognormal(median: 5, sigma: 0) == .lognormal(meanlog: log(5), sdlog: 0))
  }

  // MARK: - Impossible pairs

  @Test("beta(mean:sd:) rejects an sd too large for the mean and says what the maximum is")
  func test_betaMeanSD_sdTooLarge() {
    #expect(
      errorMessage { try Distribution.beta(mean: 0.5, sd: 0.6) }
        == "A beta distribution with mean 0.5 and sd 0.6 is impossible: "
        + "the sd must be less than sqrt(mean * (1 - mean)) = 0.5.")
    // The boundary itself (the Bernoulli SD) is impossible too.
    #expect(errorMessage { try Distribution.beta(mean: 0.5, sd: 0.5) } != nil)
    let message = errorMessage { try Distribution.beta(mean: 0.1, sd: 0.35) }
    #expect(message?.contains("mean 0.1 and sd 0.35 is impossible") == true)
    #expect(message?.contains("= 0.3") == true)
  }

  @Test(
    "beta(mean:sd:) rejects means outside (0, 1), sd ≤ 0 and non-finite input",
    arguments: [
      (0.0, 0.1, "mean strictly between 0 and 1, got mean = 0.0"),
      (1.0, 0.1, "mean strictly between 0 and 1, got mean = 1.0"),
      (1.2, 0.1, "mean strictly between 0 and 1, got mean = 1.2"),
      (-0.3, 0.1, "mean strictly between 0 and 1, got mean = -0.3"),
      (0.5, 0.0, "needs sd > 0, got sd = 0.0"),
      (0.5, -0.1, "needs sd > 0, got sd = -0.1"),
      (.nan, 0.1, "finite mean and sd, got mean = nan and sd = 0.1"),
      (0.5, .infinity, "finite mean and sd, got mean = 0.5 and sd = inf"),
    ] as [(Double, Double, String)])
  func test_betaMeanSD_invalidInput(_ mean: Double, _ sd: Double, _ fragment: String) {
    let message = errorMessage { try Distribution.beta(mean: mean, sd: sd) }
    #expect(message?.contains(fragment) == true, "\(message ?? "no error")")
  }

  @Test(
    "gamma(mean:sd:) and lognormal(mean:sd:) reject mean ≤ 0, sd ≤ 0 and non-finite input",
    arguments: [(0.0, 1.0), (-1.0, 1.0), (1.0, 0.0), (1.0, -2.0), (.nan, 1.0), (1.0, .infinity)]
      as [(Double, Double)])
  func test_meanSD_invalidInput(_ mean: Double, _ sd: Double) {
    let values = "got mean = \(mean) and sd = \(sd)."
    #expect(
      errorMessage { try Distribution.gamma(mean: mean, sd: sd) }
        == "A gamma distribution needs a finite mean > 0 and a finite sd > 0, " + values)
    #expect(
      errorMessage { try Distribution.lognormal(mean: mean, sd: sd) }
        == "A lognormal distribution needs a finite mean > 0 and a finite sd > 0 "
        + "(of the variable itself), " + values)
  }

  @Test("gamma(shape:rate:) rejects non-positive or non-finite values and a scale that overflows")
  func test_gammaShapeRate_invalidInput() {
    #expect(
      errorMessage { try Distribution.gamma(shape: 2, rate: 0) }
        == "A gamma distribution needs a finite shape > 0 and a finite rate > 0, "
        + "got shape = 2.0 and rate = 0.0.")
    #expect(errorMessage { try Distribution.gamma(shape: -1, rate: 1) } != nil)
    #expect(errorMessage { try Distribution.gamma(shape: .nan, rate: 1) } != nil)
    // 1 / 2^-1030 overflows.
    let message = errorMessage { try Distribution.gamma(shape: 2, rate: 0x1p-1030) }
    #expect(message?.contains("its scale 1 / rate is not a finite number") == true)
  }

  @Test("lognormal(median:sigma:) rejects median ≤ 0, sigma < 0 and non-finite input")
  func test_lognormalMedianSigma_invalidInput() {
    #expect(
      errorMessage { try Distribution.lognormal(median: 0, sigma: 1) }
        == "A lognormal distribution needs a finite median > 0 and a finite sigma >= 0, "
        + "got median = 0.0 and sigma = 1.0.")
    #expect(errorMessage { try Distribution.lognormal(median: 1, sigma: -0.1) } != nil)
    #expect(errorMessage { try Distribution.lognormal(median: .infinity, sigma: 1) } != nil)
  }

  // MARK: - 95% intervals

  /// z = Φ⁻¹(0.975), the half-width of a 95% interval in SDs.
  static let z = 1.959963984540054

  @Test("normal(mean:lower:upper:) reads the interval as mean ± 1.96 sd")
  func test_normalInterval_sd() throws {
    let lower = 10 - Self.z * 2
    let upper = 10 + Self.z * 2
    let distribution = try Distribution.normal(mean: 10, lower: lower, upper: upper)
    #expect(distribution == .normal(mean: 10, sd: (upper - lower) / (2 * Self.z)))
    #expect(relativeError(distribution.variance, 4) <= 1e-15)
    // Its own 95% interval is the one given (Φ⁻¹(0.025) = −z to 1e-16).
    #expect(relativeError(distribution.quantile(0.025), lower) <= 1e-14)
    #expect(relativeError(distribution.quantile(0.975), upper) <= 1e-14)
    // An asymmetric interval is not an error: only its width is used.
    #expect(
      try Distribution.normal(mean: 9, lower: lower, upper: upper).variance == distribution.variance
    )
  }

  @Test("lognormal(median:lower:upper:) is symmetric on the log scale")
  func test_lognormalMedianInterval() throws {
    // ln 2, ln 6, ln 18 are equally spaced: the interval is symmetric about the median.
    let distribution = try Distribution.lognormal(median: 6, lower: 2, upper: 18)
    guard case .lognormal(let meanlog, let sdlog) = distribution else {
      Issue.record("not a lognormal: \(distribution)")
      return
    }
    #expect(relativeError(meanlog, log(6)) <= 1e-15)
    #expect(relativeError(sdlog, log(9) / (2 * Self.z)) <= 1e-15)
    #expect(relativeError(distribution.quantile(0.025), 2) <= 1e-14)
    #expect(relativeError(distribution.quantile(0.975), 18) <= 1e-14)
  }

  @Test("lognormal(mean:lower:upper:) has the given mean and the interval's log width")
  func test_lognormalMeanInterval() throws {
    let distribution = try Distribution.lognormal(mean: 1_000, lower: 500, upper: 2_500)
    #expect(relativeError(distribution.mean, 1_000) <= 1e-14)
    // The 95% interval spans a factor upper/lower = 5, wherever it sits.
    let ratio = distribution.quantile(0.975) / distribution.quantile(0.025)
    #expect(relativeError(ratio, 5) <= 1e-13)
  }

  @Test("beta(mean:lower:upper:) and gamma(mean:lower:upper:) use sd = width / 3.92")
  func test_betaGammaInterval_momentsRoundTrip() throws {
    let beta = try Distribution.beta(mean: 0.3, lower: 0.2, upper: 0.4)
    let betaSD = 0.2 / (2 * Self.z)
    #expect(relativeError(beta.mean, 0.3) <= 1e-12)
    #expect(relativeError(beta.variance, betaSD * betaSD) <= 1e-12)
    #expect(beta == (try Distribution.beta(mean: 0.3, sd: betaSD)))
    let gamma = try Distribution.gamma(mean: 100, lower: 60, upper: 140)
    let gammaSD = 80 / (2 * Self.z)
    #expect(relativeError(gamma.mean, 100) <= 1e-12)
    #expect(relativeError(gamma.variance, gammaSD * gammaSD) <= 1e-12)
  }

  @Test("the interval factories reject intervals that do not contain the point, and say why")
  func test_intervals_invalidInput() {
    #expect(
      errorMessage { try Distribution.normal(mean: 5, lower: 6, upper: 9) }
        == "A normal distribution from a 95% interval needs finite values with "
        + "lower < mean < upper, got mean = 5.0, lower = 6.0 and upper = 9.0.")
    #expect(errorMessage { try Distribution.normal(mean: 5, lower: 1, upper: .infinity) } != nil)
    #expect(
      errorMessage { try Distribution.normal(mean: 0, lower: -1e308, upper: 1e308) }?
        .contains("upper - lower is not a finite number") == true)
    #expect(
      errorMessage { try Distribution.lognormal(median: 1, lower: 0, upper: 2) }
        == "A lognormal distribution from a 95% interval needs 0 < lower < median < upper "
        + "(it is symmetric on the log scale), got lower = 0.0.")
    #expect(
      errorMessage { try Distribution.lognormal(mean: 1, lower: 2, upper: 3) }?
        .contains("lower < mean < upper, got mean = 1.0, lower = 2.0 and upper = 3.0.") == true)
    #expect(errorMessage { try Distribution.gamma(mean: .nan, lower: 1, upper: 2) } != nil)
    // An interval too wide for a beta with this mean: the beta(mean:sd:) error, prefixed.
    let message = errorMessage { try Distribution.beta(mean: 0.1, lower: 0.01, upper: 2) }
    #expect(
      message?.hasPrefix("From the 95% interval [0.01, 2.0] (sd = (upper - lower) / 3.92 = ")
        == true)
    #expect(message?.contains("A beta distribution with mean 0.1 and sd 0.50") == true)
    #expect(message?.contains("is impossible") == true)
    // gamma(mean:sd:) errors are prefixed the same way (mean ≤ 0 cannot pass the interval
    // check, so use an sd that underflows the shape: mean / sd = 1e-200, squared = 0).
    let gammaMessage = errorMessage {
      try Distribution.gamma(mean: 1e-300, lower: -1e-100, upper: 1e-100)
    }
    #expect(gammaMessage?.hasPrefix("From the 95% interval") == true)
  }

  // MARK: - PERT with the usual shape

  @Test("pert(min:mode:max:) is the validated PERT with shape 4")
  func test_pertDefaultShape() throws {
    let distribution = try Distribution.pert(min: 1, mode: 2, max: 9)
    #expect(distribution == .pert(min: 1, mode: 2, max: 9, shape: 4))
    #expect(relativeError(distribution.mean, (1 + 4 * 2 + 9) / 6.0) <= 1e-15)
    #expect(
      errorMessage { try Distribution.pert(min: 3, mode: 2, max: 9) }
        == "A PERT distribution needs finite values with min <= mode <= max and min < max, "
        + "got min = 3.0, mode = 2.0 and max = 9.0.")
  }

  // MARK: - validated()

  @Test(
    "validated() accepts valid cases unchanged",
    arguments: [
      Distribution.fixed(0), .beta(alpha: 0.2, beta: 5), .gamma(shape: 0.1, scale: 1e6),
      .lognormal(meanlog: -3, sdlog: 0), .normal(mean: 0, sd: 0), .uniform(min: -1, max: 1e-300),
      .poisson(mean: 0), .poisson(mean: 1e9),
      .truncatedNormal(mean: 0, sd: 1, lower: -.infinity, upper: .infinity),
      .truncatedNormal(mean: 0, sd: 1, lower: 0, upper: .infinity),
      .truncatedNormal(mean: 0, sd: 1, lower: 37, upper: 38),  // Z = 5.7e-300, still normal
      .truncatedNormal(mean: 0, sd: 1, lower: 1, upper: 1 + 1e-12),
      .triangular(min: 0, mode: 0, max: 1), .triangular(min: 0, mode: 1, max: 1),
      .pert(min: 0, mode: 0.5, max: 1, shape: 0.1), .empirical([1]), .bootstrapMean([-3, 3]),
    ])
  func test_validated_acceptsValidCases(_ distribution: Distribution) throws {
    #expect(try distribution.validated() == distribution)
  }

  @Test(
    "validated() rejects invalid cases with a sentence naming the values",
    arguments: [
      (Distribution.fixed(.nan), "A fixed value must be finite, got nan."),
      (.beta(alpha: 0, beta: 2), "got alpha = 0.0 and beta = 2.0."),
      (.beta(alpha: 1, beta: .infinity), "got alpha = 1.0 and beta = inf."),
      (.gamma(shape: -1, scale: 2), "got shape = -1.0 and scale = 2.0."),
      (.gamma(shape: 1, scale: 0), "got shape = 1.0 and scale = 0.0."),
      (.lognormal(meanlog: 0, sdlog: -1), "got meanlog = 0.0 and sdlog = -1.0."),
      (.normal(mean: .nan, sd: 1), "got mean = nan and sd = 1.0."),
      (.normal(mean: 0, sd: -2), "a finite sd >= 0, got mean = 0.0 and sd = -2.0."),
      (.uniform(min: 3, max: 1), "min < max, got min = 3.0 and max = 1.0."),
      (.uniform(min: 1, max: 1), "min < max, got min = 1.0 and max = 1.0."),
      (.uniform(min: -1e308, max: 1e308), "max - min must be a finite number."),
      (.poisson(mean: -0.5), "a finite mean >= 0, got mean = -0.5."),
      (.poisson(mean: .infinity), "a finite mean >= 0, got mean = inf."),
      (
        .truncatedNormal(mean: 0, sd: 0, lower: -1, upper: 1),
        "A truncated normal distribution needs a finite mean and a finite sd > 0 "
          + "(of the normal before truncation), got mean = 0.0 and sd = 0.0."
      ),
      (
        .truncatedNormal(mean: 0, sd: 1, lower: 1, upper: 1),
        "needs bounds with lower < upper (either may be infinite), got lower = 1.0 and "
          + "upper = 1.0."
      ),
      (.truncatedNormal(mean: 0, sd: 1, lower: .nan, upper: 1), "got lower = nan and upper = 1.0."),
      (
        .truncatedNormal(mean: 0, sd: 1, lower: 38, upper: 39),
        "A normal distribution with mean 0.0 and sd 1.0 cannot be truncated to [38.0, 39.0]: "
          + "the interval has probability"
      ),
      (
        .triangular(min: 1, mode: 0, max: 2),
        "A triangular distribution needs finite values with min <= mode <= max and min < max, "
          + "got min = 1.0, mode = 0.0 and max = 2.0."
      ),
      (.triangular(min: 1, mode: 1, max: 1), "got min = 1.0, mode = 1.0 and max = 1.0."),
      (.triangular(min: -1e308, mode: 0, max: 1e308), "max - min must be a finite number."),
      (
        .pert(min: 0, mode: 1, max: 2, shape: 0),
        "A PERT distribution needs a finite shape > 0 (usually 4), got shape = 0.0."
      ),
      (.pert(min: 0, mode: 3, max: 2, shape: 4), "got min = 0.0, mode = 3.0 and max = 2.0."),
      (.empirical([]), "An empirical distribution needs at least one value, got none."),
      (
        .empirical([1, .nan, 3]),
        "An empirical distribution needs finite values, but value 2 of 3 is nan."
      ),
      (
        .bootstrapMean([1e308, 1e308]),
        "A bootstrap distribution of the mean cannot use values this large"
      ),
      (.bootstrapMean([]), "A bootstrap distribution of the mean needs at least one value"),
    ] as [(Distribution, String)])
  func test_validated_rejectsInvalidCases(_ distribution: Distribution, _ fragment: String) {
    let message = errorMessage { try distribution.validated() }
    #expect(message?.contains(fragment) == true, "\(message ?? "no error")")
  }

  @Test("DistributionError prints its message; Distribution prints as written in Swift")
  func test_descriptions() {
    let error = DistributionError(message: "Something is wrong.")
    #expect(error.description == "Something is wrong.")
    #expect("\(error)" == "Something is wrong.")
    #expect(Distribution.gamma(shape: 2, scale: 3.5).description == "gamma(shape: 2.0, scale: 3.5)")
    #expect(Distribution.beta(alpha: 1, beta: 2).description == "beta(alpha: 1.0, beta: 2.0)")
    #expect(Distribution.poisson(mean: 4).description == "poisson(mean: 4.0)")
    #expect(Distribution.fixed(1.5).description == "fixed(1.5)")
    #expect(
      Distribution.truncatedNormal(mean: 0, sd: 1, lower: 0, upper: .infinity).description
        == "truncatedNormal(mean: 0.0, sd: 1.0, lower: 0.0, upper: inf)")
    #expect(
      Distribution.triangular(min: 1, mode: 2, max: 4).description
        == "triangular(min: 1.0, mode: 2.0, max: 4.0)")
    #expect(
      Distribution.pert(min: 1, mode: 2, max: 4, shape: 4).description
        == "pert(min: 1.0, mode: 2.0, max: 4.0, shape: 4.0)")
    #expect(Distribution.empirical([1, 2.5]).description == "empirical([1.0, 2.5])")
    #expect(
      Distribution.bootstrapMean((1...10).map(Double.init)).description
        == "bootstrapMean([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, … 2 more])")
  }
}

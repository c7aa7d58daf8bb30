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

  // MARK: - validated()

  @Test(
    "validated() accepts valid cases unchanged",
    arguments: [
      Distribution.fixed(0), .beta(alpha: 0.2, beta: 5), .gamma(shape: 0.1, scale: 1e6),
      .lognormal(meanlog: -3, sdlog: 0), .normal(mean: 0, sd: 0), .uniform(min: -1, max: 1e-300),
      .poisson(mean: 0), .poisson(mean: 1e9),
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
  }
}

import MBCRandom
import Testing

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A continuous case with its exact CDF, for the Kolmogorov–Smirnov test.
struct CDFCase: Sendable, CustomStringConvertible {
  var distribution: Distribution
  var cdf: @Sendable (Double) -> Double
  var description: String { distribution.description }
}

@Suite("Distribution goodness of fit")
struct DistributionGoodnessOfFitTests {
  // MARK: - Kolmogorov–Smirnov

  /// n draws per case; D_n = sup |F_n − F|.
  static let ksCount = 100_000

  /// Critical value at level 0.001: P(√n·D_n > 1.9494746) → 0.001 (Kolmogorov's limiting
  /// distribution, scipy.stats.kstwobign.isf(0.001) = 1.9494746035043753; for n = 100,000 the
  /// finite-n distribution is within 0.1 % of the limit). So each case fails by chance with
  /// probability 0.001, about 2 % over the nineteen cases; the seeds are fixed, so the outcome
  /// is deterministic.
  static let ksCritical = 1.9494746035043753 / Double(ksCount).squareRoot()

  static let ksCases: [CDFCase] = [
    CDFCase(distribution: .normal(mean: 0, sd: 1)) { StandardNormal.cdf($0) },
    CDFCase(distribution: .normal(mean: 5, sd: 2)) { StandardNormal.cdf(($0 - 5) / 2) },
    CDFCase(distribution: .lognormal(meanlog: 0.5, sdlog: 0.75)) {
      $0 <= 0 ? 0 : StandardNormal.cdf((log($0) - 0.5) / 0.75)
    },
    CDFCase(distribution: .lognormal(meanlog: -2, sdlog: 1.5)) {
      $0 <= 0 ? 0 : StandardNormal.cdf((log($0) + 2) / 1.5)
    },
    CDFCase(distribution: .uniform(min: -1, max: 3)) { min(max(($0 + 1) / 4, 0), 1) },
    // Beyond the brief, cases whose CDF has a closed form exercise the gamma and beta paths:
    // Gamma(1/2, θ) is θZ²/2, so F(x) = erf(√(x/θ)) (the shape < 1 boost);
    CDFCase(distribution: .gamma(shape: 0.5, scale: 2)) {
      $0 <= 0 ? 0 : erf(($0 / 2).squareRoot())
    },
    // Gamma(3, θ) is Erlang: F(x) = 1 − e^(−y)(1 + y + y²/2), y = x/θ (Marsaglia–Tsang);
    CDFCase(distribution: .gamma(shape: 3, scale: 1.5)) {
      let y = $0 / 1.5
      return $0 <= 0 ? 0 : 1 - exp(-y) * (1 + y + y * y / 2)
    },
    // Beta(a, 1): F(x) = x^a; Beta(1, b): F(x) = 1 − (1 − x)^b.
    CDFCase(distribution: .beta(alpha: 0.5, beta: 1)) { pow(min(max($0, 0), 1), 0.5) },
    CDFCase(distribution: .beta(alpha: 2, beta: 1)) { pow(min(max($0, 0), 1), 2) },
    CDFCase(distribution: .beta(alpha: 1, beta: 3)) { 1 - pow(1 - min(max($0, 0), 1), 3) },
    // The new cases, against CDFs written out here from their definitions: the truncated
    // normal as (Φ(ξ) − Φ(α))/(Φ(β) − Φ(α)) (upper tails Q = Φ(−t) for [3, ∞)), the
    // triangular piecewise quadratic;
    CDFCase(distribution: .truncatedNormal(mean: 0, sd: 1, lower: -1, upper: 2)) {
      let x = min(max($0, -1), 2)
      return (StandardNormal.cdf(x) - StandardNormal.cdf(-1))
        / (StandardNormal.cdf(2) - StandardNormal.cdf(-1))
    },
    CDFCase(distribution: .truncatedNormal(mean: 5, sd: 2, lower: 0, upper: .infinity)) {
      let z = (max($0, 0) - 5) / 2
      return (StandardNormal.cdf(z) - StandardNormal.cdf(-2.5)) / StandardNormal.cdf(2.5)
    },
    CDFCase(distribution: .truncatedNormal(mean: 0, sd: 1, lower: 3, upper: .infinity)) {
      let x = max($0, 3)
      return 1 - StandardNormal.cdf(-x) / StandardNormal.cdf(-3)
    },
    CDFCase(distribution: .triangular(min: 0, mode: 0.3, max: 1)) {
      let x = min(max($0, 0), 1)
      return x <= 0.3 ? x * x / 0.3 : 1 - (1 - x) * (1 - x) / 0.7
    },
    CDFCase(distribution: .triangular(min: 2, mode: 2, max: 5)) {
      let x = min(max($0, 2), 5)
      return 1 - (5 - x) * (5 - x) / 9
    },
    // Beta(½, ½) is the arcsine distribution, F(x) = (2/π) asin(√x);
    CDFCase(distribution: .beta(alpha: 0.5, beta: 0.5)) {
      2 / Double.pi * asin(min(max($0, 0), 1).squareRoot())
    },
    // and, against the library's own CDF (itself checked against SciPy and mpmath in
    // DistributionQuantileTests), cases without a closed form: PERT, a tiny gamma shape and
    // a concentrated beta. A wrong sampler and a wrong CDF would have to agree to pass.
    CDFCase(distribution: .pert(min: 0, mode: 0.3, max: 1, shape: 4)) {
      Distribution.pert(min: 0, mode: 0.3, max: 1, shape: 4).cdf($0)
    },
    CDFCase(distribution: .gamma(shape: 0.1, scale: 1)) {
      Distribution.gamma(shape: 0.1, scale: 1).cdf($0)
    },
    CDFCase(distribution: .beta(alpha: 200, beta: 800)) {
      Distribution.beta(alpha: 200, beta: 800).cdf($0)
    },
  ]

  @Test("Kolmogorov–Smirnov against the exact CDF", arguments: ksCases)
  func test_sample_kolmogorovSmirnov(_ testCase: CDFCase) {
    var generator = testGenerator("ks \(testCase.distribution)")
    let draws = (0..<Self.ksCount).map { _ in testCase.distribution.sample(using: &generator) }
    let d = kolmogorovSmirnovStatistic(draws, cdf: testCase.cdf)
    #expect(d <= Self.ksCritical, "D = \(d), critical \(Self.ksCritical)")
  }

  @Test("the KS check has power: it rejects a distribution that is slightly off")
  func test_kolmogorovSmirnov_detectsShift() {
    // Draws from N(0.05, 1) against Φ: D ≈ 0.05·φ(0) = 0.02, far above the critical 0.0062.
    var generator = testGenerator("ks power")
    let draws = (0..<Self.ksCount).map { _ in
      Distribution.normal(mean: 0.05, sd: 1).sample(using: &generator)
    }
    #expect(kolmogorovSmirnovStatistic(draws, cdf: StandardNormal.cdf) > Self.ksCritical)
  }

  // MARK: - Chi-square on the discrete list distributions

  /// Pearson's chi-square of `count` draws of `distribution` against the exact probabilities
  /// of its possible values (every value must expect at least 5 draws).
  static func chiSquare(
    _ distribution: Distribution, probabilities: [Double: Double], count n: Int
  ) -> Double {
    var observed: [Double: Double] = [:]
    var generator = testGenerator("chi-square \(distribution)")
    for _ in 0..<n { observed[distribution.sample(using: &generator), default: 0] += 1 }
    var statistic = 0.0
    for (value, probability) in probabilities {
      let expected = Double(n) * probability
      let o = observed[value] ?? 0
      statistic += (o - expected) * (o - expected) / expected
    }
    // A value outside the support counts fully against the fit.
    for (value, o) in observed where probabilities[value] == nil { statistic += o * 1e6 }
    return statistic
  }

  /// empirical([3, 1, 4, 1, 5, 9, 2, 6]): value 1 has probability 2/8 (it is listed twice),
  /// the others 1/8; 80,000 draws, 7 degrees of freedom, critical value at level 0.001
  /// scipy.stats.chi2.isf(0.001, 7) = 24.32. bootstrapMean([0, 1, 3]): the mean of 3 draws
  /// takes the sums 0…9 except 8 with multiplicities 1, 3, 3, 4, 6, 3, 3, 3, 1 out of 27
  /// (enumerated below), 60,000 draws, 8 degrees of freedom, critical value 26.12. Each fails
  /// by chance with probability 0.001; fixed seeds make the outcome deterministic.
  @Test("empirical and bootstrapMean draws have the exact discrete distribution")
  func test_sample_listChiSquare() {
    let empirical = Distribution.empirical([3, 1, 4, 1, 5, 9, 2, 6])
    let empiricalProbabilities: [Double: Double] = [
      1: 2.0 / 8, 2: 1.0 / 8, 3: 1.0 / 8, 4: 1.0 / 8, 5: 1.0 / 8, 6: 1.0 / 8, 9: 1.0 / 8,
    ]
    let e = Self.chiSquare(empirical, probabilities: empiricalProbabilities, count: 80_000)
    #expect(e <= 24.321886347856854, "χ² = \(e)")

    var bootstrapProbabilities: [Double: Double] = [:]
    let values = [0.0, 1, 3]
    for a in values {
      for b in values {
        for c in values { bootstrapProbabilities[(a + b + c) / 3, default: 0] += 1.0 / 27 }
      }
    }
    #expect(bootstrapProbabilities.count == 9)
    let bootstrap = Distribution.bootstrapMean(values)
    let b = Self.chiSquare(bootstrap, probabilities: bootstrapProbabilities, count: 60_000)
    #expect(b <= 26.124481558376143, "χ² = \(b)")
  }

  @Test("the list chi-square has power: it rejects draws from a different resample")
  func test_listChiSquare_detectsWrongResample() {
    // The mean of 2 draws from [0, 3] takes 1.5, which the mean of 3 draws from [0, 1, 3]
    // never takes, and never takes 1/3, 2/3, …: χ² is enormous.
    var probabilities: [Double: Double] = [:]
    for a in [0.0, 1, 3] {
      for b in [0.0, 1, 3] {
        for c in [0.0, 1, 3] { probabilities[(a + b + c) / 3, default: 0] += 1.0 / 27 }
      }
    }
    let wrong = Distribution.bootstrapMean([0, 3])  // 2 draws of {0, 3}: means 0, 1.5, 3
    #expect(Self.chiSquare(wrong, probabilities: probabilities, count: 10_000) > 26.12)
  }

  // MARK: - Chi-square on Poisson counts

  /// Pearson's chi-square of `count` Poisson(mean) draws against the exact pmf.
  ///
  /// Bins: the lower tail {k ≤ kLow}, with kLow the smallest k with n·F(k) ≥ 20; each k in
  /// between; the upper tail {k ≥ kHigh}, with kHigh the largest k with n·P(X ≥ k) ≥ 20.
  /// Every bin then expects at least 10 counts, so the chi-square approximation is sound.
  /// Degrees of freedom: bins − 1 (no parameter is estimated).
  static func chiSquare(mean: Double, count n: Int) -> (statistic: Double, degreesOfFreedom: Int) {
    var pmf: [Double] = []
    var k = 0
    while k < 20 || Double(k) < mean + 40 * mean.squareRoot() {
      pmf.append(poissonProbability(k, mean: mean))
      k += 1
    }
    var cdf: [Double] = []
    var sum = 0.0
    for p in pmf {
      sum += p
      cdf.append(sum)
    }
    let total = Double(n)
    let kLow = cdf.firstIndex { total * $0 >= 20 }!
    // P(X ≥ k) = 1 − F(k − 1)
    let kHigh = (kLow + 1..<pmf.count).last { total * (1 - cdf[$0 - 1]) >= 20 }!
    var expected = [total * cdf[kLow]]
    for k in kLow + 1..<kHigh { expected.append(total * pmf[k]) }
    expected.append(total * (1 - cdf[kHigh - 1]))

    var observed = [Double](repeating: 0, count: expected.count)
    var generator = testGenerator("chi-square poisson \(mean)")
    for _ in 0..<n {
      let x = Int(Distribution.poisson(mean: mean).sample(using: &generator))
      let bin = x <= kLow ? 0 : (x >= kHigh ? expected.count - 1 : x - kLow)
      observed[bin] += 1
    }
    var statistic = 0.0
    for (o, e) in zip(observed, expected) { statistic += (o - e) * (o - e) / e }
    return (statistic, expected.count - 1)
  }

  /// n = 100,000 draws. Critical values at level 0.001 from scipy.stats.chi2.isf(0.001, df);
  /// the degrees of freedom follow from the binning rule and were computed with the same rule
  /// in SciPy (the test checks them, so the critical value always matches). Each case fails
  /// by chance with probability 0.001; fixed seeds make the outcome deterministic.
  /// Means: 3 (inversion), 30 (PTRS at its switch point) and 100 (PTRS).
  @Test(
    "chi-square of Poisson counts against the exact pmf",
    arguments: [
      (3.0, 11, 31.26413362023999),
      (30.0, 38, 70.70288741150503),
      (100.0, 70, 112.31693185051567),
    ] as [(Double, Int, Double)])
  func test_sample_poissonChiSquare(_ mean: Double, _ degreesOfFreedom: Int, _ critical: Double) {
    let result = Self.chiSquare(mean: mean, count: 100_000)
    #expect(result.degreesOfFreedom == degreesOfFreedom)
    #expect(result.statistic <= critical, "χ² = \(result.statistic), critical \(critical)")
  }
}

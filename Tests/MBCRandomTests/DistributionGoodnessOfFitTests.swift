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
  /// probability 0.001, about 1 % over the ten cases; the seeds are fixed, so the outcome is
  /// deterministic.
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

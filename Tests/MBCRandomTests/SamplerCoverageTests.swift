// Statistical tests for the sampling code paths that DistributionGoodnessOfFitTests,
// DistributionMomentTests, BinomialTests and VectorDistributionTests leave without a
// distribution test (issue 9, "Statistical correctness"). The audit behind the choice of
// cases is in docs/testing.md, section "Sampler audit".
//
// Significance. Every check here has a stated false-alarm probability of at most 1e-4
// (Kolmogorov–Smirnov, chi-square) or 6.3e-5 (moments within 4σ: 2·Q(4) = 6.334e-5). The
// file makes 31 KS checks, 3 chi-square checks and 14 moment checks, so by Bonferroni the
// chance that any fails by chance alone is at most 31·1e-4 + 3·1e-4 + 14·6.4e-5 = 0.0043.
// The seeds are fixed (`testGenerator(label)`), so the outcome is deterministic: a failure
// means the draws changed, and a failure on a changed sampler is a real signal at least
// 99.5 % of the time.

import MBCRandom
import Testing

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// MARK: - Exact CDFs written out from their definitions

/// I_x(a, b) for whole a, b ≥ 1: P(Binomial(a + b − 1, x) ≥ a)
/// = Σ_{j=a}^{m} C(m, j) x^j (1 − x)^(m−j), m = a + b − 1 (the beta–binomial identity).
func integerBetaCDF(_ x: Double, a: Int, b: Int) -> Double {
  let x = min(max(x, 0), 1)
  let m = a + b - 1
  var sum = 0.0
  var choose = 1.0  // C(m, j), built up from C(m, 0)
  for j in 0...m {
    if j > 0 { choose = choose * Double(m - j + 1) / Double(j) }
    if j >= a { sum += choose * pow(x, Double(j)) * pow(1 - x, Double(m - j)) }
  }
  return sum
}

/// The Erlang CDF, Gamma(k, θ) for whole k: 1 − e^(−y) Σ_{j<k} y^j/j!, y = x/θ.
func erlangCDF(_ x: Double, shape k: Int, scale: Double) -> Double {
  guard x > 0 else { return 0 }
  let y = x / scale
  var term = 1.0
  var sum = 1.0
  for j in 1..<k {
    term *= y / Double(j)
    sum += term
  }
  return max(0, 1 - exp(-y) * sum)
}

/// Q(t) = Φ(−t), the upper normal tail.
func upperTail(_ t: Double) -> Double { StandardNormal.cdf(-t) }

@Suite("Sampler coverage: the paths the other distribution tests leave out")
struct SamplerCoverageTests {
  // MARK: - Kolmogorov–Smirnov, scalar samplers

  /// n draws per KS check.
  static let ksCount = 50_000

  /// D_n critical value at level α = 1e-4 for n = 50,000: the exact finite-n distribution,
  /// scipy.stats.kstwo.isf(1e-4, 50000) = 0.009948206640953193 (the limiting value
  /// kstwobign.isf(1e-4)/√n = 0.0099516 differs by 0.03 %). With 31 KS checks in this file
  /// the family-wise level is ≤ 31·1e-4 = 0.31 % (Bonferroni).
  static let ksCritical = 0.009948206640953193

  /// The scalar cases: each a path of `Distribution.sample(using:)` not yet under a KS test
  /// (see the comment on each), with a CDF written out here from the definition where one
  /// exists; the library's own `cdf` (checked against SciPy and mpmath in
  /// DistributionQuantileTests) only where there is no closed form.
  static let ksCases: [CDFCase] = [
    // Gamma, shape exactly 1 (Marsaglia–Tsang at its smallest d = 2/3): the exponential.
    CDFCase(distribution: .gamma(shape: 1, scale: 3)) { $0 <= 0 ? 0 : -expm1(-$0 / 3) },
    // Gamma, a large shape (Marsaglia–Tsang, c small): Erlang(50).
    CDFCase(distribution: .gamma(shape: 50, scale: 0.1)) { erlangCDF($0, shape: 50, scale: 0.1) },
    // Gamma, shapes below 1 other than ½ and 0.1 (the boost U^(1/a) with a near 1 and 0.3).
    CDFCase(distribution: .gamma(shape: 0.9, scale: 1)) {
      Distribution.gamma(shape: 0.9, scale: 1).cdf($0)
    },
    CDFCase(distribution: .gamma(shape: 0.3, scale: 2)) {
      Distribution.gamma(shape: 0.3, scale: 2).cdf($0)
    },
    // Beta, both shapes ≥ 1 (direct ratio of Marsaglia–Tsang gammas): Beta(1, 1) = U(0, 1),
    // Beta(2, 5) a polynomial.
    CDFCase(distribution: .beta(alpha: 1, beta: 1)) { min(max($0, 0), 1) },
    CDFCase(distribution: .beta(alpha: 2, beta: 5)) { integerBetaCDF($0, a: 2, b: 5) },
    // Beta, log-space ratio with β < 1 (the existing cases only have α < 1 alone):
    // Beta(1, b): F = 1 − (1 − x)^b.
    CDFCase(distribution: .beta(alpha: 1, beta: 0.4)) { 1 - pow(1 - min(max($0, 0), 1), 0.4) },
    // Beta(a, 2): F = x^a (a + 1 − a x) (integrate a(a + 1) t^(a−1)(1 − t));
    CDFCase(distribution: .beta(alpha: 0.3, beta: 2)) {
      let x = min(max($0, 0), 1)
      return pow(x, 0.3) * (1.3 - 0.3 * x)
    },
    // Beta(2, b) = 1 − Beta(b, 2) reflected: F = 1 − (1 − x)^b (b + 1 − b(1 − x)).
    CDFCase(distribution: .beta(alpha: 2, beta: 0.7)) {
      let y = 1 - min(max($0, 0), 1)
      return 1 - pow(y, 0.7) * (1.7 - 0.7 * y)
    },
    // Truncated normal, upper bound below the mean (the lower-tail Φ(t) branch):
    // F = Φ(z)/Φ(β), z = (x − 10)/3, β = −2.
    CDFCase(distribution: .truncatedNormal(mean: 10, sd: 3, lower: -.infinity, upper: 4)) {
      StandardNormal.cdf((min($0, 4) - 10) / 3) / StandardNormal.cdf(-2)
    },
    // Truncated normal, a narrow interval (isNarrow: w·max(1, |m|) = 0.2 ≤ ¼; quadrature
    // path) near the mean: F = (Φ(x) − Φ(0.5))/(Φ(0.7) − Φ(0.5)).
    CDFCase(distribution: .truncatedNormal(mean: 0, sd: 1, lower: 0.5, upper: 0.7)) {
      let x = min(max($0, 0.5), 0.7)
      return (StandardNormal.cdf(x) - StandardNormal.cdf(0.5))
        / (StandardNormal.cdf(0.7) - StandardNormal.cdf(0.5))
    },
    // Truncated normal, narrow and far in the upper tail, with μ and σ not 0 and 1:
    // [5.5, 5.54] SD above the mean (w·|m| = 0.04·5.52 = 0.22 ≤ ¼);
    // F = (Q(5.5) − Q(z))/(Q(5.5) − Q(5.54)), z = (x − 100)/20.
    CDFCase(distribution: .truncatedNormal(mean: 100, sd: 20, lower: 210, upper: 210.8)) {
      let z = (min(max($0, 210), 210.8) - 100) / 20
      return (upperTail(5.5) - upperTail(z)) / (upperTail(5.5) - upperTail(5.54))
    },
    // Triangular with the mode at the maximum (only the first branch): F = ((x + 5)/10)².
    CDFCase(distribution: .triangular(min: -5, mode: 5, max: 5)) {
      let t = (min(max($0, -5), 5) + 5) / 10
      return t * t
    },
    // PERT with the mode at the minimum and λ = 2: α = 1, β = 3, so F = 1 − (1 − (x − 2))³.
    CDFCase(distribution: .pert(min: 2, mode: 2, max: 3, shape: 2)) {
      let y = 1 - (min(max($0, 2), 3) - 2)
      return 1 - y * y * y
    },
    // PERT on a wide range (α = 1 + 4·500/3000 = 5/3, β = 13/3): the library's beta CDF.
    CDFCase(distribution: .pert(min: 1_000, mode: 1_500, max: 4_000, shape: 4)) {
      Distribution.beta(alpha: 5.0 / 3, beta: 13.0 / 3).cdf(($0 - 1_000) / 3_000)
    },
    // Uniform on a short interval far from 0 (rounding of min + w·U).
    CDFCase(distribution: .uniform(min: 100, max: 100.5)) { min(max(($0 - 100) / 0.5, 0), 1) },
  ]

  @Test("Kolmogorov–Smirnov at α = 1e-4 on the sampling paths not covered elsewhere", arguments: ksCases)
  func test_sample_kolmogorovSmirnov(_ testCase: CDFCase) {
    var generator = testGenerator("coverage ks \(testCase.distribution)")
    let draws = (0..<Self.ksCount).map { _ in testCase.distribution.sample(using: &generator) }
    let d = kolmogorovSmirnovStatistic(draws, cdf: testCase.cdf)
    #expect(d <= Self.ksCritical, "D = \(d), critical \(Self.ksCritical)")
  }

  /// The Gaussian copula's path (MBCEngine's RunTables): a correlated parameter is drawn as
  /// F⁻¹(Φ(z)) with z a standard normal score (here uncorrelated, z = Φ⁻¹(U)), i.e. by the
  /// family's `quantile`, not by `sample`. The copula tests in MBCEngineTests check only the
  /// marginal means; these 5 KS checks test the whole marginal against CDFs written out here.
  static let copulaCases: [CDFCase] = [
    CDFCase(distribution: .gamma(shape: 3, scale: 1.5)) { erlangCDF($0, shape: 3, scale: 1.5) },
    CDFCase(distribution: .gamma(shape: 0.5, scale: 2)) { $0 <= 0 ? 0 : erf(($0 / 2).squareRoot()) },
    CDFCase(distribution: .beta(alpha: 2, beta: 5)) { integerBetaCDF($0, a: 2, b: 5) },
    CDFCase(distribution: .lognormal(meanlog: 0.5, sdlog: 0.75)) {
      $0 <= 0 ? 0 : StandardNormal.cdf((log($0) - 0.5) / 0.75)
    },
    CDFCase(distribution: .pert(min: 2, mode: 2, max: 3, shape: 2)) {
      let y = 1 - (min(max($0, 2), 3) - 2)
      return 1 - y * y * y
    },
  ]

  @Test("copula path F⁻¹(Φ(z)): Kolmogorov–Smirnov at α = 1e-4", arguments: copulaCases)
  func test_quantileOfNormalScore_kolmogorovSmirnov(_ testCase: CDFCase) {
    var generator = testGenerator("coverage copula ks \(testCase.distribution)")
    let draws = (0..<Self.ksCount).map { _ in
      let z = StandardNormal.quantile(generator.nextOpenDouble())
      return testCase.distribution.quantile(StandardNormal.cdf(z))
    }
    let d = kolmogorovSmirnovStatistic(draws, cdf: testCase.cdf)
    #expect(d <= Self.ksCritical, "D = \(d), critical \(Self.ksCritical)")
  }

  // MARK: - Kolmogorov–Smirnov, vector samplers (marginals and a projection)

  /// Each Dirichlet(α) component is Beta(αᵢ, α₀ − αᵢ) (Devroye 1986, ch. XI.4). For α =
  /// (2, 3, 5) the marginals Beta(2, 8), Beta(3, 7), Beta(5, 5) have polynomial CDFs
  /// (`integerBetaCDF`); for (0.3, 0.5, 0.2), the log-space path, Beta(0.5, 0.5) is the
  /// arcsine law F = (2/π) asin √x and the others use the library's beta CDF. 6 KS checks
  /// at the critical value above.
  @Test("Dirichlet marginals are Beta(αᵢ, α₀ − αᵢ) (KS, α = 1e-4 each)")
  func test_dirichlet_marginals_kolmogorovSmirnov() {
    let integer = vectorDraws(.dirichlet(alpha: [2, 3, 5]), count: Self.ksCount, label: "coverage ks dirichlet integer")
    for (i, (a, b)) in [(2, 8), (3, 7), (5, 5)].enumerated() {
      let d = kolmogorovSmirnovStatistic(integer.map { $0[i] }) { integerBetaCDF($0, a: a, b: b) }
      #expect(d <= Self.ksCritical, "component \(i) of Dirichlet(2, 3, 5): D = \(d)")
    }
    let small = vectorDraws(.dirichlet(alpha: [0.3, 0.5, 0.2]), count: Self.ksCount, label: "coverage ks dirichlet small")
    let cdfs: [(Double) -> Double] = [
      { Distribution.beta(alpha: 0.3, beta: 0.7).cdf($0) },
      { 2 / Double.pi * asin(min(max($0, 0), 1).squareRoot()) },
      { Distribution.beta(alpha: 0.2, beta: 0.8).cdf($0) },
    ]
    for i in 0..<3 {
      let d = kolmogorovSmirnovStatistic(small.map { $0[i] }, cdf: cdfs[i])
      #expect(d <= Self.ksCritical, "component \(i) of Dirichlet(0.3, 0.5, 0.2): D = \(d)")
    }
  }

  /// X = μ + L Z is N(μ, Σ), Σ = L Lᵀ: each component is N(μᵢ, Σᵢᵢ) and any projection aᵀX is
  /// N(aᵀμ, aᵀΣa). The projection with a = (1, −1, 2) depends on every off-diagonal entry,
  /// so a wrong correlation shows up in its distribution, not only in the covariance check of
  /// VectorDistributionTests. 4 KS checks at the critical value above.
  @Test("multivariate normal marginals and a projection are normal (KS, α = 1e-4 each)")
  func test_multivariateNormal_marginals_kolmogorovSmirnov() throws {
    let mean = [0.0, 1_000, -2]
    let lower = [1.0, 0, 0, -0.5, 2, 0, 0.25, 0.75, 0.1]
    let distribution = try VectorDistribution.multivariateNormal(mean: mean, choleskyLower: lower).validated()
    let draws = vectorDraws(distribution, count: Self.ksCount, label: "coverage ks mvn")
    var sigma = [[Double]](repeating: [0, 0, 0], count: 3)
    for i in 0..<3 {
      for j in 0..<3 {
        for k in 0..<3 { sigma[i][j] += lower[3 * i + k] * lower[3 * j + k] }
      }
    }
    for i in 0..<3 {
      let sd = sigma[i][i].squareRoot()
      let d = kolmogorovSmirnovStatistic(draws.map { $0[i] }) { StandardNormal.cdf(($0 - mean[i]) / sd) }
      #expect(d <= Self.ksCritical, "component \(i): D = \(d)")
    }
    let a = [1.0, -1, 2]
    var projectedVariance = 0.0
    for i in 0..<3 { for j in 0..<3 { projectedVariance += a[i] * sigma[i][j] * a[j] } }
    let projectedMean = zip(a, mean).map { $0 * $1 }.reduce(0, +)
    let projected = draws.map { row in zip(a, row).map { $0 * $1 }.reduce(0, +) }
    let sd = projectedVariance.squareRoot()
    let d = kolmogorovSmirnovStatistic(projected) { StandardNormal.cdf(($0 - projectedMean) / sd) }
    #expect(d <= Self.ksCritical, "projection (1, −1, 2): D = \(d)")
  }

  // MARK: - Chi-square, Poisson paths not yet tested

  /// Poisson(0.3) and Poisson(29.9) (inversion at a tiny mean and at its last mean) with the
  /// binning rule of DistributionGoodnessOfFitTests.chiSquare(mean:count:) (every bin expects
  /// ≥ 10 of 100,000 draws); the degrees of freedom follow from that rule (4 and 38, computed
  /// with the same rule in SciPy and checked here). Critical values at α = 1e-4:
  /// scipy.stats.chi2.isf(1e-4, 4) = 23.5127, chi2.isf(1e-4, 38) = 79.2247.
  @Test(
    "chi-square of Poisson counts at the smallest means and the last inversion mean (α = 1e-4)",
    arguments: [(0.3, 4, 23.512742444990838), (29.9, 38, 79.22472081741577)] as [(Double, Int, Double)])
  func test_poisson_chiSquare(_ mean: Double, _ degreesOfFreedom: Int, _ critical: Double) {
    let result = DistributionGoodnessOfFitTests.chiSquare(mean: mean, count: 100_000)
    #expect(result.degreesOfFreedom == degreesOfFreedom)
    #expect(result.statistic <= critical, "χ² = \(result.statistic), critical \(critical)")
  }

  /// Poisson(10⁶) (PTRS far from its switch point; the existing chi-square stops at 100).
  /// Bins: edges at μ + 250j, j = −12 … 12 (a quarter SD apart, σ = 1000), so 24 inner bins
  /// and the two tails {X < μ − 3σ}, {X ≥ μ + 3σ}; the smallest bin expects 100,000·0.00135
  /// = 135 draws. Exact bin probabilities from P(X = k) = exp(k ln μ − μ − ln k!) with ln k!
  /// = lgamma(k + 1) (relative error of each term ~1e-9 here, far below the 1/√135 sampling
  /// noise), summed over μ ± 10σ (the mass outside is below 1e-22). 26 bins, 25 degrees of
  /// freedom, critical value scipy.stats.chi2.isf(1e-4, 25) = 60.1403.
  @Test("chi-square of Poisson(10⁶) counts against the exact pmf (α = 1e-4)")
  func test_poisson_largeMean_chiSquare() {
    let mean = 1e6
    let sigma = 1_000.0
    let edges = (-12...12).map { Int(mean) + 250 * $0 }
    func bin(_ k: Int) -> Int {
      // 0 for k < edges[0], j for edges[j−1] ≤ k < edges[j], edges.count for k ≥ last edge.
      edges.firstIndex { k < $0 } ?? edges.count
    }
    var expected = [Double](repeating: 0, count: edges.count + 1)
    let logMean = log(mean)
    for k in Int(mean - 10 * sigma)...Int(mean + 10 * sigma) {
      expected[bin(k)] += exp(Double(k) * logMean - mean - lgamma(Double(k) + 1))
    }
    let total = expected.reduce(0, +)
    #expect(abs(total - 1) < 1e-9, "the pmf sums to \(total)")
    let n = 100_000
    var observed = [Double](repeating: 0, count: expected.count)
    var generator = testGenerator("coverage chi-square poisson 1e6")
    for _ in 0..<n {
      let x = Distribution.poisson(mean: mean).sample(using: &generator)
      observed[bin(Int(x))] += 1
    }
    var statistic = 0.0
    for (o, p) in zip(observed, expected) {
      let e = Double(n) * p
      statistic += (o - e) * (o - e) / e
    }
    #expect(expected.count - 1 == 25)
    #expect(statistic <= 60.14029191162204, "χ² = \(statistic)")
  }

  // MARK: - Moments

  /// Binomial(n, p) by `Binomial.inverse` of `nextDouble()`: every path (start at k = 0 when
  /// qⁿ is a normal double, (10, 0.3) and (200, 0.001); start at the mode, (5000, 0.3); the
  /// reflection p > ½ with the mode start, (3000, 0.9)). Mean np and variance npq; with N =
  /// 100,000 draws the sample mean has SD √(npq/N) and the sample variance SD
  /// √((μ₄ − σ⁴)/N), μ₄ = npq(1 + 3(n − 2)pq) (Johnson, Kemp and Kotz 2005, Univariate
  /// Discrete Distributions, 3rd ed., §3.2); both within 4 SD (chance failure 6.3e-5 each).
  @Test(
    "Binomial.inverse draws have mean np and variance np(1 − p) within 4σ",
    arguments: [(10, 0.3), (200, 0.001), (5000, 0.3), (3000, 0.9)] as [(Int, Double)])
  func test_binomial_moments(_ trials: Int, _ p: Double) {
    let count = 100_000
    var generator = testGenerator("coverage binomial moments \(trials) \(p)")
    var mean = 0.0
    var sumOfSquares = 0.0
    for i in 1...count {
      let x = Double(Binomial.inverse(uniform: generator.nextDouble(), trials: trials, probability: p))
      let delta = x - mean
      mean += delta / Double(i)
      sumOfSquares += delta * (x - mean)
    }
    let variance = sumOfSquares / Double(count - 1)
    let n = Double(trials)
    let q = 1 - p
    let sigma2 = n * p * q
    let mu4 = n * p * q * (1 + 3 * (n - 2) * p * q)
    let meanTolerance = 4 * (sigma2 / Double(count)).squareRoot()
    let varianceTolerance = 4 * ((mu4 - sigma2 * sigma2) / Double(count)).squareRoot()
    #expect(abs(mean - n * p) <= meanTolerance, "mean \(mean) vs \(n * p) ± \(meanTolerance)")
    #expect(abs(variance - sigma2) <= varianceTolerance, "variance \(variance) vs \(sigma2) ± \(varianceTolerance)")
  }

  /// Cases not in DistributionMomentTests' list: the beta log-space path with β < 1, the two
  /// narrow truncated normals. Same rule as there
  /// (`MomentCheck`): 100,000 draws, mean within 4σ/√n, variance within 4√((μ₄ − σ⁴)/n),
  /// μ₄ the exact fourth central moment; chance failure 6.3e-5 per check.
  @Test(
    "sample mean and variance within 4σ of the exact moments",
    arguments: [
      Distribution.beta(alpha: 1, beta: 0.4),
      .truncatedNormal(mean: 0, sd: 1, lower: 0.5, upper: 0.7),
      .truncatedNormal(mean: 100, sd: 20, lower: 210, upper: 210.8),
    ])
  func test_sample_moments(_ distribution: Distribution) {
    let check = MomentCheck(sampling: distribution, against: distribution, count: 100_000, label: "coverage \(distribution)")
    #expect(check.meanPasses, "mean \(check.sampleMean) vs \(check.expectedMean) ± \(check.meanTolerance)")
    #expect(
      check.variancePasses,
      "variance \(check.sampleVariance) vs \(check.expectedVariance) ± \(check.varianceTolerance)")
  }
}

import MBCRandom
import Testing

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// `Binomial.inverse`, the binomial counts of `mbc stress` (drop-outs from the waiting list,
/// ends of service): its distribution against the exact pmf, its moments, its monotonicity in
/// u (which common random numbers rely on) and its edge cases. The exact pmf is computed here
/// in log space with the C library's `lgamma`, independently of the recurrence and of
/// `SpecialFunctions.logGamma` that the implementation uses.
@Suite("Binomial.inverse")
struct BinomialTests {
  /// P(X = k) for X ~ Binomial(n, p), 0 < p < 1.
  static func probability(_ k: Int, trials n: Int, probability p: Double) -> Double {
    let nn = Double(n)
    let kk = Double(k)
    return exp(lgamma(nn + 1) - lgamma(kk + 1) - lgamma(nn - kk + 1) + kk * log(p) + (nn - kk) * log1p(-p))
  }

  /// F(0) … F(n).
  static func cdf(trials n: Int, probability p: Double) -> [Double] {
    var sum = 0.0
    return (0...n).map { k in
      sum += probability(k, trials: n, probability: p)
      return sum
    }
  }

  static func draw(_ generator: inout Xoshiro256PlusPlus, trials n: Int, probability p: Double) -> Int {
    Binomial.inverse(uniform: generator.nextDouble(), trials: n, probability: p)
  }

  // MARK: - Chi-square against the exact pmf

  /// Pearson's chi-square of `count` draws against the exact pmf, with the binning of the
  /// Poisson test (DistributionGoodnessOfFitTests): the lower tail {k ≤ kLow}, kLow the
  /// smallest k with N·F(k) ≥ 20; each k in between; the upper tail {k ≥ kHigh}, kHigh the
  /// largest k with N·P(X ≥ k) ≥ 20. Every bin expects at least 10 draws, so the chi-square
  /// approximation holds; degrees of freedom = bins − 1 (nothing is estimated). A draw outside
  /// 0 … n counts fully against the fit.
  static func chiSquare(trials n: Int, probability p: Double, count: Int) -> (statistic: Double, degreesOfFreedom: Int)
  {
    let pmf = (0...n).map { probability($0, trials: n, probability: p) }
    let cdf = Self.cdf(trials: n, probability: p)
    let total = Double(count)
    let kLow = cdf.firstIndex { total * $0 >= 20 }!
    let kHigh = (kLow + 1..<pmf.count).last { total * (1 - cdf[$0 - 1]) >= 20 }!
    var expected = [total * cdf[kLow]]
    for k in kLow + 1..<kHigh { expected.append(total * pmf[k]) }
    expected.append(total * (1 - cdf[kHigh - 1]))
    var observed = [Double](repeating: 0, count: expected.count)
    var outside = 0.0
    var generator = testGenerator("chi-square binomial \(n) \(p)")
    for _ in 0..<count {
      let x = draw(&generator, trials: n, probability: p)
      guard (0...n).contains(x) else {
        outside += 1
        continue
      }
      observed[x <= kLow ? 0 : (x >= kHigh ? expected.count - 1 : x - kLow)] += 1
    }
    var statistic = outside * 1e6
    for (o, e) in zip(observed, expected) { statistic += (o - e) * (o - e) / e }
    return (statistic, expected.count - 1)
  }

  /// N = 100,000 draws per case. The degrees of freedom follow from the binning rule above and
  /// were computed with the same rule in SciPy (the test checks them, so the critical value
  /// always belongs to the right df); critical values at level 0.001 are
  /// scipy.stats.chi2.isf(0.001, df). Each case would fail by chance with probability 0.001;
  /// the seeds are fixed, so the outcome is deterministic. Paths covered: the search from
  /// k = 0 (p ≤ ½, q^n normal), the mirror n − Y(1 − u) for p > ½ ((20, 0.8), (60, 0.97)),
  /// and the start at the mode where q^n underflows: 0.7^5000 = e^-1783 and (mirror)
  /// 0.1^3000 are both 0 in double precision.
  @Test(
    "chi-square of the counts against the exact pmf",
    arguments: [
      (1, 0.4, 1, 10.827566170662733),
      (10, 0.3, 8, 26.124481558376143),
      (40, 0.5, 22, 48.26794229083519),
      (20, 0.8, 11, 31.26413362023999),
      (60, 0.97, 8, 26.124481558376143),
      (5000, 0.3, 229, 300.8678119238308),
      (3000, 0.9, 117, 170.01564024668554),
    ] as [(Int, Double, Int, Double)])
  func test_inverse_chiSquare(_ n: Int, _ p: Double, _ degreesOfFreedom: Int, _ critical: Double) {
    let result = Self.chiSquare(trials: n, probability: p, count: 100_000)
    #expect(result.degreesOfFreedom == degreesOfFreedom)
    #expect(result.statistic <= critical, "χ² = \(result.statistic), critical \(critical)")
  }

  @Test("the chi-square has power: Binomial(40, 0.52) draws fail the test for p = 0.5")
  func test_chiSquare_detectsWrongProbability() {
    // The mean shifts by 0.8 = 0.25σ; over 100,000 draws χ² is in the thousands, far above 48.27.
    let pmf = (0...40).map { Self.probability($0, trials: 40, probability: 0.5) }
    var observed = [Double](repeating: 0, count: 41)
    var generator = testGenerator("chi-square binomial power")
    for _ in 0..<100_000 { observed[Self.draw(&generator, trials: 40, probability: 0.52)] += 1 }
    var statistic = 0.0
    for k in 9...31 {
      let e = 100_000 * pmf[k]
      statistic += (observed[k] - e) * (observed[k] - e) / e
    }
    #expect(statistic > 48.27, "χ² = \(statistic)")
  }

  // MARK: - Moments

  /// N = 100,000 draws. The sample mean has standard error √(npq/N); the unbiased sample
  /// variance s² has Var(s²) = μ₄/N − σ⁴(N − 3)/(N(N − 1)) ≈ (μ₄ − σ⁴)/N, with the binomial's
  /// σ² = npq and fourth central moment μ₄ = npq(1 + 3(n − 2)pq). Both must lie within 4
  /// standard errors of npq (two-sided chance of failing 6.3e-5 each; fixed seeds).
  @Test(
    "mean and variance within 4 standard errors of np and npq",
    arguments: [(10, 0.3), (20, 0.8), (60, 0.97), (5000, 0.3), (3000, 0.9)] as [(Int, Double)])
  func test_inverse_moments(_ n: Int, _ p: Double) {
    let count = 100_000
    var generator = testGenerator("binomial moments \(n) \(p)")
    var mean = 0.0
    var sumOfSquares = 0.0
    for i in 1...count {
      let x = Double(Self.draw(&generator, trials: n, probability: p))
      let delta = x - mean
      mean += delta / Double(i)
      sumOfSquares += delta * (x - mean)
    }
    let variance = sumOfSquares / Double(count - 1)
    let nn = Double(n)
    let q = 1 - p
    let N = Double(count)
    let sigma2 = nn * p * q
    let mu4 = sigma2 * (1 + 3 * (nn - 2) * p * q)
    let meanBound = 4 * (sigma2 / N).squareRoot()
    let varianceBound = 4 * ((mu4 - sigma2 * sigma2) / N).squareRoot()
    #expect(abs(mean - nn * p) <= meanBound, "mean \(mean), expected \(nn * p) ± \(meanBound)")
    #expect(abs(variance - sigma2) <= varianceBound, "variance \(variance), expected \(sigma2) ± \(varianceBound)")
  }

  // MARK: - Inversion

  /// For 2,000 uniforms per case, F(k − 1) ≤ u < F(k) with the independent CDF, up to
  /// ε = 1e-12 in u (the rounding error of the two running sums is below 1e-13 here). This is
  /// the inversion property itself, draw by draw, not only in distribution.
  @Test(
    "each count inverts the exact CDF",
    arguments: [(10, 0.3), (40, 0.5), (20, 0.8), (60, 0.97), (5000, 0.3), (3000, 0.9), (200, 0.001)] as [(Int, Double)])
  func test_inverse_againstIndependentCdf(_ n: Int, _ p: Double) {
    let cdf = Self.cdf(trials: n, probability: p)
    var generator = testGenerator("binomial inverse \(n) \(p)")
    var failures: [String] = []
    for _ in 0..<2_000 {
      let u = generator.nextDouble()
      let k = Binomial.inverse(uniform: u, trials: n, probability: p)
      guard (0...n).contains(k) else {
        failures.append("u = \(u): k = \(k)")
        continue
      }
      let below = k == 0 ? 0 : cdf[k - 1]
      if !(below <= u + 1e-12 && u < cdf[k] + 1e-12) { failures.append("u = \(u): k = \(k)") }
    }
    #expect(failures.isEmpty, "\(failures.prefix(5))")
  }

  /// Common random numbers need the count to be a non-decreasing function of u for fixed
  /// (n, p): 10,000 evenly spaced u plus points near 0 and 1, on every path.
  @Test(
    "non-decreasing in u and within 0 … n",
    arguments: [(1, 0.4), (10, 0.3), (40, 0.5), (20, 0.8), (60, 0.97), (5000, 0.3), (3000, 0.9), (7, 0.999_999)]
      as [(Int, Double)])
  func test_inverse_monotoneInUniform(_ n: Int, _ p: Double) {
    var grid = (0..<10_000).map { Double($0) / 10_000 }
    grid += [1e-300, 1e-17, 1e-12, 1e-6, 0.5 + 1e-15, 1 - 1e-6, 1 - 1e-12, 1 - 0x1p-53]
    grid.sort()
    var previous = -1
    var problems: [String] = []
    for u in grid {
      let k = Binomial.inverse(uniform: u, trials: n, probability: p)
      if !(0...n).contains(k) { problems.append("u = \(u): k = \(k) outside 0…\(n)") }
      if k < previous { problems.append("u = \(u): k = \(k) after \(previous)") }
      previous = k
    }
    #expect(problems.isEmpty, "\(problems.prefix(5))")
  }

  @Test("more trials or a higher probability never give fewer successes for the same u")
  func test_inverse_monotoneInTrialsAndProbability() {
    var generator = testGenerator("binomial monotone n p")
    var problems: [String] = []
    for _ in 0..<500 {
      let u = generator.nextDouble()
      var previous = 0
      for n in 0...120 {
        let k = Binomial.inverse(uniform: u, trials: n, probability: 0.37)
        if k < previous { problems.append("u = \(u), n = \(n): \(k) < \(previous)") }
        previous = k
      }
      previous = 0
      for i in 0...100 {
        let k = Binomial.inverse(uniform: u, trials: 50, probability: Double(i) / 100)
        if k < previous { problems.append("u = \(u), p = \(Double(i) / 100): \(k) < \(previous)") }
        previous = k
      }
    }
    #expect(problems.isEmpty, "\(problems.prefix(5))")
  }

  @Test("edge cases: n = 0, p = 0, p = 1, p outside [0, 1] and NaN")
  func test_inverse_edgeCases() {
    for u in [0, 1e-300, 0.3, 0.5, 0.999, 1 - 0x1p-53] {
      for p in [0, 0.2, 0.5, 0.9, 1, .nan] { #expect(Binomial.inverse(uniform: u, trials: 0, probability: p) == 0) }
      #expect(Binomial.inverse(uniform: u, trials: 25, probability: 0) == 0)
      #expect(Binomial.inverse(uniform: u, trials: 25, probability: -0.1) == 0)
      #expect(Binomial.inverse(uniform: u, trials: 25, probability: 1) == 25)
      #expect(Binomial.inverse(uniform: u, trials: 25, probability: 1.5) == 25)
      #expect(Binomial.inverse(uniform: u, trials: 25, probability: .nan) == 0)
      #expect(Binomial.inverse(uniform: u, trials: 1_000_000, probability: 1) == 1_000_000)
    }
    // u = 0 is the smallest count with positive probability on the non-mirrored paths.
    #expect(Binomial.inverse(uniform: 0, trials: 10, probability: 0.3) == 0)
    #expect(Binomial.inverse(uniform: 0, trials: 40, probability: 0.5) == 0)
    // One trial: a Bernoulli variable, 1 exactly when u ≥ q.
    #expect(Binomial.inverse(uniform: 0.599_999, trials: 1, probability: 0.4) == 0)
    #expect(Binomial.inverse(uniform: 0.600_001, trials: 1, probability: 0.4) == 1)
    #expect(Binomial.inverse(uniform: 0.199_999, trials: 1, probability: 0.8) == 0)
    #expect(Binomial.inverse(uniform: 0.200_001, trials: 1, probability: 0.8) == 1)
  }
}

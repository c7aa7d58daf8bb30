import MBCRandom
import Testing

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// MARK: - Tolerances
//
// For n independent draws with mean μ, variance σ² and fourth central moment μ₄:
//
// - the sample mean has SD σ/√n; the check is |x̄ − μ| ≤ 4σ/√n;
// - the unbiased sample variance s² has Var(s²) = (μ₄ − σ⁴)/n + 2σ⁴/(n(n − 1))
//   (e.g. Cramér 1946, §27.4); the second term is 1e-5 of the first for n = 200,000 and is
//   dropped; the check is |s² − σ²| ≤ 4·√((μ₄ − σ⁴)/n).
//
// Both statistics are close to normal at this n (CLT), so each check fails by chance with
// probability about P(|Z| > 4) = 6.3e-5; over the 80 checks below, about 0.5 %. The seeds
// are fixed, so the outcome is deterministic: a failure means a changed sampler or stream.
//
// μ₄ = (3 + γ₂)σ⁴ with the excess kurtosis γ₂ of each family (Johnson, Kotz and
// Balakrishnan, *Continuous Univariate Distributions*, 2nd ed., 1994–95; *Univariate
// Discrete Distributions*, 3rd ed., 2005):
//
// | family | γ₂ or μ₄ |
// |---|---|
// | normal | γ₂ = 0 |
// | uniform(a, b) | μ₄ = (b − a)⁴/80, γ₂ = −6/5 |
// | gamma(k, θ) | γ₂ = 6/k |
// | beta(α, β) | γ₂ = 6[(α − β)²(α + β + 1) − αβ(α + β + 2)] / [αβ(α + β + 2)(α + β + 3)] |
// | lognormal(μ, σ) | γ₂ = w⁴ + 2w³ + 3w² − 6, w = exp(σ²) |
// | Poisson(λ) | μ₄ = λ(1 + 3λ) |
// | triangular(a, c, b) | γ₂ = −3/5 for every mode |
// | pert | γ₂ of its beta(α, β) (scaling does not change γ₂) |
// | truncatedNormal(μ, σ, l, u) | from the raw moments of the standardised variable on [α, β]: m₀ = 1, m₁ = (φ(α) − φ(β))/Z, m_k = (k − 1)m_(k−2) + (α^(k−1)φ(α) − β^(k−1)φ(β))/Z (integration by parts; Johnson, Kotz and Balakrishnan 1994, ch. 13), then μ₄ = σ⁴(m₄ − 4m₁m₃ + 6m₁²m₂ − 3m₁⁴) |
// | empirical(x) | μ₄ = Σ (xᵢ − x̄)⁴/n |
// | bootstrapMean(x) | the mean of n i.i.d. draws from empirical(x): cumulants κ₂/n and κ₄/n³, so μ₄ = (μ₄,ₓ − 3σₓ⁴)/n³ + 3σₓ⁴/n² |

/// The exact fourth central moment μ₄ of `distribution` (table above).
func fourthCentralMoment(of distribution: Distribution) -> Double {
  let variance = distribution.variance
  let excessKurtosis: Double
  switch distribution {
  case .fixed:
    return 0
  case .uniform(let min, let max):
    return pow(max - min, 4) / 80
  case .poisson(let mean):
    return mean * (1 + 3 * mean)
  case .normal:
    excessKurtosis = 0
  case .gamma(let shape, _):
    excessKurtosis = 6 / shape
  case .beta(let a, let b):
    excessKurtosis =
      6 * ((a - b) * (a - b) * (a + b + 1) - a * b * (a + b + 2))
      / (a * b * (a + b + 2) * (a + b + 3))
  case .lognormal(_, let sdlog):
    let w = exp(sdlog * sdlog)
    excessKurtosis = w * w * w * w + 2 * w * w * w + 3 * w * w - 6
  case .triangular:
    excessKurtosis = -3.0 / 5
  case .pert(let min, let mode, let max, let shape):
    let a = 1 + shape * (mode - min) / (max - min)
    let b = 1 + shape * (max - mode) / (max - min)
    excessKurtosis =
      6 * ((a - b) * (a - b) * (a + b + 1) - a * b * (a + b + 2))
      / (a * b * (a + b + 2) * (a + b + 3))
  case .truncatedNormal(let mean, let sd, let lower, let upper):
    return pow(sd, 4)
      * truncatedStandardNormalCentralMoment4(
        alpha: (lower - mean) / sd, beta: (upper - mean) / sd)
  case .empirical(let values):
    return listCentralMoments(values).fourth
  case .bootstrapMean(let values):
    let (second, fourth) = listCentralMoments(values)
    let n = Double(values.count)
    return (fourth - 3 * second * second) / (n * n * n) + 3 * second * second / (n * n)
  }
  return (3 + excessKurtosis) * variance * variance
}

/// The second and fourth central moments Σ (xᵢ − x̄)^k/n of a list (two passes).
func listCentralMoments(_ values: [Double]) -> (second: Double, fourth: Double) {
  let n = Double(values.count)
  let mean = values.reduce(0, +) / n
  var second = 0.0
  var fourth = 0.0
  for x in values {
    let d2 = (x - mean) * (x - mean)
    second += d2
    fourth += d2 * d2
  }
  return (second / n, fourth / n)
}

/// The fourth central moment of N(0, 1) restricted to [α, β], from the raw-moment recursion
/// in the table above (independent of the library's `TruncatedStandardNormal`). Z is taken
/// from the tail the interval lies in.
func truncatedStandardNormalCentralMoment4(alpha: Double, beta: Double) -> Double {
  let z =
    alpha >= 0
    ? StandardNormal.cdf(-alpha) - StandardNormal.cdf(-beta)
    : StandardNormal.cdf(beta) - StandardNormal.cdf(alpha)
  func phi(_ t: Double) -> Double {
    t.isFinite ? exp(-t * t / 2) / (2 * Double.pi).squareRoot() : 0
  }
  func boundaryTerm(_ k: Double) -> Double {
    // (α^(k−1)φ(α) − β^(k−1)φ(β))/Z, with t^(k−1)φ(t) = 0 at ±∞
    let a = alpha.isFinite ? pow(alpha, k - 1) * phi(alpha) : 0
    let b = beta.isFinite ? pow(beta, k - 1) * phi(beta) : 0
    return (a - b) / z
  }
  let m1 = boundaryTerm(1)
  let m2 = 1 + boundaryTerm(2)
  let m3 = 2 * m1 + boundaryTerm(3)
  let m4 = 3 * m2 + boundaryTerm(4)
  return m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 * m1 * m1 * m1
}

/// The outcome of comparing the first two sample moments of draws from `sampled` with the
/// exact moments of `expected` (normally the same distribution).
struct MomentCheck {
  var sampleMean: Double
  var sampleVariance: Double
  var meanTolerance: Double
  var varianceTolerance: Double
  var expectedMean: Double
  var expectedVariance: Double

  var meanPasses: Bool { abs(sampleMean - expectedMean) <= meanTolerance }
  var variancePasses: Bool { abs(sampleVariance - expectedVariance) <= varianceTolerance }

  init(
    sampling sampled: Distribution, against expected: Distribution, count n: Int = 200_000,
    label: String
  ) {
    var generator = testGenerator("moments \(label)")
    (sampleMean, sampleVariance) = sampleMoments(of: sampled, count: n, generator: &generator)
    expectedMean = expected.mean
    expectedVariance = expected.variance
    let sigma4 = expectedVariance * expectedVariance
    meanTolerance = 4 * (expectedVariance / Double(n)).squareRoot()
    varianceTolerance = 4 * ((fourthCentralMoment(of: expected) - sigma4) / Double(n)).squareRoot()
  }
}

@Suite("Distribution moments")
struct DistributionMomentTests {
  static let cases: [Distribution] = [
    .normal(mean: 0, sd: 1),
    .normal(mean: -3.5, sd: 0.2),
    .normal(mean: 10_000, sd: 250),
    .lognormal(meanlog: 0, sdlog: 0.25),
    .lognormal(meanlog: 2, sdlog: 0.5),
    .lognormal(meanlog: -1, sdlog: 0.8),
    .uniform(min: 0, max: 1),
    .uniform(min: -2, max: 5),
    .uniform(min: 100, max: 100.5),
    .gamma(shape: 0.3, scale: 2),  // shape < 1: the boost G(a + 1)·U^(1/a)
    .gamma(shape: 0.9, scale: 1),
    .gamma(shape: 1, scale: 3),  // exponential
    .gamma(shape: 2.5, scale: 0.4),
    .gamma(shape: 50, scale: 0.1),
    .beta(alpha: 0.5, beta: 0.5),  // both < 1: log-space ratio
    .beta(alpha: 0.3, beta: 2),
    .beta(alpha: 2, beta: 0.7),
    .beta(alpha: 1, beta: 1),
    .beta(alpha: 2, beta: 5),
    .beta(alpha: 40, beta: 60),
    .poisson(mean: 0.3),
    .poisson(mean: 5),
    .poisson(mean: 29.9),  // last mean by inversion
    .poisson(mean: 30),  // first mean by PTRS
    .poisson(mean: 200),
    .poisson(mean: 1e6),
    .truncatedNormal(mean: 0, sd: 1, lower: -1, upper: 2),  // around the mean
    .truncatedNormal(mean: 5, sd: 2, lower: 0, upper: .infinity),  // truncated at 0
    .truncatedNormal(mean: 0, sd: 1, lower: 3, upper: .infinity),  // upper tail: Q(t) path
    .truncatedNormal(mean: 10, sd: 3, lower: -.infinity, upper: 4),  // lower tail: Φ(t) path
    .triangular(min: 0, mode: 0.3, max: 1),
    .triangular(min: 100, mode: 100, max: 250),  // mode at min
    .triangular(min: -5, mode: 5, max: 5),  // mode at max
    .pert(min: 0, mode: 0.3, max: 1, shape: 4),
    .pert(min: 1_000, mode: 1_500, max: 4_000, shape: 4),
    .pert(min: 2, mode: 2, max: 3, shape: 2),  // mode at min: Beta(1, 3)
    .empirical([3, 1, 4, 1, 5, 9, 2, 6]),  // a duplicate counts twice
    .empirical([42]),
    .bootstrapMean([3, 1, 4, 1, 5, 9, 2, 6]),
    .bootstrapMean([0, 0, 0, 10]),  // skewed: μ₄ matters
  ]

  @Test("sample mean and variance agree with the exact moments", arguments: cases)
  func test_sample_momentsAgree(_ distribution: Distribution) {
    let check = MomentCheck(
      sampling: distribution, against: distribution, label: distribution.description)
    #expect(
      check.meanPasses,
      "mean \(check.sampleMean) vs \(check.expectedMean) ± \(check.meanTolerance)")
    #expect(
      check.variancePasses,
      "variance \(check.sampleVariance) vs \(check.expectedVariance) ± \(check.varianceTolerance)")
  }

  @Test("fixed draws are the value itself and consume no random numbers")
  func test_sample_fixed() {
    var generator = testGenerator("fixed")
    let before = generator.state
    for _ in 0..<100 { #expect(Distribution.fixed(3.25).sample(using: &generator) == 3.25) }
    #expect(generator.state == before)
    #expect(Distribution.fixed(3.25).mean == 3.25)
    #expect(Distribution.fixed(3.25).variance == 0)
  }

  /// The check has power: a wrong convention in a sampler (scale read as rate, shapes
  /// swapped, SD read as variance, the boost exponent a instead of 1/a, a Poisson mean off
  /// by 2 %) moves the sample moments far outside the tolerances. Each row samples from
  /// what a buggy sampler would draw and compares with what the case promises.
  @Test(
    "the moment check rejects the usual convention mistakes",
    arguments: [
      (Distribution.gamma(shape: 2.5, scale: 1 / 0.4), Distribution.gamma(shape: 2.5, scale: 0.4)),
      (.beta(alpha: 5, beta: 2), .beta(alpha: 2, beta: 5)),
      (.normal(mean: 1, sd: 4), .normal(mean: 1, sd: 2)),
      (.lognormal(meanlog: 2, sdlog: 0.25), .lognormal(meanlog: 2, sdlog: 0.5)),
      (.gamma(shape: 0.3 + 1, scale: 2), .gamma(shape: 0.3, scale: 2)),
      (.poisson(mean: 30.6), .poisson(mean: 30)),
    ] as [(Distribution, Distribution)])
  func test_momentCheck_detectsWrongConventions(_ buggy: Distribution, _ promised: Distribution) {
    let check = MomentCheck(
      sampling: buggy, against: promised, count: 50_000, label: "power \(buggy)")
    #expect(!(check.meanPasses && check.variancePasses))
  }

  /// Closed forms worked by hand, independent of the `mean`/`variance` implementation.
  @Test(
    "mean and variance match closed forms",
    arguments: [
      (Distribution.gamma(shape: 2.5, scale: 0.4), 1.0, 0.4),
      (.beta(alpha: 2, beta: 5), 2.0 / 7, 10.0 / (49 * 8)),
      (.beta(alpha: 1, beta: 1), 0.5, 1.0 / 12),
      (.normal(mean: -3, sd: 2), -3.0, 4.0),
      (.uniform(min: -2, max: 4), 1.0, 3.0),
      (.poisson(mean: 7.5), 7.5, 7.5),
      (.lognormal(meanlog: 0, sdlog: 1), exp(0.5), (exp(1) - 1) * exp(1)),
      (.fixed(-1), -1.0, 0.0),
      // Half-normal: mean √(2/π), variance 1 − 2/π.
      (
        .truncatedNormal(mean: 0, sd: 1, lower: 0, upper: .infinity), (2 / Double.pi).squareRoot(),
        1 - 2 / Double.pi
      ),
      // Symmetric truncation at ±1: mean 0, variance 1 − 2φ(1)/(2Φ(1) − 1)
      // = 0.2911250947727932 (mpmath, 30 digits).
      (.truncatedNormal(mean: 0, sd: 1, lower: -1, upper: 1), 0.0, 0.2911250947727932),
      (.triangular(min: 0, mode: 0.5, max: 1), 0.5, 1.0 / 24),
      (.triangular(min: 2, mode: 2, max: 5), 3.0, 9.0 / 18),  // (a² + b² + c² − ab − ac − bc)/18
      // PERT(0, ½, 1, λ = 4) is Beta(3, 3): mean ½, variance 9/(36·7) = 1/28.
      (.pert(min: 0, mode: 0.5, max: 1, shape: 4), 0.5, 1.0 / 28),
      // PERT(1, 2, 9, 4): α = 1.5, β = 4.5, mean (1 + 8 + 9)/6 = 3,
      // variance 64·6.75/(36·7) = 12/7.
      (.pert(min: 1, mode: 2, max: 9, shape: 4), 3.0, 12.0 / 7),
      (.empirical([1, 2, 3, 4]), 2.5, 1.25),
      (.empirical([5, 5, 5, 9]), 6.0, 3.0),
      (.bootstrapMean([1, 2, 3, 4]), 2.5, 1.25 / 4),
    ] as [(Distribution, Double, Double)])
  func test_meanVariance_closedForms(
    _ distribution: Distribution, _ mean: Double, _ variance: Double
  ) {
    #expect(relativeError(distribution.mean, mean) <= 1e-15, "\(distribution.mean)")
    #expect(relativeError(distribution.variance, variance) <= 1e-15, "\(distribution.variance)")
  }
}

import Testing

import MBCRandom

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A reference point of a distribution: the quantile x = F⁻¹(p) and F(x) at that double x.
struct ReferenceRow: Sendable, CustomStringConvertible {
  var distribution: Distribution
  var p: Double
  var x: Double
  var cdf: Double

  init(_ distribution: Distribution, p: Double, x: Double, cdf: Double) {
    self.distribution = distribution
    self.p = p
    self.x = x
    self.cdf = cdf
  }

  var description: String { "\(distribution) at p = \(p)" }
}

/// A family of reference rows (by the prefix of their description) with its tolerances.
struct ReferenceFamily: Sendable, CustomStringConvertible {
  var prefix: String
  var quantileTolerance: Double
  var cdfTolerance: Double
  var description: String { prefix }
}

@Suite("Distribution quantile and CDF")
struct DistributionQuantileTests {
  // MARK: - Against SciPy and mpmath

  /// Relative tolerances per family, each 2–5× the largest error measured on the reference
  /// rows (DistributionQuantileTests+ReferenceValues.swift) when the test was written, so
  /// that a change that costs a digit fails. Measured maxima:
  ///
  /// | family | quantile | CDF | where, and what limits it |
  /// |---|---|---|---|
  /// | gamma (k = 0.1, 1, 2.5, 50) | 7.5e-15 | 6.8e-15 | quantile of k = 0.1 (x inherits the tail's error divided by k); CDF of k = 50 at 1e-30 (the prefactor's exponent, −69) |
  /// | beta ((0.5, 0.5), (2, 5), (200, 800)) | 4.5e-15 | 4.7e-14 | CDF of (200, 800) at 1e-30: the prefactor's terms of size 170 |
  /// | normal | 1.8e-15 | 2.3e-15 | μ + σz cancels near x = 0; Φ(z) has condition number z² |
  /// | lognormal | 6.1e-16 | 2.0e-15 | as normal |
  /// | uniform | 1.7e-15 | 0 | a + p(b − a) cancels near x = 0 |
  /// | truncatedNormal | 3.6e-16 | 1.0e-14 | CDF of [10, 12]: a difference of upper tails Q(10) − Q(ξ) |
  /// | triangular | 1.5e-15 | 2.2e-16 | closed forms |
  /// | pert | 2.0e-15 | 2.6e-15 | as beta |
  ///
  /// (`MBC_PRINT_ERRORS=1 swift test --filter worstErrors` prints these figures and the rows
  /// above 2e-15.)
  static let families: [ReferenceFamily] = [
    ReferenceFamily(prefix: "gamma", quantileTolerance: 2e-14, cdfTolerance: 2e-14),
    ReferenceFamily(prefix: "beta", quantileTolerance: 1e-14, cdfTolerance: 1e-13),
    ReferenceFamily(prefix: "normal", quantileTolerance: 4e-15, cdfTolerance: 1e-14),
    ReferenceFamily(prefix: "lognormal", quantileTolerance: 2e-15, cdfTolerance: 1e-14),
    ReferenceFamily(prefix: "uniform", quantileTolerance: 4e-15, cdfTolerance: 4e-16),
    ReferenceFamily(prefix: "truncatedNormal", quantileTolerance: 1e-15, cdfTolerance: 4e-14),
    ReferenceFamily(prefix: "triangular", quantileTolerance: 4e-15, cdfTolerance: 1e-15),
    ReferenceFamily(prefix: "pert", quantileTolerance: 1e-14, cdfTolerance: 1e-14),
  ]

  /// The largest relative errors of quantile and CDF over the rows of a family.
  static func worstErrors(_ family: ReferenceFamily) -> (quantile: Double, cdf: Double, rows: Int) {
    var worstQuantile = 0.0
    var worstCDF = 0.0
    var count = 0
    for row in continuousRows where row.distribution.description.hasPrefix(family.prefix + "(") {
      count += 1
      worstQuantile = max(worstQuantile, relativeError(row.distribution.quantile(row.p), row.x))
      worstCDF = max(worstCDF, relativeError(row.distribution.cdf(row.x), row.cdf))
    }
    return (worstQuantile, worstCDF, count)
  }

  @Test("quantile and CDF agree with SciPy and mpmath, tails included", arguments: families)
  func test_quantileCDF_referenceValues(_ family: ReferenceFamily) {
    var count = 0
    for row in Self.continuousRows
    where row.distribution.description.hasPrefix(family.prefix + "(") {
      count += 1
      let q = row.distribution.quantile(row.p)
      let f = row.distribution.cdf(row.x)
      #expect(
        relativeError(q, row.x) <= family.quantileTolerance,
        "\(row): quantile \(q), expected \(row.x), relative error \(relativeError(q, row.x))")
      #expect(
        relativeError(f, row.cdf) <= family.cdfTolerance,
        "\(row): cdf \(f), expected \(row.cdf), relative error \(relativeError(f, row.cdf))")
    }
    #expect(count >= 13, "the family \(family.prefix) has only \(count) reference rows")
  }

  @Test("worst errors per family (printed with MBC_PRINT_ERRORS=1)")
  func test_quantileCDF_worstErrors() {
    guard getenv("MBC_PRINT_ERRORS") != nil else { return }
    for family in Self.families {
      let worst = Self.worstErrors(family)
      print("\(family.prefix): \(worst.rows) rows, quantile \(worst.quantile), cdf \(worst.cdf)")
    }
    for row in Self.continuousRows {
      let eq = relativeError(row.distribution.quantile(row.p), row.x)
      let ec = relativeError(row.distribution.cdf(row.x), row.cdf)
      if eq > 2e-15 || ec > 2e-15 { print("  \(row): quantile \(eq), cdf \(ec)") }
    }
  }

  /// Poisson quantiles are whole numbers: the smallest k with F(k) ≥ p must be exactly
  /// SciPy's `poisson.ppf`, and F(k) = Q(k + 1, λ) within 1e-14 (measured: 3e-15, at
  /// λ = 10⁴, where the incomplete gamma function takes about 900 terms).
  @Test("Poisson quantiles equal SciPy's exactly; the CDF agrees with mpmath")
  func test_poisson_referenceValues() {
    for row in Self.poissonRows {
      #expect(row.distribution.quantile(row.p) == row.x, "\(row)")
      let f = row.distribution.cdf(row.x)
      #expect(relativeError(f, row.cdf) <= 1e-14, "\(row): cdf \(f), expected \(row.cdf)")
      // Non-whole x: F is a step function, F(k + 0.5) = F(k).
      #expect(row.distribution.cdf(row.x + 0.5) == f)
    }
  }

  /// The narrow interval [1, 1.000001] of N(2, 3²) (3.3e-7 SD wide, 1/3 SD below the mean):
  /// a difference Φ(β) − Φ(α) would keep only about 9 digits of its probability; the
  /// quadrature keeps them all. The quantile is checked as a position within the interval,
  /// (x − lower)/(upper − lower), to within 4 ulp of 1 over the width (9e-10), which is how
  /// finely doubles near 1 resolve it.
  @Test("a narrow truncated normal keeps its digits")
  func test_truncatedNormal_narrowInterval() {
    let lower = 1.0
    let upper = 1.000001
    let distribution = Distribution.truncatedNormal(mean: 2, sd: 3, lower: lower, upper: upper)
    let resolution = 4 * lower.ulp / (upper - lower)
    for row in Self.continuousRows where row.distribution == distribution {
      let position = (distribution.quantile(row.p) - lower) / (upper - lower)
      let expected = (row.x - lower) / (upper - lower)
      #expect(abs(position - expected) <= resolution, "\(row): position \(position)")
    }
    // Moments: nearly uniform, tilted towards the mean: by the quadrature of the density,
    // mean = lower + w/2 + w²/12·(mean − midpoint)/σ² (first order in the tilt) and
    // variance ≈ w²/12.
    let w = upper - lower
    let midpoint = lower + w / 2
    let tilt = (2 - midpoint) / 9
    #expect(abs(distribution.mean - (midpoint + w * w / 12 * tilt)) <= 4 * midpoint.ulp)
    #expect(relativeError(distribution.variance, w * w / 12) <= 1e-13)
  }

  // MARK: - Discrete and degenerate cases

  @Test("empirical quantile is the smallest value with F ≥ p; duplicates count")
  func test_empirical_quantileCDF() {
    // Sorted: 1, 1, 2, 3, 4, 5, 6, 9 (n = 8); F steps by 1/8, by 2/8 at the duplicate 1.
    let distribution = Distribution.empirical([3, 1, 4, 1, 5, 9, 2, 6])
    let expectedCDF: [(Double, Double)] = [
      (0.5, 0), (1, 0.25), (1.5, 0.25), (2, 0.375), (3, 0.5), (8.99, 0.875), (9, 1), (100, 1),
    ]
    for (x, f) in expectedCDF { #expect(distribution.cdf(x) == f, "F(\(x))") }
    let expectedQuantile: [(Double, Double)] = [
      (0, 1), (1e-9, 1), (0.25, 1), (0.25 + 1e-12, 2), (0.375, 2), (0.5, 3), (0.5001, 4),
      (0.875, 6), (0.9, 9), (1, 9),
    ]
    for (p, x) in expectedQuantile { #expect(distribution.quantile(p) == x, "quantile(\(p))") }
    #expect(Distribution.empirical([7]).quantile(0.3) == 7)
    #expect(Distribution.empirical([7]).cdf(6.9) == 0)
  }

  @Test("fixed, and the normal and lognormal with sd 0, are steps at the value")
  func test_degenerate_quantileCDF() {
    for (distribution, value) in [
      (Distribution.fixed(2.5), 2.5), (.normal(mean: 2.5, sd: 0), 2.5),
      (.lognormal(meanlog: log(2.5), sdlog: 0), 2.5),
    ] {
      #expect(distribution.cdf(value.nextDown) == 0, "\(distribution)")
      #expect(distribution.cdf(value) == 1, "\(distribution)")
      #expect(distribution.quantile(0.3) == value, "\(distribution)")
    }
  }

  @Test("bootstrapMean has no quantile: NaN, and supportsQuantile is false")
  func test_bootstrapMean_noQuantile() {
    let distribution = Distribution.bootstrapMean([1, 2, 3])
    #expect(!distribution.supportsQuantile)
    #expect(distribution.quantile(0.5).isNaN)
    #expect(distribution.cdf(2).isNaN)
    for other in DistributionSamplingTests.all {
      if case .bootstrapMean = other { continue }
      #expect(other.supportsQuantile, "\(other)")
    }
  }

  @Test(
    "quantile is NaN outside [0, 1]; p = 0 and 1 give the ends of the support",
    arguments: [
      (Distribution.normal(mean: 0, sd: 1), -Double.infinity, Double.infinity),
      (.gamma(shape: 2, scale: 1), 0, .infinity),
      (.beta(alpha: 2, beta: 3), 0, 1),
      (.poisson(mean: 3), 0, .infinity),
      (.truncatedNormal(mean: 0, sd: 1, lower: -1, upper: .infinity), -1, .infinity),
      (.truncatedNormal(mean: 0, sd: 1, lower: 2, upper: 3), 2, 3),
      (.triangular(min: 1, mode: 2, max: 4), 1, 4),
      (.pert(min: 1, mode: 2, max: 4, shape: 4), 1, 4),
      (.uniform(min: -1, max: 1), -1, 1),
      (.empirical([5, 3, 8]), 3, 8),
    ] as [(Distribution, Double, Double)])
  func test_quantile_ends(_ distribution: Distribution, _ lower: Double, _ upper: Double) {
    #expect(distribution.quantile(0) == lower)
    #expect(distribution.quantile(1) == upper)
    #expect(distribution.quantile(-0.1).isNaN)
    #expect(distribution.quantile(1.5).isNaN)
    #expect(distribution.quantile(.nan).isNaN)
    #expect(distribution.cdf(.nan).isNaN)
  }

  // MARK: - Round trips and monotonicity

  /// Continuous cases on which quantile(cdf(x)) ≈ x is checked on a grid.
  static let roundTripCases: [Distribution] = [
    .gamma(shape: 0.1, scale: 1), .gamma(shape: 1, scale: 2), .gamma(shape: 50, scale: 0.1),
    .beta(alpha: 0.5, beta: 0.5), .beta(alpha: 2, beta: 5), .beta(alpha: 200, beta: 800),
    .normal(mean: -1, sd: 3), .lognormal(meanlog: 0.5, sdlog: 1.2), .uniform(min: 2, max: 3),
    .truncatedNormal(mean: 0, sd: 1, lower: -0.5, upper: 1.5),
    .truncatedNormal(mean: 100, sd: 15, lower: 0, upper: .infinity),
    .truncatedNormal(mean: 0, sd: 1, lower: 6, upper: .infinity),
    .triangular(min: -1, mode: 0, max: 3), .pert(min: 10, mode: 12, max: 20, shape: 4),
  ]

  /// The grid is p = 0.001, 0.003, …, 0.999 mapped through the quantile, so it covers the
  /// body and the tails of each case; for each x, quantile(cdf(x)) must come back within
  /// 1e-12 relative (the condition number of the round trip is 1, the errors of the two
  /// halves add: ~1e-14 each for the worst family, so 1e-12 leaves a wide margin that still
  /// catches any inconsistency between the two functions, e.g. a different tail convention).
  @Test("quantile(cdf(x)) returns x", arguments: roundTripCases)
  func test_quantileCDF_roundTrip(_ distribution: Distribution) {
    for i in stride(from: 1, to: 1000, by: 2) {
      let x = distribution.quantile(Double(i) / 1000)
      let back = distribution.quantile(distribution.cdf(x))
      #expect(relativeError(back, x) <= 1e-12, "\(distribution): x = \(x), back \(back)")
    }
  }

  @Test("Poisson and empirical: quantile(cdf(k)) == k exactly")
  func test_discrete_roundTrip() {
    for mean in [0.3, 4.0, 55.0, 1_000.0] {
      let distribution = Distribution.poisson(mean: mean)
      let top = Int(mean + 8 * mean.squareRoot() + 5)
      for k in 0...top {
        let f = distribution.cdf(Double(k))
        guard f < 1 else { break }  // beyond: F rounds to 1, every k has the same F
        guard f > 0 else { continue }  // below: F underflows to 0 (e^-1000), likewise
        #expect(distribution.quantile(f) == Double(k), "λ = \(mean), k = \(k)")
      }
    }
    let empirical = Distribution.empirical([2, 7, 7, 1, 8])
    for value in [1.0, 2, 7, 8] {
      #expect(empirical.quantile(empirical.cdf(value)) == value)
    }
  }

  /// On a fine grid of x the CDF never decreases and stays in [0, 1]; on a grid of p the
  /// quantile never decreases. The grids are 2,001 points from the 10⁻⁶ to the 1 − 10⁻⁶
  /// quantile (CDF) and p = 10⁻⁶…1 − 10⁻⁶ (quantile), spaced far more widely than the
  /// functions' rounding noise, so equality is allowed but not a step down.
  @Test(
    "CDF and quantile are monotone", arguments: roundTripCases + [Distribution.poisson(mean: 7)])
  func test_cdfQuantile_monotone(_ distribution: Distribution) {
    let low = distribution.quantile(1e-6)
    let high = distribution.quantile(1 - 1e-6)
    var previousF = -1.0
    var previousX = -Double.infinity
    for i in 0...2_000 {
      let t = Double(i) / 2_000
      let x = low + (high - low) * t
      let f = distribution.cdf(x)
      #expect(f >= previousF && f >= 0 && f <= 1, "\(distribution): F(\(x)) = \(f)")
      previousF = f
      let q = distribution.quantile(1e-6 + (1 - 2e-6) * t)
      #expect(q >= previousX, "\(distribution): quantile at t = \(t) is \(q) < \(previousX)")
      previousX = q
    }
  }

  // MARK: - Sampling is inversion

  /// truncatedNormal and triangular are sampled by inversion of one open uniform: the draw
  /// must be exactly quantile(U) for the U that `nextOpenDouble()` returns in its place.
  @Test(
    "truncatedNormal and triangular draws equal quantile(nextOpenDouble())",
    arguments: [
      Distribution.truncatedNormal(mean: 0, sd: 1, lower: -1, upper: 2),
      .truncatedNormal(mean: 0, sd: 1, lower: 4, upper: .infinity),
      .truncatedNormal(mean: 0, sd: 1, lower: -.infinity, upper: -3),
      .truncatedNormal(mean: 2, sd: 3, lower: 1, upper: 1.000001),
      .triangular(min: 0, mode: 0.25, max: 1), .triangular(min: 5, mode: 5, max: 6),
    ])
  func test_sample_isQuantileOfUniform(_ distribution: Distribution) {
    var generator = testGenerator("inversion \(distribution)")
    var uniforms = generator
    for _ in 0..<1_000 {
      let draw = distribution.sample(using: &generator)
      let expected = distribution.quantile(uniforms.nextOpenDouble())
      #expect(draw.bitPattern == expected.bitPattern, "\(draw) vs \(expected)")
    }
  }
}

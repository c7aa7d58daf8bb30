import MBCRandom
import Testing

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

@Suite("Poisson.inverse")
struct PoissonTests {
  static func inverse(_ u: Double, mean: Double) -> Int {
    Poisson.inverse(uniform: u, mean: mean, expMinusMean: exp(-mean))
  }

  static let justBelowOne = 1 - 0x1p-53

  @Test("u = 0 gives 0 for every mean up to 700", arguments: [0, 0.3, 5, 29.9, 30, 100, 700])
  func test_inverse_uniformZero(_ mean: Double) {
    #expect(Self.inverse(0, mean: mean) == 0)
  }

  @Test("mean 0 always gives 0", arguments: [0, 0x1p-53, 0.5, 0.999, 1 - 0x1p-53])
  func test_inverse_meanZero(_ u: Double) {
    #expect(Poisson.inverse(uniform: u, mean: 0, expMinusMean: 1) == 0)
  }

  /// Exact inversions (smallest k with u < F(k)) from a 60-digit mpmath evaluation of the
  /// Poisson CDF. None of these u lies within 5e-11 of a value of F (the closest: 6e-11, for
  /// mean 700), far more than the ~1e-13 rounding error of the running sum, so rounding
  /// cannot change the answer.
  @Test(
    "inverts the CDF exactly away from its jumps (mpmath reference)",
    arguments: [
      (0.3, [0, 0, 0, 0, 0, 1, 3]),
      (5, [0, 0, 2, 4, 5, 8, 13]),
      (29.9, [4, 15, 23, 28, 30, 37, 48]),
      (30, [4, 15, 23, 28, 30, 37, 48]),
      (100, [46, 71, 87, 97, 100, 113, 132]),
      (700, [547, 620, 666, 691, 700, 734, 783]),
    ] as [(Double, [Int])])
  func test_inverse_matchesExactInversion(_ mean: Double, _ expected: [Int]) {
    let uniforms = [1e-9, 0.001, 0.1, 0.37, 0.5, 0.9, 0.999]
    for (u, k) in zip(uniforms, expected) {
      #expect(Self.inverse(u, mean: mean) == k, "u = \(u)")
    }
  }

  /// For u = 1 − 2^-53 the exact answer lies where the upper tail is about 1e-16, which is
  /// the size of the rounding error of the running sum F (about k·2^-53), so the search can
  /// only be right up to rounding. What is required (bands from a 60-digit mpmath evaluation):
  /// - it does not stop early: k ≥ kLow, the smallest k with P(X ≥ k) ≤ 1e-13;
  /// - it does not run away: k ≤ kHigh, the first k above the mean with P(X = k) < 1e-20
  ///   (far below where the terms stop changing F, 2^-54).
  @Test(
    "terminates near the right place for u just below 1",
    arguments: [
      (0.3, 11, 15), (5, 30, 38), (29.9, 79, 94), (30, 79, 94), (100, 183, 206), (700, 904, 956),
    ] as [(Double, Int, Int)])
  func test_inverse_uniformJustBelowOne(_ mean: Double, _ kLow: Int, _ kHigh: Int) {
    let k = Self.inverse(Self.justBelowOne, mean: mean)
    #expect(k >= kLow && k <= kHigh, "k = \(k)")
  }

  @Test("terminates for u ≥ 1, NaN and out-of-range means (outside the contract)")
  func test_inverse_terminatesOutsideContract() {
    #expect(Self.inverse(1, mean: 5) > 5)
    #expect(Self.inverse(2, mean: 700) > 700)
    #expect(Self.inverse(.nan, mean: 5) == 0)
    #expect(Self.inverse(0.5, mean: .nan) >= 0)
    #expect(Self.inverse(0.5, mean: -3) == 0)
    // p₀ underflows to 0 for a mean above 745: stops at once instead of spinning.
    #expect(Self.inverse(0.5, mean: 1_000) >= 0)
    #expect(Self.inverse(0.5, mean: 1e300) >= 0)
  }

  /// Property check against an independent CDF (log-space pmf, TestSupport): for 2,000
  /// uniforms per mean, F(k − 1) ≤ u < F(k) up to ε = 1e-12, the combined rounding error of
  /// the two running sums (each about k·2^-53 ≤ 1e-13 here).
  @Test("agrees with an independently computed CDF", arguments: [0.3, 2, 5, 12.5, 29.9, 100])
  func test_inverse_againstIndependentCdf(_ mean: Double) {
    var cdf: [Double] = []
    var sum = 0.0
    for k in 0..<400 {
      sum += poissonProbability(k, mean: mean)
      cdf.append(sum)
    }
    var generator = testGenerator("poisson inverse \(mean)")
    var failures = 0
    for _ in 0..<2_000 {
      let u = generator.nextDouble()
      let k = Self.inverse(u, mean: mean)
      let below = k == 0 ? 0 : cdf[k - 1]
      if !(below <= u + 1e-12 && u < cdf[k] + 1e-12) { failures += 1 }
    }
    #expect(failures == 0)
  }

  @Test("Distribution.poisson uses inversion of one nextDouble below mean 30")
  func test_sample_usesInversionBelowThirty() {
    for mean in [0.3, 5, 29.9] {
      var a = testGenerator("poisson inversion path")
      var b = a
      for _ in 0..<1_000 {
        let draw = Distribution.poisson(mean: mean).sample(using: &a)
        let expected = Self.inverse(b.nextDouble(), mean: mean)
        #expect(draw == Double(expected))
      }
      #expect(a.state == b.state)
    }
  }

  @Test(
    "PTRS draws are whole, non-negative numbers for large means", arguments: [30, 200, 1e6, 1e12])
  func test_sample_transformedRejectionGivesCounts(_ mean: Double) {
    var generator = testGenerator("ptrs counts \(mean)")
    var failures = 0
    for _ in 0..<5_000 {
      let x = Distribution.poisson(mean: mean).sample(using: &generator)
      if !(x >= 0 && x == x.rounded(.towardZero)) { failures += 1 }
    }
    #expect(failures == 0)
  }

  /// ln P(X = k), the right side of PTRS's acceptance test, against a 50-digit mpmath
  /// evaluation of k ln λ − λ − lnΓ(k + 1). Both branches (exact product below k = 16,
  /// regrouped Stirling series from 16 on) and means up to 1e12, where the naive formula
  /// would lose all digits to cancellation (k ln λ ≈ 2.8e13). A sign or coefficient slip in
  /// the series (1/(12·16) ≈ 5e-3 at k = 16) fails the 1e-9 bound by far; a statistical test
  /// could not see it, since the series only matters for the ~14 % of draws that reach the
  /// final acceptance test.
  @Test(
    "PTRS's log-probability matches a high-precision reference",
    arguments: [
      (30, 0, -30.0), (30, 5, -17.78150483447127), (30, 15, -6.881310658908561),
      (30, 16, -6.252701999486187), (30, 30, -2.622314898965503), (30, 100, -53.61963738934795),
      (200, 10, -162.12123890759514), (200, 150, -10.272500867218183),
      (200, 200, -3.568513882798138), (200, 260, -11.91430862292258),
      (1e6, 15, -999820.6666130144), (1e6, 16, -999809.6236911786),
      (1e6, 999_000, -8.326360395486802), (1e6, 1e6, -7.826693895520143),
      (1e6, 1_003_000, -12.323698387635039), (1e6, 1_005_000, -20.30840626013005),
      (1e12, 1e12, -14.73444909116903), (1e12, 1e12 + 2e6, -16.73444875783603),
      (1e12, 1e12 - 5e6, -27.234467424548196),
    ] as [(Double, Double, Double)])
  func test_logProbability_matchesReference(_ mean: Double, _ k: Double, _ expected: Double) {
    let value = Poisson.logProbability(k, mean: mean, logMean: log(mean))
    #expect(abs(value - expected) <= 1e-9 + 1e-13 * abs(expected), "ln P(\(k); \(mean)) = \(value)")
  }
}

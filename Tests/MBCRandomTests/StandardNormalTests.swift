import MBCRandom
import Testing

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

@Suite("StandardNormal")
struct StandardNormalTests {
  /// Published percentage points.
  /// - 0.25, 0.001, 1e-20: the test values printed in Wichura (1988), AS 241, Applied
  ///   Statistics 37:477–484 (one per branch of PPND16); repeated in R's test suite,
  ///   repository wch/r-source, file tests/d-p-q-r-tests.R ("3 Test data from Wichura
  ///   (1988)"), which checks them to 1e-15.
  /// - 0.975, 0.025, 1e-10: ±1.959963984540054 and −6.361340902404056, the values printed
  ///   by SciPy's `scipy.special.ndtri` (Cephes), the usual published double-precision
  ///   reference for these points.
  /// All six agree with a 50-digit mpmath evaluation to within 2.3e-16 relative (the
  /// printed values are for the decimal p; the double nearest 0.975 is 2.2e-17 lower).
  /// Tolerance: 1e-15 relative, about 5 ulp; AS 241 claims 1e-16 before rounding.
  @Test(
    "quantile matches published percentage points",
    arguments: [
      (0.25, -0.6744897501960817),
      (0.001, -3.090232306167814),
      (1e-20, -9.262340089798408),
      (0.975, 1.959963984540054),
      (0.025, -1.959963984540054),
      (1e-10, -6.361340902404056),
    ] as [(Double, Double)])
  func test_quantile_publishedValues(_ p: Double, _ expected: Double) {
    let z = StandardNormal.quantile(p)
    #expect(relativeError(z, expected) <= 1e-15, "Φ⁻¹(\(p)) = \(z), expected \(expected)")
  }

  /// Values from an 80-digit mpmath evaluation (bisection on ncdf) for the exact double p, at
  /// the branch boundaries of PPND16 (|p − ½| = 0.425; min(p, 1 − p) = e^-25 ≈ 1.39e-11),
  /// and at the ends of `nextOpenDouble`'s range (2^-53, 1 − 2^-53) and of the doubles.
  @Test(
    "quantile is accurate across the branches of AS 241 (mpmath reference)",
    arguments: [
      (0.075, -1.439531470938456),
      (0.925, 1.4395314709384561),
      (0.9, 1.2815515655446006),
      (0.999, 3.090232306167813),
      (1e-5, -4.264890793922825),
      (1e-300, -37.0470962993612),
      (0x1p-53, -8.209536151601387),
      (1 - 0x1p-53, 8.209536151601387),
      (0.5 + 0x1p-53, 2.782916424671767e-16),
      (Double.leastNonzeroMagnitude, -38.467405617144344),
    ] as [(Double, Double)])
  func test_quantile_mpmathValues(_ p: Double, _ expected: Double) {
    let z = StandardNormal.quantile(p)
    #expect(relativeError(z, expected) <= 1e-15, "Φ⁻¹(\(p)) = \(z), expected \(expected)")
  }

  @Test("quantile handles the ends and invalid input: ±∞ at 0 and 1, NaN outside")
  func test_quantile_specialValues() {
    #expect(StandardNormal.quantile(0.5) == 0)
    #expect(StandardNormal.quantile(0) == -.infinity)
    #expect(StandardNormal.quantile(1) == .infinity)
    #expect(StandardNormal.quantile(-0.1).isNaN)
    #expect(StandardNormal.quantile(1.5).isNaN)
    #expect(StandardNormal.quantile(.nan).isNaN)
    #expect(StandardNormal.quantile(-.infinity).isNaN)
  }

  @Test("quantile is exactly antisymmetric where 1 − p is exact, and increasing")
  func test_quantile_antisymmetricAndMonotone() {
    var previous = -Double.infinity
    var failures = 0
    for i in 1..<4096 {
      let p = Double(i) / 4096  // 1 − p is exact on this grid
      let z = StandardNormal.quantile(p)
      if StandardNormal.quantile(1 - p) != -z { failures += 1 }
      if !(z > previous) { failures += 1 }
      previous = z
    }
    #expect(failures == 0)
  }

  /// Φ values from a 50-digit mpmath evaluation of ncdf, rounded to double.
  /// Tolerance 2e-15 relative (9 ulp): erfc is good to a few ulp, and `cdf` corrects the
  /// rounding of its argument −x/√2, which would otherwise add a relative error of about
  /// x²·2^-53 (4e-14 at x = −20).
  @Test(
    "cdf matches reference values",
    arguments: [
      (1.96, 0.9750021048517795),
      (-1.0, 0.15865525393145705),
      (0.0, 0.5),
      (3.0, 0.9986501019683699),
      (-5.0, 2.866515718791939e-07),
      (-8.0, 6.220960574271784e-16),
      (-20.0, 2.7536241186062337e-89),
      (-37.5, 4.605353009581955e-308),
      (-2.5, 0.006209665325776135),
      (-12.25, 8.399796063633417e-35),
      (-0.5, 0.3085375387259869),
    ] as [(Double, Double)])
  func test_cdf_referenceValues(_ x: Double, _ expected: Double) {
    #expect(
      relativeError(StandardNormal.cdf(x), expected) <= 2e-15, "Φ(\(x)) = \(StandardNormal.cdf(x))")
  }

  @Test("cdf limits: 0 at −∞, 1 at +∞, NaN for NaN")
  func test_cdf_limits() {
    #expect(StandardNormal.cdf(-.infinity) == 0)
    #expect(StandardNormal.cdf(.infinity) == 1)
    #expect(StandardNormal.cdf(.nan).isNaN)
  }

  /// quantile(cdf(x)) = x up to the conditioning of the round trip: an error δp in
  /// p = cdf(x) moves the quantile by δp/φ(x). cdf is good to a few ulp of p, so the error
  /// is about k·ulp(p)/φ(x) plus the quantile's own ~1e-16 relative error. For x ≤ 0,
  /// ulp(p)/φ(x) ≤ 2^-52·p/φ(x) ≤ 1.26·2^-52 (Mills' ratio, largest at 0): machine precision. For
  /// x > 0, p is near 1, its ulp is 2^-53 and 2^-53/φ(x) grows to 1e-2 at x = 8.
  /// Bound used: 1e-14·max(1, |x|) + 4·ulp(p)/φ(x).
  @Test("quantile inverts cdf on a grid from −8 to 8")
  func test_quantile_invertsCdf() {
    var worst = 0.0
    var failures = 0
    for i in -800...800 {
      let x = Double(i) / 100
      let p = StandardNormal.cdf(x)
      let density = exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
      let tolerance = 1e-14 * max(1, abs(x)) + 4 * p.ulp / density
      let error = abs(StandardNormal.quantile(p) - x)
      if error > tolerance { failures += 1 }
      if x <= 0 { worst = max(worst, error / max(1, abs(x))) }
    }
    #expect(failures == 0)
    // In the lower half the round trip is close to machine precision.
    #expect(worst <= 1e-14)
  }
}

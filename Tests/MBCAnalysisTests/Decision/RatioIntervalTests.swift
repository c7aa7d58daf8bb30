// Fieller's theorem in its three forms against an independent computation, the A = 0 edge, the
// angular wedge on hand-placed points, and the normal quantile behind every level.
import Foundation
import Testing

@testable import MBCAnalysis

/// Twelve hand-made pairs of incremental costs (euros) and effects (QALYs), reused by the ICER and
/// ratio tests.
enum SmallData {
  static let deltaC: [Double] = [
    1200, 950, 1810, 1430, 700, 1320, 1650, 880, 1500, 1100, 1270, 1010,
  ]
  /// Clearly positive: mean 0.115, SE 0.0158.
  static let deltaE: [Double] = [
    0.12, 0.05, 0.20, 0.15, 0.02, 0.11, 0.18, 0.07, 0.16, 0.09, 0.13, 0.10,
  ]
  /// Straddles 0: mean 0.00917, SE 0.0204.
  static let deltaEStraddling: [Double] = [
    0.05, -0.08, 0.12, -0.03, 0.02, -0.10, 0.09, 0.01, -0.04, 0.06, -0.02, 0.03,
  ]
  /// Straddles 0 as well: mean 12, SE 38.
  static let deltaCStraddling: [Double] = [
    120, -95, 181, -143, 70, -132, 165, -88, 150, -110, 127, -101,
  ]
}

/// `.bounded`/`.excluding` ends, or nil for another form.
private func ends(_ set: RatioInterval?, bounded: Bool) -> (Double, Double)? {
  switch set {
  case .bounded(let lower, let upper) where bounded: (lower, upper)
  case .excluding(let lower, let upper) where !bounded: (lower, upper)
  default: nil
  }
}

@Suite("Ratio intervals: Fieller and the angular wedge")
struct RatioIntervalTests {
  static let z = 1.959963984540054

  /// Reference values from mpmath at 30 digits (√2·erfinv(level)): 1.95996398454005423552,
  /// 1.64485362695147271486, 2.57582930354890076098. (scipy's ndtri is itself 2 ulps off at 0.95:
  /// 1.6448536269514722.) Tolerance 2 ulps: 4.4e-16 below 2, 8.9e-16 above.
  @Test("z for 90%, 95%, 99% (mpmath) to 2 ulps")
  func test_standardNormal_quantiles() {
    #expect(abs(StandardNormal.z(level: 0.95) - 1.95996398454005423552) <= 4.5e-16)
    #expect(abs(StandardNormal.z(level: 0.90) - 1.64485362695147271486) <= 4.5e-16)
    #expect(abs(StandardNormal.z(level: 0.99) - 2.57582930354890076098) <= 9e-16)
    #expect(StandardNormal.z(level: 1e-12) < 1e-11)
  }

  /// The reference ends were found without the quadratic formula: numpy moments (ddof 1, divided
  /// by n = 12), then scipy's brentq on g(R) = (a − R·b)² − z²·(v_aa − 2R·v_ab + R²·v_bb) between
  /// the sign changes of g on a grid over [−10⁶, 10⁶]:
  ///
  /// - ΔE clear of 0: roots 9701.22496115343 and 12473.3466450386, g > 0 outside → bounded;
  /// - ΔE straddling 0: roots −41271.735900421445 and 27336.67682895698, g ≤ 0 at ±10⁶ and
  ///   g > 0 at 0 → the complement;
  /// - both straddling 0: no sign change, g ≤ 0 everywhere → the whole line;
  /// - per-run (undivided) variances, ΔE clear of 0: 8291.708337765513 and 56729.50145933525.
  ///
  /// Tolerance: brentq's xtol 1e-13 and rtol 1e-15, and a few roundings of the moments: 1e-11
  /// relative.
  @Test("Fieller's three forms against brentq on the defining quadratic")
  func test_fieller_threeForms() throws {
    let bounded = ICERInterval(
      incrementalCosts: SmallData.deltaC, incrementalEffects: SmallData.deltaE,
      bootstrapReplicates: 0)
    let b = try #require(ends(bounded.fieller, bounded: true))
    #expect(abs(b.0 / 9701.22496115343 - 1) <= 1e-11 && abs(b.1 / 12473.3466450386 - 1) <= 1e-11)
    #expect(bounded.fieller.contains(bounded.icer))

    let straddling = ICERInterval(
      incrementalCosts: SmallData.deltaC, incrementalEffects: SmallData.deltaEStraddling,
      bootstrapReplicates: 0)
    let x = try #require(ends(straddling.fieller, bounded: false))
    #expect(abs(x.0 / -41271.735900421445 - 1) <= 1e-11)
    #expect(abs(x.1 / 27336.67682895698 - 1) <= 1e-11)
    #expect(straddling.fieller.contains(straddling.icer) && !straddling.fieller.contains(0))

    let whole = ICERInterval(
      incrementalCosts: SmallData.deltaCStraddling,
      incrementalEffects: SmallData.deltaEStraddling, bootstrapReplicates: 0)
    #expect(whole.fieller == .wholeLine)

    let u = try #require(ends(bounded.uncertaintyFieller, bounded: true))
    #expect(abs(u.0 / 8291.708337765513 - 1) <= 1e-11 && abs(u.1 / 56729.50145933525 - 1) <= 1e-11)
  }

  /// The uncertainty ends are the λ at which the normal approximation of P(λ·ΔE − ΔC > 0) is
  /// 2.5% and 97.5%: there, |mean INB| = z·SD(INB) exactly (Fenwick, O'Brien & Briggs 2004).
  @Test("uncertainty Fieller ends: |E[INB(λ)]| = z·SD[INB(λ)]")
  func test_fieller_uncertaintyIsNormalCEACCrossing() throws {
    let result = ICERInterval(
      incrementalCosts: SmallData.deltaC, incrementalEffects: SmallData.deltaE,
      bootstrapReplicates: 0)
    let (low, high) = try #require(ends(result.uncertaintyFieller, bounded: true))
    for lambda in [low, high] {
      let inb = zip(SmallData.deltaC, SmallData.deltaE).map { lambda * $0.1 - $0.0 }
      let mean = inb.reduce(0, +) / 12
      let sd = (inb.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 11).squareRoot()
      expectClose(abs(mean), Self.z * sd, scale: sd, tolerance: 1e-9, "λ = \(lambda)")
    }
  }

  /// A = b² − z²·v_bb = 0 exactly (b = 2, z = 2, v_bb = 1): with a = 3, v_aa = 1, v_ab = 0 the
  /// inequality is linear, −12R + 5 ≤ 0, so the set is [5/12, ∞). And exact arithmetic cases:
  /// no spread gives [a/b, a/b]; a NaN gives NaN ends.
  @Test("edge forms: a half line when A = 0, a point without spread, NaN in NaN out")
  func test_fieller_edges() {
    let half = RatioInterval.fieller(
      numeratorMean: 3, denominatorMean: 2, numeratorVariance: 1, denominatorVariance: 1,
      covariance: 0, z: 2)
    #expect(half == .excluding(lower: -.infinity, upper: 5.0 / 12))
    #expect(half.contains(1.5) && half.contains(1e300) && !half.contains(0.4))

    let point = RatioInterval.fieller(
      numeratorMean: 3, denominatorMean: 2, numeratorVariance: 0, denominatorVariance: 0,
      covariance: 0, z: 2)
    #expect(point == .bounded(lower: 1.5, upper: 1.5))

    let nan = RatioInterval.fieller(
      numeratorMean: .nan, denominatorMean: 2, numeratorVariance: 1, denominatorVariance: 1,
      covariance: 0, z: 2)
    guard case .bounded(let lower, let upper) = nan else {
      Issue.record("NaN input gave \(nan)")
      return
    }
    #expect(lower.isNaN && upper.isNaN)
  }

  @Test("contains and isBounded read the forms correctly")
  func test_ratioInterval_contains() {
    #expect(RatioInterval.bounded(lower: 1, upper: 2).contains(1))
    #expect(!RatioInterval.bounded(lower: 1, upper: 2).contains(2.5))
    #expect(RatioInterval.excluding(lower: -5, upper: 8).contains(-5))
    #expect(RatioInterval.excluding(lower: -5, upper: 8).contains(100))
    #expect(!RatioInterval.excluding(lower: -5, upper: 8).contains(0))
    #expect(RatioInterval.wholeLine.contains(-1e308) && !RatioInterval.wholeLine.isBounded)
    #expect(!RatioInterval.excluding(lower: -5, upper: 8).isBounded)
  }

  /// 41 points: the type-7 2.5% and 97.5% percentiles of 41 values are exactly the 2nd smallest
  /// and the 2nd largest (h = 40·0.025 = 1 and 40·0.975 = 39). Two points per tail are placed at
  /// known angles, the other 37 between them (radii vary: only angles matter).
  static func points(at angles: (tail: [Double], middle: Double), radius: (Int) -> Double)
    -> (x: [Double], y: [Double])
  {
    var x: [Double] = []
    var y: [Double] = []
    let all = angles.tail + [Double](repeating: angles.middle, count: 41 - angles.tail.count)
    for (i, degrees) in all.enumerated() {
      let theta = degrees * Double.pi / 180
      x.append(radius(i) * cos(theta))
      y.append(radius(i) * sin(theta))
    }
    return (x, y)
  }

  @Test("wedge: bounded, across the vertical (complement), wider than π (whole line)")
  func test_wedge_forms() throws {
    // Angles 10°, 20° | 37 × 45° | 70°, 80°: the wedge is [tan 20°, tan 70°].
    let a = Self.points(at: ([10, 20, 70, 80], 45)) { 1 + Double($0 % 5) }
    let inside = RatioInterval.wedge(
      numerators: a.y, denominators: a.x, centre: (1, 1), level: 0.95)
    let b = try #require(ends(inside, bounded: true))
    expectClose(b.0, tan(20 * Double.pi / 180), scale: 1, tolerance: 1e-14, "lower")
    expectClose(b.1, tan(70 * Double.pi / 180), scale: 3, tolerance: 1e-14, "upper")

    // Around the vertical: 60°, 80° | 37 × 90° | 100°, 120°: slopes from tan 80° = 5.67 up to
    // +∞, then from −∞ to tan 100° = −5.67. The points at 100° and 120° have ΔE < 0.
    let v = Self.points(at: ([60, 80, 100, 120], 90)) { 1 + Double($0 % 3) }
    let across = RatioInterval.wedge(
      numerators: v.y, denominators: v.x, centre: (0.01, 1), level: 0.95)
    let x = try #require(ends(across, bounded: false))
    expectClose(x.0, tan(100 * Double.pi / 180), scale: 6, tolerance: 1e-13, "lower")
    expectClose(x.1, tan(80 * Double.pi / 180), scale: 6, tolerance: 1e-13, "upper")

    // Spread over more than half a turn: −100°, −80° | 37 × 0° | 80°, 100° gives a central range
    // from −80° to 80°, 160° < 180°: bounded but wide; −120°, −110° | … | 110°, 120° gives
    // −110° … 110° = 220° ≥ 180°: every slope.
    let wide = Self.points(at: ([-100, -80, 80, 100], 0)) { _ in 1 }
    #expect(
      RatioInterval.wedge(numerators: wide.y, denominators: wide.x, centre: (1, 0), level: 0.95)
        .isBounded)
    let wider = Self.points(at: ([-120, -110, 110, 120], 0)) { _ in 1 }
    #expect(
      RatioInterval.wedge(numerators: wider.y, denominators: wider.x, centre: (1, 0), level: 0.95)
        == .wholeLine)
  }
}

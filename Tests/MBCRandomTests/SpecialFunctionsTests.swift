import Testing

import MBCRandom

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// P(a, x) and Q(a, x) at one point (mpmath, 40 digits).
struct GammaRow: Sendable, CustomStringConvertible {
  var a: Double
  var x: Double
  var p: Double
  var q: Double
  var description: String { "a = \(a), x = \(x)" }
}

/// I_x(a, b) and 1 − I_x(a, b) at one point (mpmath, 40 digits).
///
/// For rows with an upper tail below ½, `complement` is the y with 1 − I_(1−y)(a, b) equal to
/// the upper tail that `inverseRegularizedBeta(a, b, 1 − upper)` is actually asked for
/// (1 − upper rounds), to full relative accuracy; 0 otherwise.
struct BetaRow: Sendable, CustomStringConvertible {
  var a: Double
  var b: Double
  var x: Double
  var lower: Double
  var upper: Double
  var complement: Double
  var description: String { "a = \(a), b = \(b), x = \(x)" }
}

@Suite("Special functions")
struct SpecialFunctionsTests {
  // MARK: - Regularized incomplete gamma function

  /// The smaller of P and Q must keep its relative accuracy: the measured maximum over the
  /// rows is 3.3e-14 for tails above 1e-100 (a = 0.001, Q = 0.01: there the series computes
  /// P = 0.99 and Q = 1 − P loses a factor P/Q of P's few ulp; DiDonato and Morris's special
  /// treatment of small a would avoid it), and 1e-13 below (x = 469 for a = 1000: the
  /// prefactor's exponent, about −230, carries a few of its ulp). Tolerances: 4e-14 and
  /// 4e-13. The larger of the two is 1 minus the smaller: its absolute error is the
  /// smaller's plus a rounding, 2.3e-16.
  @Test("P(a, x) and Q(a, x) agree with mpmath, shapes 0.001 to 10⁵, tails to 1e-100")
  func test_regularizedGamma_referenceValues() {
    for row in Self.gammaRows {
      let p = SpecialFunctions.regularizedGammaP(row.a, row.x)
      let q = SpecialFunctions.regularizedGammaQ(row.a, row.x)
      let (small, expectedSmall, large, expectedLarge) =
        row.p <= row.q ? (p, row.p, q, row.q) : (q, row.q, p, row.p)
      let tolerance = expectedSmall >= 1e-100 ? 4e-14 : 4e-13
      #expect(
        relativeError(small, expectedSmall) <= tolerance,
        "\(row): \(small) vs \(expectedSmall), error \(relativeError(small, expectedSmall))")
      #expect(
        abs(large - expectedLarge) <= 2.3e-16 + tolerance * expectedSmall,
        "\(row): \(large) vs \(expectedLarge)")
    }
  }

  /// The inverse returns x from the smaller tail probability. Its relative error is that of
  /// the tail divided by d ln P/d ln x, which is about a in the lower tail: for tiny shapes
  /// the root is ill-conditioned (a = 0.001: 1e-16/0.001 = 1e-13). Tolerance
  /// 2e-14 + 4e-15/a (measured maximum 3.3e-13 at a = 0.001, 1.5e-15 for a = 0.1, 1e-15 for
  /// a ≥ 0.5), and the same 10× looser for tails below 1e-100.
  @Test("the inverse of P and Q returns x")
  func test_inverseRegularizedGamma_referenceValues() {
    for row in Self.gammaRows {
      let upper = row.q < row.p
      let x = SpecialFunctions.inverseRegularizedGamma(
        row.a, upper ? row.q : row.p, upperTail: upper)
      var tolerance = 2e-14 + 4e-15 / row.a
      if min(row.p, row.q) < 1e-100 { tolerance *= 10 }
      #expect(
        relativeError(x, row.x) <= tolerance,
        "\(row): inverse \(x), error \(relativeError(x, row.x))")
    }
  }

  @Test("P + Q = 1, P(a, 0) = 0, P(a, ∞) = 1, whole a terminates the fraction")
  func test_regularizedGamma_identities() {
    for a in [0.01, 1, 7.5, 40] {
      for x in [0.001, 0.5, 3, 45] {
        let p = SpecialFunctions.regularizedGammaP(a, x)
        let q = SpecialFunctions.regularizedGammaQ(a, x)
        #expect(abs(p + q - 1) <= 2.3e-16, "a = \(a), x = \(x)")
      }
      #expect(SpecialFunctions.regularizedGammaP(a, 0) == 0)
      #expect(SpecialFunctions.regularizedGammaQ(a, .infinity) == 0)
    }
    // Q(1, x) = e^(−x) and Q(3, x) = e^(−x)(1 + x + x²/2): closed forms, to a few ulp (the
    // fraction terminates after 1 and 3 terms).
    #expect(relativeError(SpecialFunctions.regularizedGammaQ(1, 30), exp(-30)) <= 1e-15)
    #expect(
      relativeError(SpecialFunctions.regularizedGammaQ(3, 50), exp(-50) * (1 + 50 + 1_250))
        <= 1e-15)
  }

  // MARK: - Regularized incomplete beta function

  /// Relative error of the smaller of I and 1 − I. Measured: ≤ 1.1e-14 for shapes up to a
  /// thousand with tails above 1e-20, 3e-14 below (the prefactor's exponent, up to −230,
  /// carries a few of its ulp); up to 5e-13 where one shape is 10⁴ times the other (the
  /// continued fraction cancels near the mode of such a skewed distribution, see
  /// `SpecialFunctions+Beta.swift`) and for Beta(10⁵, 10⁵) in its far tail. Tolerances:
  /// 2e-14 for moderate rows (max(a, b)/min(a, b) < 1000 and shapes ≤ 1000), 2e-12 for the
  /// others, both 5× for tails below 1e-20.
  @Test("I_x(a, b) agrees with mpmath, shapes 0.1 to 10⁵, tails to 1e-100")
  func test_regularizedBeta_referenceValues() {
    for row in Self.betaRows {
      let tails = SpecialFunctions.regularizedBetaTails(row.x, complement: 1 - row.x, row.a, row.b)
      let (small, expectedSmall) =
        row.lower <= row.upper ? (tails.lower, row.lower) : (tails.upper, row.upper)
      let tolerance = Self.betaTolerance(row) * (expectedSmall < 1e-20 ? 5 : 1)
      #expect(
        relativeError(small, expectedSmall) <= tolerance,
        "\(row): \(small) vs \(expectedSmall), error \(relativeError(small, expectedSmall))")
      #expect(abs(tails.lower + tails.upper - 1) <= 2.3e-16)
    }
  }

  /// Where the continued fraction of the smaller tail cancels (a ≫ b near the mode) the
  /// other tail's fraction is used (`betaTails`), and for one small and one large shape the
  /// prefactor is formed from s·ln(x·l) (`betaLogFront`); without either, these points lose
  /// 20–500× (7e-13 for Beta(10⁴, 1.5) at I = 0.1). Measured against mpmath (40 digits):
  /// ≤ 1.6e-15, except 1.1e-13 for the last, where the switch is not taken because the other
  /// tail, 0.99, would cost as much as it gains.
  @Test(
    "I_x(a, b) keeps its digits near the mode of a very skewed beta",
    arguments: [
      (1e4, 1.5, 0.9996874872244093, 0.10000000000002658, 2e-14),
      (1.5, 1e4, 0.00031251277559077556, 0.10000000000000007, 2e-14),  // the upper tail
      (1e4, 20, 0.9977962835129102, 0.29999999999997345, 2e-14),
      (1e4, 0.5, 0.9996683019004363, 0.009999999999996585, 1e-12),
    ] as [(Double, Double, Double, Double, Double)])
  func test_regularizedBeta_skewedNearMode(
    _ a: Double, _ b: Double, _ x: Double, _ expected: Double, _ tolerance: Double
  ) {
    let tails = SpecialFunctions.regularizedBetaTails(x, complement: 1 - x, a, b)
    let value = a > b ? tails.lower : tails.upper
    #expect(
      relativeError(value, expected) <= tolerance,
      "\(value), error \(relativeError(value, expected))")
  }

  /// 2e-14 for moderate rows, 2e-12 for skewed or huge shapes (see above).
  static func betaTolerance(_ row: BetaRow) -> Double {
    let moderate = max(row.a, row.b) / min(row.a, row.b) < 1_000 && max(row.a, row.b) <= 1_000
    return moderate ? 2e-14 : 2e-12
  }

  /// The inverse returns x from a lower tail ≤ ½ and, from an upper tail below ½, the
  /// complement 1 − x to full relative accuracy (it is the lower-tail quantile of
  /// Beta(b, a)). The relative error is that of the tail divided by |d ln I/d ln x|, about
  /// a (b for the upper tail): tolerance (the forward tolerance)·(1 + 1/min(a, b)).
  @Test("the inverse of I returns x, or 1 − x for upper tails")
  func test_inverseRegularizedBeta_referenceValues() {
    for row in Self.betaRows {
      let tailFactor: Double = min(row.lower, row.upper) < 1e-20 ? 5 : 1
      let tolerance = Self.betaTolerance(row) * tailFactor * (1 + 1 / min(row.a, row.b))
      if row.lower <= 0.5 {
        let x = SpecialFunctions.inverseRegularizedBeta(row.a, row.b, row.lower).x
        #expect(
          relativeError(x, row.x) <= tolerance,
          "\(row): inverse \(x), error \(relativeError(x, row.x))")
      } else {
        let complement = SpecialFunctions.inverseRegularizedBeta(row.a, row.b, 1 - row.upper)
          .complement
        #expect(
          relativeError(complement, row.complement) <= tolerance,
          "\(row): complement \(complement) vs \(row.complement)")
      }
    }
  }

  // MARK: - Helpers

  /// mpmath (40 digits) values of D(t) = t − ln(1 + t), Stirling's error and ln B.
  @Test("deviance series, Stirling's error and ln B agree with mpmath")
  func test_helpers_referenceValues() {
    for (t, expected) in [
      (1e-8, 4.999999966666667e-17), (-0.4, 0.1108256237659907), (0.5, 0.09453489189183562),
      (3, 1.6137056388801094), (-0.999, 5.908755278982136),
    ] as [(Double, Double)] {
      #expect(relativeError(SpecialFunctions.log1pDeficit(t), expected) <= 4e-16, "D(\(t))")
    }
    for (a, expected) in [
      (0.5, 0.15342640972002736), (14.9, 0.00559200251225083), (15, 0.005554733551962801),
      (100, 0.0008333305556349147), (1e6, 8.333333333333056e-08),
    ] as [(Double, Double)] {
      // What matters is the absolute error (s is added to logarithms): below 15, from ln Γ,
      // a few ulp of terms of size ~40 (measured 2.6e-15 at 14.9); from 15 on, the series
      // truncated after 1/(1188a⁹), whose next term is 2.2e-16 at a = 15.
      let tolerance = a < 15 ? 1e-14 : 3e-16
      #expect(abs(SpecialFunctions.stirlingError(a) - expected) <= tolerance, "s(\(a))")
    }
    for (a, b, expected) in [
      (0.5, 1e4, -4.032792743063396), (200, 800, -502.02063441294996),
      (1e5, 1e5, -138633.92706134808), (3, 4, -4.0943445622221),
    ] as [(Double, Double, Double)] {
      #expect(relativeError(SpecialFunctions.logBeta(a, b), expected) <= 1e-15, "ln B(\(a), \(b))")
    }
  }

  @Test("invalid arguments give NaN")
  func test_invalidArguments() {
    #expect(SpecialFunctions.regularizedGammaP(-1, 1).isNaN)
    #expect(SpecialFunctions.regularizedGammaP(0, 1).isNaN)
    #expect(SpecialFunctions.regularizedGammaP(1, -1).isNaN)
    #expect(SpecialFunctions.regularizedGammaQ(.nan, 1).isNaN)
    #expect(SpecialFunctions.regularizedGammaQ(.infinity, 1).isNaN)
    #expect(SpecialFunctions.regularizedBeta(0.5, 0, 1).isNaN)
    #expect(SpecialFunctions.regularizedBeta(.nan, 1, 1).isNaN)
    #expect(SpecialFunctions.inverseRegularizedGamma(1, 1.5).isNaN)
    #expect(SpecialFunctions.inverseRegularizedGamma(-1, 0.5).isNaN)
    #expect(SpecialFunctions.inverseRegularizedBeta(1, 1, -0.1).x.isNaN)
    #expect(SpecialFunctions.inverseRegularizedBeta(1, .nan, 0.5).x.isNaN)
  }
}

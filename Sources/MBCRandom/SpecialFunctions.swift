#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// MARK: - Special functions behind the CDFs and quantiles
//
// Implementation goals, in order of priority:
// 1. Relative accuracy of about 1e-14 for the regularized incomplete gamma and beta functions
//    and for whichever of a function and its complement is the smaller (the tail that a
//    quantile near 0 or 1 needs), wherever the result is a normal double; the usual target
//    for these functions, set by DiDonato and Morris (1986), "Computation of the incomplete
//    gamma function ratios and their inverse", ACM TOMS 12(4):377–393, and (1992, Algorithm
//    708, see SpecialFunctions+Beta.swift): 14 significant digits in double precision. The
//    measured accuracy, and where it falls short (tiny shapes, shapes that differ by a factor
//    of 10⁴), is in SpecialFunctionsTests.
// 2. Total: NaN for invalid arguments, never a trap, and every loop has an iteration cap, so
//    no input loops forever.
// 3. Written here from the published methods (power series and continued fractions, Lentz's
//    evaluation, Stirling's series), not copied from any library; SciPy and mpmath serve as the
//    references in the tests.
// 4. Cost: the series and the continued fractions take about 9√a terms when the argument is
//    near the mean of a distribution with shape a (the worst case), so a gamma with shape 10^6
//    costs about 10^4 terms per evaluation. Uniform asymptotic expansions (Temme 1979, "The
//    asymptotic expansion of the incomplete gamma functions", SIAM J. Math. Anal.
//    10(4):757–766, as used by DiDonato and Morris 1986) would make this O(1); FUTURE WORK if
//    huge shapes become common.

/// Special functions for the CDFs and quantiles of ``Distribution``: the regularized incomplete
/// gamma function P(a, x) and its complement Q(a, x), the regularized incomplete beta function
/// I_x(a, b), and their inverses.
///
/// `package`, not public: the stable API is ``Distribution/cdf(_:)`` and
/// ``Distribution/quantile(_:)``; the package's tests check these functions directly against
/// SciPy.
package enum SpecialFunctions {
  /// ½ ln(2π).
  static let halfLogTwoPi = 0.91893853320467274178

  /// 2^-52, the relative step at which the series and continued fractions stop.
  static let epsilon = 0x1p-52

  /// ln Γ(x) for x > 0, from the C library's re-entrant `lgamma_r` (plain `lgamma` writes the
  /// global `signgam`, a data race when parameters are drawn on several threads).
  ///
  /// Its absolute error is a few ulp of the result, which is what the callers need (they add
  /// it to other logarithms and exponentiate).
  package static func logGamma(_ x: Double) -> Double {
    var sign: Int32 = 0
    return lgamma_r(x, &sign)
  }

  /// Stirling's error s(a) = ln Γ(a) − [(a − ½) ln a − a + ½ ln 2π] for a > 0.
  ///
  /// For a ≥ 15 the asymptotic series 1/(12a) − 1/(360a³) + 1/(1260a⁵) − 1/(1680a⁷) +
  /// 1/(1188a⁹), whose next term 691/(360360 a¹¹) is below 2.3e-16 there (Abramowitz and
  /// Stegun 1964, 6.1.41); below 15 from `logGamma`, which leaves an absolute error of about
  /// 1e-15 (the terms are at most about 40).
  package static func stirlingError(_ a: Double) -> Double {
    if a >= 15 {
      let r = 1 / a
      let r2 = r * r
      return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))))
    }
    return logGamma(a) - ((a - 0.5) * log(a) - a + halfLogTwoPi)
  }

  /// D(t) = t − ln(1 + t) for t ≥ −1, without the cancellation of the direct formula near 0.
  ///
  /// With u = t/(2 + t), ln(1 + t) = 2 atanh(u) = 2(u + u³/3 + u⁵/5 + …) and t − 2u = u·t, so
  /// D(t) = u·t − 2(u³/3 + u⁵/5 + …); both parts have the sign of t² and the second is at most
  /// a twelfth of the first, so for |t| ≤ ½ (|u| ≤ ⅓) the result keeps full relative accuracy.
  /// Beyond, t − log1p(t) loses at most 3 bits. This is the deviance term of Loader (2000),
  /// "Fast and accurate computation of binomial probabilities", that makes the large-shape
  /// prefactors below accurate.
  package static func log1pDeficit(_ t: Double) -> Double {
    guard abs(t) <= 0.5 else { return t - log1p(t) }
    let u = t / (2 + t)
    let u2 = u * u
    var power = u * u2
    var sum = 0.0
    var k = 3.0
    while k < 200 {
      let term = power / k
      sum += term
      if abs(term) <= abs(sum) * 0x1p-54 { break }
      power *= u2
      k += 2
    }
    return u * t - 2 * sum
  }

  /// The deviance x − m − m·ln(x/m) = m·D((x − m)/m) ≥ 0 for x ≥ 0 and m > 0: the Poisson
  /// deviance term of Loader (2000), the exponent that is left of x^m e^(−x) against its
  /// maximum.
  ///
  /// Within a factor 1.5 of m, x − m is exact (Sterbenz) and ``log1pDeficit(_:)`` keeps the
  /// relative accuracy; further out, the two terms x − m and m·ln(x/m) differ enough that the
  /// direct formula loses at most 2 bits (and ln(x/m) keeps the digits that ln(1 + t) with a t
  /// near −1 would lose).
  static func deviance(_ x: Double, _ m: Double) -> Double {
    let difference = x - m
    if abs(difference) <= 0.5 * m {
      return m * log1pDeficit(difference / m)
    }
    return difference - m * log(x / m)
  }

  /// f = b₀ + a₁/(b₁ + a₂/(b₂ + …)) by the modified Lentz method: Lentz (1976), "Generating
  /// Bessel functions in Mie scattering calculations using continued fractions", Applied Optics
  /// 15(3):668–671; Thompson and Barnett (1986), J. Comput. Phys. 64(2):490–509 (the
  /// modification that replaces a zero denominator by a tiny number). Forward evaluation: the
  /// value after j terms is f_(j−1)·C_j·D_j with C_j = b_j + a_j/C_(j−1) and
  /// D_j = 1/(b_j + a_j·D_(j−1)); it stops when C_j·D_j is within 2^-52 of 1 or after
  /// `maximumTerms` terms.
  ///
  /// - Parameter term: a_j and b_j for j = 1, 2, …
  /// - Returns: the value, and whether it met the stopping rule before the cap.
  static func continuedFraction(
    b0: Double, maximumTerms: Int, term: (Int) -> (a: Double, b: Double)
  ) -> (value: Double, converged: Bool) {
    let tiny = 0x1p-1000
    var value = b0 == 0 ? tiny : b0
    var c = value
    var d = 0.0
    for j in 1...max(1, maximumTerms) {
      let (a, b) = term(j)
      d = b + a * d
      if abs(d) < tiny { d = tiny }
      c = b + a / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = c * d
      value *= delta
      if abs(delta - 1) <= epsilon { return (value, true) }
    }
    return (value, false)
  }

  /// An iteration cap for the series and continued fractions with parameters of size `size`:
  /// about 20√size + 200, far above the 9√size terms they need (implementation goal 4), and
  /// at most 10^8.
  static func iterationCap(_ size: Double) -> Int {
    Int(min(1e8, 200 + 20 * max(size, 0).squareRoot()))
  }

  /// ln(u/v) for u, v > 0, as log(u/v) when the ratio is a positive finite double: near the
  /// root of a quantile equation u/v ≈ 1, and the difference ln u − ln v of two logarithms of
  /// size ~70 (probabilities near 1e-30) would carry their rounding, ~1e-14, which the
  /// quantile of a small shape a then divides by a.
  static func logRatio(_ u: Double, _ v: Double) -> Double {
    let ratio = u / v
    return ratio.isFinite && ratio > 0 ? log(ratio) : log(u) - log(v)
  }

  /// Solves h(x) = 0 for x in (`lower`, `upper`) ⊂ [0, ∞], h increasing, by Newton's method
  /// in ln x with a bisection safeguard.
  ///
  /// `evaluate(x)` returns h(x) and its derivative with respect to ln x. The CDFs of the
  /// gamma and beta distributions behave like powers of x near 0 and like exponentials in
  /// the upper tail, so ln P is nearly linear in ln x where the quantiles are smallest and
  /// Newton's method in ln x converges in a few steps from a rough start. Each step keeps a
  /// bracket [lo, hi] of the root (h(lo) < 0 < h(hi)); a step that leaves the bracket, or a
  /// non-finite h or slope (an underflowed tail probability), is replaced by bisection in
  /// ln x (the geometric mean of the ends), or, while an end is still 0 or ∞, by a step of a
  /// factor 2^-64 or 2^4 (an infinite lower end is never the case for the callers). Steps
  /// are multiplicative, x·e^(step), so x keeps full precision (ln x would not, far from 1).
  ///
  /// Stops when a Newton step changes x by at most 1e-12 relative (the error left is then
  /// of the order of the square of that step, far below the noise of h) or when the bracket
  /// is narrower than 4 ulp, and after at most 300 evaluations.
  static func solveInLogSpace(
    start: Double, lower: Double, upper: Double,
    evaluate: (Double) -> (value: Double, logSlope: Double)
  ) -> Double {
    var lo = lower
    var hi = upper
    var x = start
    if !(x > lo && x < hi) {
      // A start outside the bracket: its geometric middle, or a point inside an open end.
      if lo > 0 && hi < .infinity {
        x = lo.squareRoot() * hi.squareRoot()
      } else if hi < .infinity {
        x = hi * 0.5
      } else {
        x = lo > 0 ? lo * 16 : 1
      }
    }
    for _ in 0..<300 {
      let (h, slope) = evaluate(x)
      if h == 0 { return x }
      if h < 0 { lo = x } else if h > 0 { hi = x }
      let step = -h / slope
      var next = x * exp(step)
      let newton = step.isFinite && next > lo && next < hi
      if newton {
        if abs(step) <= 1e-12 { return next }
      } else if lo > 0 && hi < .infinity {
        next = lo.squareRoot() * hi.squareRoot()
      } else if lo > 0 {
        next = lo * 16
      } else {
        next = hi * 0x1p-64
        if next == 0 { return hi }  // the root is below the smallest double
      }
      if !(next > lo && next < hi) || hi <= lo.nextUp.nextUp.nextUp.nextUp {
        return x  // no double strictly inside the bracket remains
      }
      x = next
    }
    return x
  }
}

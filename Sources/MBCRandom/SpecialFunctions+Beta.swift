#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// MARK: - Regularized incomplete beta function
//
// I_x(a, b) = (1/B(a, b)) ∫₀ˣ t^(a−1) (1 − t)^(b−1) dt for a, b > 0 and 0 ≤ x ≤ 1: the CDF of
// the beta distribution. Method as in Press, Teukolsky, Vetterling and Flannery (2007),
// *Numerical Recipes*, 3rd ed., §6.4: the continued fraction of Abramowitz and Stegun (1964),
// 26.5.8, for x < (a + 1)/(a + b + 2), where it converges fast, and the symmetry
// I_x(a, b) = 1 − I_(1−x)(b, a) otherwise, so that the fraction always computes the smaller
// tail. The prefactor x^a (1 − x)^b / B(a, b) is formed as in DiDonato and Morris (1992),
// "Algorithm 708: Significant digit computation of the incomplete beta function ratios", ACM
// TOMS 18(3):360–373, doi:10.1145/131766.131776 (their `brcomp`): for large shapes with
// Stirling's formula and the deviance D(t) = t − ln(1 + t), not as a difference of ln Γ values
// of size a ln a.

extension SpecialFunctions {
  /// Both tails of the beta distribution with shapes a and b at x, and ln of the prefactor
  /// x^a (1 − x)^b / B(a, b) (so that x(1 − x) times the density is e^logFront).
  struct BetaTails {
    var lower: Double
    var upper: Double
    var logFront: Double

    static let invalid = BetaTails(lower: .nan, upper: .nan, logFront: .nan)
  }

  /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b) for a, b > 0, with an absolute error of
  /// about 1e-15·(1 + min(a, b)·ln(a + b)).
  ///
  /// With s ≤ l the smaller and larger shape and n = s + l: for l < 15 from ``logGamma(_:)``
  /// directly (terms below 71); for s < 15 ≤ l as
  /// ln Γ(s) − (l − ½)·ln(1 + s/l) − s·ln n + s + st(l) − st(n) (Stirling's formula for the
  /// ratio Γ(l)/Γ(n), st Stirling's error), which avoids subtracting two values of size l ln l;
  /// for s ≥ 15 as ½ ln 2π + (s − ½) ln(s/n) + (l − ½) ln(l/n) − ½ ln n + st(s) + st(l) − st(n).
  package static func logBeta(_ a: Double, _ b: Double) -> Double {
    let small = min(a, b)
    let large = max(a, b)
    if large < 15 {
      return logGamma(small) + logGamma(large) - logGamma(small + large)
    }
    let n = small + large
    if small < 15 {
      return logGamma(small) - (large - 0.5) * log1p(small / large) - small * log(n) + small
        + stirlingError(large) - stirlingError(n)
    }
    return halfLogTwoPi + (small - 0.5) * log(small / n) + (large - 0.5) * log(large / n)
      - 0.5 * log(n) + stirlingError(small) + stirlingError(large) - stirlingError(n)
  }

  /// ln(x^a y^b / B(a, b)) with y = 1 − x, for 0 < x < 1; the caller passes both x and y so
  /// that the smaller is exact.
  ///
  /// For a, b ≥ 15, with n = a + b: −dev(nx, a) − dev(ny, b) + ½ ln(ab/(2πn)) − st(a) − st(b)
  /// + st(n), with the deviances dev(v, m) = v − m − m ln(v/m) of ``deviance(_:_:)``; this
  /// follows from Stirling's formula because (nx − a) + (ny − b) = 0. For one shape s < 15
  /// and the other l ≥ 15, s·ln(v·l) + (the other power) − ln Γ(s) − c, v the variable of the
  /// small shape, c given below. Otherwise a ln x + b ln y − ln B(a, b). In all cases
  /// ln x = ln(1 − y) by `log1p` when y is the smaller (and vice versa), so that b·ln(1 − x)
  /// keeps its digits for tiny x and large b.
  static func betaLogFront(_ x: Double, _ y: Double, _ a: Double, _ b: Double) -> Double {
    if a >= 15 && b >= 15 {
      let n = a + b
      return -deviance(x * n, a) - deviance(y * n, b)
        + 0.5 * (log(a) + log(b) - log(n)) - halfLogTwoPi
        - (stirlingError(a) + stirlingError(b) - stirlingError(n))
    }
    let logX = x <= y ? log(x) : log1p(-y)
    let logY = y <= x ? log(y) : log1p(-x)
    let small = min(a, b)
    let large = max(a, b)
    if large >= 15 {
      // One shape below 15: ln B(s, l) = ln Γ(s) − s ln l + c with
      // c = s − (n − ½) ln(1 + s/l) + st(l) − st(n) small (about s²/(2l)), so that the
      // power of the small shape combines with ln l: s·ln(v·l) instead of s·ln v and s·ln l
      // separately, terms of size ~14 for Beta(1.5, 10⁴) that would cost 3e-15.
      let n = small + large
      let c =
        small - (n - 0.5) * log1p(small / large) + stirlingError(large) - stirlingError(n)
      let v = a <= b ? x : y  // the variable whose power is the small shape
      let scaled = v * large
      let logScaled =
        scaled >= Double.leastNormalMagnitude ? log(scaled) : (a <= b ? logX : logY) + log(large)
      let otherTerm = a <= b ? b * logY : a * logX
      return small * logScaled + otherTerm - logGamma(small) - c
    }
    return a * logX + b * logY - logBeta(a, b)
  }

  /// The continued fraction f of Abramowitz and Stegun (1964), 26.5.8, with
  /// I_x(a, b) = x^a (1 − x)^b / (a B(a, b)) · f:
  ///
  /// ```
  /// f = 1/(1 + d₁/(1 + d₂/(1 + ⋯)))
  /// d_(2m+1) = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))
  /// d_(2m)   = m (b − m) x / ((a + 2m − 1)(a + 2m))
  /// ```
  static func betaFraction(_ x: Double, _ a: Double, _ b: Double, maximumTerms: Int)
    -> (value: Double, converged: Bool)
  {
    continuedFraction(b0: 0, maximumTerms: maximumTerms) { j in
      if j == 1 { return (1, 1) }
      let k = j - 1
      let m = Double(k / 2)
      if k % 2 == 0 {
        return (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)), 1)
      }
      return (-(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)), 1)
    }
  }

  /// I_x(a, b) and 1 − I_x(a, b), each to about 1e-14 relative when it is the smaller (and to
  /// about 1e-16 absolute otherwise), and ln of the prefactor.
  ///
  /// - Parameters:
  ///   - x: in [0, 1].
  ///   - y: 1 − x, computed by the caller where it is known more accurately than by
  ///     subtraction (the PERT CDF passes (max − v)/(max − min)).
  /// Invalid arguments give NaN.
  static func betaTails(_ x: Double, complement y: Double, _ a: Double, _ b: Double) -> BetaTails {
    guard a > 0, b > 0, a.isFinite, b.isFinite, x >= 0, y >= 0 else { return .invalid }
    if x == 0 { return BetaTails(lower: 0, upper: 1, logFront: -.infinity) }
    if y == 0 { return BetaTails(lower: 1, upper: 0, logFront: -.infinity) }
    let logFront = betaLogFront(x, y, a, b)
    let cap = iterationCap(max(a, b))
    let lowerScale = exp(logFront - log(a))
    let upperScale = exp(logFront - log(b))
    // The fraction's first denominator is 1 − x(a + b)/(a + 1) (for the upper tail
    // 1 − y(a + b)/(b + 1)); where it nearly cancels the fraction loses about log₁₀ of the
    // reciprocal ("amplification") in digits. For a very skewed distribution (a ≫ b, or
    // b ≫ a) that happens near the switch point, where the other tail's fraction does not
    // cancel: it is then more accurate even after the subtraction from 1, which multiplies
    // its relative error by value/(1 − value) (e.g. 7e-13 → 1.5e-15 for a = 10⁴, b = 1.5 at
    // I = 0.1). It is taken when its estimated error, that factor times its own
    // amplification times 16 (calibrated against mpmath on a ≫ b cases), is below the first
    // fraction's amplification, and when it agrees with the first fraction within that
    // fraction's expected error (64·2^-52·amplification relative): past its switch point the
    // other fraction can meet the stopping rule at a wrong value. Near the centre of a
    // distribution with two large shapes both fractions cancel and nothing is gained (2e-14
    // for Beta(200, 800) at its median; DiDonato and Morris's asymptotic expansion BASYM
    // would be needed there).
    let lowerAmplification = 1 / abs(1 - x * ((a + b) / (a + 1)))
    let upperAmplification = 1 / abs(1 - y * ((a + b) / (b + 1)))
    if x * (a + b + 2) < a + 1 {
      let lower = lowerScale * betaFraction(x, a, b, maximumTerms: cap).value
      if lowerAmplification > 64 {
        let other = betaFraction(y, b, a, maximumTerms: cap)
        let upper = upperScale * other.value
        if other.converged && upper > 0 && upper < 1
          && 16 * upperAmplification * upper / (1 - upper) < lowerAmplification
          && abs(1 - upper - lower) <= 64 * epsilon * lowerAmplification * lower
        {
          return BetaTails(lower: 1 - upper, upper: upper, logFront: logFront)
        }
      }
      return BetaTails(lower: lower, upper: 1 - lower, logFront: logFront)
    }
    let upper = upperScale * betaFraction(y, b, a, maximumTerms: cap).value
    if upperAmplification > 64 {
      let other = betaFraction(x, a, b, maximumTerms: cap)
      let lower = lowerScale * other.value
      if other.converged && lower > 0 && lower < 1
        && 16 * lowerAmplification * lower / (1 - lower) < upperAmplification
        && abs(1 - lower - upper) <= 64 * epsilon * upperAmplification * upper
      {
        return BetaTails(lower: lower, upper: 1 - lower, logFront: logFront)
      }
    }
    return BetaTails(lower: 1 - upper, upper: upper, logFront: logFront)
  }

  /// I_x(a, b) and 1 − I_x(a, b) (SciPy's `betainc` and `betaincc`), with 1 − x passed by the
  /// caller (see ``betaTails(_:complement:_:_:)``); each accurate in relative terms where it
  /// is the smaller.
  package static func regularizedBetaTails(
    _ x: Double, complement y: Double, _ a: Double, _ b: Double
  )
    -> (lower: Double, upper: Double)
  {
    let tails = betaTails(x, complement: y, a, b)
    return (tails.lower, tails.upper)
  }

  /// The regularized incomplete beta function I_x(a, b) (SciPy's `betainc`).
  package static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
    betaTails(x, complement: 1 - x, a, b).lower
  }

  /// The x in [0, 1] with I_x(a, b) = p, and 1 − x (SciPy's `betaincinv`).
  ///
  /// For p ≤ ½ the equation ln I_x(a, b) = ln p is solved by
  /// ``solveInLogSpace(start:lower:upper:evaluate:)``; the derivative of ln I with respect to
  /// ln x is x^a (1 − x)^(b−1) / (B(a, b) I). For p > ½ the symmetry gives
  /// x = 1 − y with I_y(b, a) = 1 − p (exact for p ≥ ½), so the complement is the accurate
  /// one there. Starting points: x^a/(a B(a, b)) = p, the first term of the fraction, and for
  /// a, b > 1 the normal approximation of Abramowitz and Stegun (1964), 26.5.22.
  ///
  /// Accuracy: relative error of the smaller of x and 1 − x about 1e-14 divided by
  /// |d ln I/d ln x| (which is about a in the lower tail).
  ///
  /// - Returns: (x, 1 − x); (0, 1) for p = 0, (1, 0) for p = 1, NaN for invalid arguments.
  package static func inverseRegularizedBeta(_ a: Double, _ b: Double, _ p: Double)
    -> (x: Double, complement: Double)
  {
    guard a > 0, b > 0, a.isFinite, b.isFinite, p >= 0, p <= 1 else { return (.nan, .nan) }
    if p > 0.5 {
      let y = inverseBetaLowerTail(b, a, 1 - p)
      return (1 - y, y)
    }
    let x = inverseBetaLowerTail(a, b, p)
    return (x, 1 - x)
  }

  /// The x with I_x(a, b) = p for p ≤ ½ (see ``inverseRegularizedBeta(_:_:_:)``).
  static func inverseBetaLowerTail(_ a: Double, _ b: Double, _ p: Double) -> Double {
    if p == 0 { return 0 }
    let logTarget = log(p)
    let logPower = (logTarget + log(a) + logBeta(a, b)) / a
    if logPower < log(Double.leastNonzeroMagnitude) { return 0 }
    var start = exp(logPower)
    if a > 1 && b > 1 {
      // A&S 26.5.22 with y the upper-tail normal deviate of p's complement.
      let y = -StandardNormal.quantile(p)
      let lambda = (y * y - 3) / 6
      let h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1))
      let w =
        y * (h + lambda).squareRoot() / h
        - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (lambda + 5.0 / 6 - 2 / (3 * h))
      let normal = a / (a + b * exp(2 * w))
      if normal > 0 && normal < 1 { start = normal }
    }
    if !(start < 1) { start = a / (a + b) }
    return solveInLogSpace(start: start, lower: 0, upper: 1) { x in
      let tails = betaTails(x, complement: 1 - x, a, b)
      let slope = exp(tails.logFront - log1p(-x)) / tails.lower
      return (logRatio(tails.lower, p), slope)
    }
  }
}

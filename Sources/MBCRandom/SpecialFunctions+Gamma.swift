#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// MARK: - Regularized incomplete gamma function
//
// P(a, x) = γ(a, x)/Γ(a) = (1/Γ(a)) ∫₀ˣ t^(a−1) e^(−t) dt, Q(a, x) = 1 − P(a, x), for a > 0 and
// x ≥ 0: the CDF and survival function of the standard gamma distribution, and (as Q(k + 1, λ))
// the Poisson CDF. Methods as in Press, Teukolsky, Vetterling and Flannery (2007), *Numerical
// Recipes*, 3rd ed., §6.2: the power series for x < a + 1 and Legendre's continued fraction for
// Γ(a, x) otherwise (Abramowitz and Stegun 1964, 6.5.29 and 6.5.31), each in the region where
// it converges fast and computes the smaller tail directly; the other tail is one minus it.
// The common prefactor x^a e^(−x)/Γ(a + 1) is formed without cancellation for large a
// (``SpecialFunctions/gammaLogFront(_:_:)``), which is where a direct ln Γ loses digits.

extension SpecialFunctions {
  /// Both tails of the standard gamma distribution with shape a at x, and the logarithm of
  /// the prefactor x^a e^(−x)/Γ(a + 1) (so that x times the density is a·e^logFront).
  struct GammaTails {
    var lower: Double
    var upper: Double
    var logFront: Double

    static let invalid = GammaTails(lower: .nan, upper: .nan, logFront: .nan)
  }

  /// ln(x^a e^(−x)/Γ(a + 1)) for a > 0 and x > 0.
  ///
  /// For a < 15: a ln x − x − ln Γ(a + 1), whose terms are small unless x is large (and then
  /// the rounding of x itself dominates). For a ≥ 15, Stirling's formula for Γ(a + 1) turns it
  /// into −(x − a − a ln(x/a)) − ½ ln(2πa) − s(a), s Stirling's error, with the deviance
  /// x − a − a ln(x/a) from ``deviance(_:_:)``: the terms of size a ln a cancel analytically
  /// instead of in floating point. Accuracy: a few ulp of the largest term, i.e. a relative
  /// error of the prefactor of about 1e-15·(1 + deviance).
  static func gammaLogFront(_ a: Double, _ x: Double) -> Double {
    if a >= 15 {
      return -deviance(x, a) - 0.5 * log(2 * Double.pi * a) - stirlingError(a)
    }
    return a * log(x) - x - logGamma(a + 1)
  }

  /// x^a e^(−x)/Γ(a + 1) and its logarithm. For a < 15 as `pow(x, a) * exp(-x) /
  /// tgamma(a + 1)`, each factor rounded once, instead of as exp(a ln x − x − ln Γ(a + 1)),
  /// whose argument carries a few ulp of its largest term (7e-15 relative at x = 1e-300 for
  /// a = 0.1, which a quantile then divides by a; 4e-15 at x = 30); for x ≥ 700, where a
  /// power or the product is not a normal double, and for a ≥ 15, from
  /// ``gammaLogFront(_:_:)``.
  static func gammaFront(_ a: Double, _ x: Double) -> (value: Double, log: Double) {
    if a < 15 && x < 700 {
      let power = pow(x, a)  // e^-x is a normal double for x < 700
      if power.isFinite && power >= Double.leastNormalMagnitude {
        let value = power * exp(-x) / tgamma(a + 1)
        if value >= Double.leastNormalMagnitude { return (value, log(value)) }
      }
    }
    let logFront = gammaLogFront(a, x)
    return (exp(logFront), logFront)
  }

  /// P(a, x) and Q(a, x), each to about 1e-14 relative when it is the smaller of the two
  /// (and to about 1e-16 absolute otherwise), and ln of the prefactor.
  ///
  /// - x < a + 1: P = x^a e^(−x)/Γ(a + 1) · Σₙ xⁿ/((a + 1)(a + 2)⋯(a + n)), n ≥ 0 (the terms
  ///   decrease from the first); Q = 1 − P.
  /// - x ≥ a + 1: Q = x^a e^(−x)/Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − ⋯)))
  ///   by ``continuedFraction(b0:maximumTerms:term:)``; P = 1 − Q. For whole a the fraction
  ///   terminates and is exact.
  ///
  /// Invalid arguments (a ≤ 0 or not finite, x < 0 or NaN) give NaN.
  static func gammaTails(_ a: Double, _ x: Double) -> GammaTails {
    guard a > 0, a.isFinite, x >= 0 else { return .invalid }
    if x == 0 { return GammaTails(lower: 0, upper: 1, logFront: -.infinity) }
    if x == .infinity { return GammaTails(lower: 1, upper: 0, logFront: -.infinity) }
    let (front, logFront) = gammaFront(a, x)
    let cap = iterationCap(max(a, x))
    if x < a + 1 {
      var term = 1.0
      var sum = 1.0
      var denominator = a
      for _ in 0..<cap {
        denominator += 1
        term *= x / denominator
        sum += term
        if term <= sum * 0x1p-54 { break }
      }
      let lower = front * sum
      return GammaTails(lower: lower, upper: 1 - lower, logFront: logFront)
    }
    let fraction = continuedFraction(b0: 0, maximumTerms: cap) { j in
      if j == 1 { return (1, x + 1 - a) }
      let n = Double(j - 1)
      return (-n * (n - a), x + 2 * n + 1 - a)
    }.value
    let upper = front * a * fraction
    return GammaTails(lower: 1 - upper, upper: upper, logFront: logFront)
  }

  /// The regularized lower incomplete gamma function P(a, x) (SciPy's `gammainc`).
  package static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
    gammaTails(a, x).lower
  }

  /// The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x), computed directly
  /// where it is small (SciPy's `gammaincc`).
  package static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
    gammaTails(a, x).upper
  }

  /// The x ≥ 0 with P(a, x) = `probability`, or with Q(a, x) = `probability` when
  /// `upperTail` is true (SciPy's `gammaincinv` and `gammainccinv`).
  ///
  /// The equation is solved for the smaller tail (a lower-tail probability above ½ becomes
  /// an upper-tail one, 1 − p being exact there), as ln P(a, x) = ln p or ln Q(a, x) = ln q,
  /// by ``solveInLogSpace(start:lower:upper:evaluate:)``: the derivative of ln P with
  /// respect to ln x is a·x^a e^(−x)/(Γ(a + 1) P), so no extra work is needed for it.
  /// Starting points: Wilson and Hilferty (1931), (X/a)^(1/3) ≈ N(1 − 1/(9a), 1/(9a)), for
  /// a ≥ 1; the first term of the series, P ≈ x^a/Γ(a + 1), in the lower tail (never above
  /// the root, since P(a, x) ≤ x^a/Γ(a + 1)); Q ≈ x^(a−1) e^(−x)/Γ(a) in the upper tail for
  /// a < 1. Typically 3–6 evaluations.
  ///
  /// Accuracy: the relative error of x is about that of the tail probability divided by
  /// |d ln P/d ln x|, ~1e-14 in the lower tail for a ≥ 0.1 (worse by 1/a for tiny shapes,
  /// where P ∝ x^a is flat in ln x) and ~1e-14·(1 + 1/x) in the upper tail.
  ///
  /// - Returns: x; 0 for a lower-tail probability 0 (and where the root underflows), ∞ for 1;
  ///   NaN for invalid arguments.
  package static func inverseRegularizedGamma(
    _ a: Double, _ probability: Double, upperTail: Bool = false
  ) -> Double {
    guard a > 0, a.isFinite, probability >= 0, probability <= 1 else { return .nan }
    var upper = upperTail
    var target = probability
    if target > 0.5 {
      target = 1 - target
      upper.toggle()
    }
    if target == 0 { return upper ? .infinity : 0 }
    let logTarget = log(target)

    var start = -1.0
    if a >= 1 {
      let c = 1 / (9 * a)
      let z = StandardNormal.quantile(target)  // ≤ 0
      let w = 1 - c + (upper ? -z : z) * c.squareRoot()
      if w > 0 { start = a * w * w * w }
    }
    if !upper {
      let logPower = (logTarget + logGamma(a + 1)) / a
      if logPower < log(Double.leastNonzeroMagnitude) { return 0 }
      start = max(start, exp(logPower))
    } else if a < 1 {
      let base = -logTarget - logGamma(a)
      let asymptotic = base + (a - 1) * log(max(1, base))
      start = asymptotic >= 1 ? asymptotic : exp((log1p(-target) + logGamma(a + 1)) / a)
    }

    return solveInLogSpace(start: start, lower: 0, upper: .infinity) { x in
      let tails = gammaTails(a, x)
      let xDensity = exp(tails.logFront + log(a))
      if upper {
        return (logRatio(target, tails.upper), xDensity / tails.upper)
      }
      return (logRatio(tails.lower, target), xDensity / tails.lower)
    }
  }
}

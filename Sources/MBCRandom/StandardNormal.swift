#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The standard normal distribution N(0, 1): its quantile function Φ⁻¹ and its CDF Φ.
///
/// The quantile is what the normal-based samplers use (inversion of one open uniform), so
/// it is `@inlinable`.
public enum StandardNormal {
  /// The inverse CDF Φ⁻¹(p): the z with P(Z ≤ z) = p.
  ///
  /// Wichura, M. J. (1988), "Algorithm AS 241: The percentage points of the normal
  /// distribution", Applied Statistics 37(3):477–484, doi:10.2307/2347330, routine PPND16:
  /// minimax rational approximations of degree 7/7 on three ranges, accurate to about 1 part
  /// in 10^16:
  ///
  /// - |p − ½| ≤ 0.425: z = q·A(r)/B(r) with q = p − ½, r = 0.180625 − q²;
  /// - otherwise, with r = √(−ln min(p, 1 − p)): z = ±C(r − 1.6)/D(r − 1.6) for r ≤ 5
  ///   (min(p, 1 − p) ≥ e^-25 ≈ 1.4e-11), else ±E(r − 5)/F(r − 5).
  ///
  /// 1 − p is exact for p ≥ ½ (Sterbenz), so the upper tail is as accurate as the lower
  /// one for representable p; note that doubles near 1 are spaced 2^-53 apart, so the largest
  /// quantile below +∞ is Φ⁻¹(1 − 2^-53) ≈ 8.21, while the lower tail reaches
  /// Φ⁻¹(4.9e-324) ≈ −38.5.
  ///
  /// - Parameter p: a probability in (0, 1).
  /// - Returns: Φ⁻¹(p); −∞ for p = 0, +∞ for p = 1, NaN for p outside [0, 1] or NaN.
  @inlinable
  public static func quantile(_ p: Double) -> Double {
    let q = p - 0.5
    if abs(q) <= 0.425 {
      let r = 0.180625 - q * q
      let numerator =
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r
          + 67265.770927008700853) * r + 45921.953931549871457) * r
          + 13731.693765509461125) * r + 1971.5909503065514427) * r
          + 133.14166789178437745) * r + 3.387132872796366608)
      let denominator =
        (((((((5226.495278852854561 * r + 28729.085735721942674) * r
          + 39307.89580009271061) * r + 21213.794301586595867) * r
          + 5394.1960214247511077) * r + 687.1870074920579083) * r
          + 42.313330701600911252) * r + 1)
      return q * numerator / denominator
    }
    // The smaller tail probability; exact for p ≥ ½ (Sterbenz).
    var r = q < 0 ? p : 1 - p
    guard r > 0 else {
      // r == 0: p is 0 or 1. Otherwise p is NaN or outside [0, 1].
      if r == 0 { return q < 0 ? -.infinity : .infinity }
      return .nan
    }
    r = (-log(r)).squareRoot()
    let value: Double
    if r <= 5 {
      r -= 1.6
      let numerator =
        (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r
          + 0.24178072517745061177) * r + 1.27045825245236838258) * r
          + 3.64784832476320460504) * r + 5.7694972214606914055) * r
          + 4.6303378461565452959) * r + 1.42343711074968357734)
      let denominator =
        (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r
          + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
          + 0.68976733498510000455) * r + 1.6763848301838038494) * r
          + 2.05319162663775882187) * r + 1)
      value = numerator / denominator
    } else {
      r -= 5
      let numerator =
        (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
          + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
          + 0.29656057182850489123) * r + 1.7848265399172913358) * r
          + 5.4637849111641143699) * r + 6.6579046435011037772)
      let denominator =
        (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
          + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
          + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
          + 0.59983220655588793769) * r + 1)
      value = numerator / denominator
    }
    return q < 0 ? -value : value
  }

  /// The CDF Φ(x) = P(Z ≤ x) = ½·erfc(−x/√2), with the C library's `erfc`.
  ///
  /// Through `erfc` the lower tail keeps its relative accuracy far out (Φ(−37) ≈ 5.7e-300
  /// is not rounded to 0); in the upper tail Φ(x) rounds to 1 beyond x ≈ 8.3.
  ///
  /// The argument t = −x/√2 is rounded, and an error δ in t changes erfc(t) by a relative
  /// 2tδ in the lower tail (about x²·2^-53: 4e-14 at x = −20). There the rounding error is
  /// recovered exactly (an FMA for the product, plus the low part of 1/√2) and corrected to
  /// first order, erfc(t + δ) ≈ erfc(t) − δ·(2/√π)·e^(−t²), which leaves the accuracy of
  /// `erfc` itself (a few ulp).
  ///
  /// - Parameter x: any double; Φ(−∞) = 0, Φ(+∞) = 1, NaN gives NaN.
  public static func cdf(_ x: Double) -> Double {
    let inverseSqrt2High = 0.70710678118654757  // 1/√2 rounded to double
    let inverseSqrt2Low = -4.833646656726457e-17  // 1/√2 − inverseSqrt2High
    let t = -x * inverseSqrt2High
    let value = 0.5 * erfc(t)
    guard t > 0.5, t < 30 else { return value }  // upper half: the error is below ulp(Φ)
    let delta = fma(-x, inverseSqrt2High, -t) + (-x) * inverseSqrt2Low  // t_exact − t
    return value - delta * exp(-t * t) / Double.pi.squareRoot()
  }
}

import Foundation

/// The standard normal quantile needed to turn a confidence level into z (internal).
enum StandardNormal {
  /// z such that P(Z > z) = `upperTail`, for 0 < upperTail ≤ 0.5 (so z ≥ 0).
  ///
  /// Newton's method on g(x) = log Q(x) − log p, with Q(x) = erfc(x/√2)/2 and g′(x) = −φ(x)/Q(x).
  /// log Q is concave and decreasing, so from x₀ = 0 the first step lands at or beyond the root
  /// and every later step approaches it monotonically from above; as log Q is nearly quadratic the
  /// convergence takes about five steps for p = 0.025. The result agrees with published values
  /// (Φ⁻¹(0.975) = 1.9599639845400542355…) to two ulps.
  ///
  /// - Complexity: O(1) (at most 100 Newton steps, typically 5–8).
  static func upperQuantile(_ upperTail: Double) -> Double {
    precondition(
      upperTail > 0 && upperTail <= 0.5,
      "StandardNormal.upperQuantile: tail probability \(upperTail) must be in (0, 0.5]")
    let logP = log(upperTail)
    var x = 0.0
    for _ in 0..<100 {
      let q = 0.5 * erfc(x / 2.0.squareRoot())
      let density = exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
      let step = (log(q) - logP) * q / density
      x += step
      if abs(step) <= x.ulp { break }
    }
    return x
  }

  /// z = Φ⁻¹((1 + level)/2), the half-width multiplier of a two-sided interval of `level`.
  static func z(level: Double) -> Double {
    precondition(level > 0 && level < 1, "confidence level \(level) must be in (0, 1)")
    return upperQuantile((1 - level) / 2)
  }
}

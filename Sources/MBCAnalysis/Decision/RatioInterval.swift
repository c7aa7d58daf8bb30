import Foundation

/// A confidence (or uncertainty) set for a ratio such as an ICER or a return on investment: an
/// interval, the complement of an interval, or the whole real line.
///
/// A ratio of two uncertain quantities has a bounded interval only when its denominator is
/// clearly away from zero. When the denominator's own interval includes 0 (an effect difference
/// that could be zero), ratios of any size are compatible with the data and the honest answer is
/// one of the unbounded forms: Fieller's theorem gives exactly these three forms (Fieller 1954;
/// Willan & O'Brien 1996), and so does ordering bootstrap replicates by angle on the
/// cost-effectiveness plane (see ``ICERInterval``). Never report the unbounded forms as an
/// interval between their finite ends: `.excluding(lower: −5, upper: 8)` means "below −5 or above
/// 8", the opposite of [−5, 8].
///
/// A ratio is a slope on the cost-effectiveness plane, so it does not say which quadrant it comes
/// from: an ICER of 20 000 may mean "pay 20 000 per QALY gained" or "save 20 000 per QALY lost".
/// Report the quadrant probabilities (``ICERInterval/Quadrants``) alongside.
public enum RatioInterval: Sendable, Equatable {
  /// `[lower, upper]`. `lower == upper` when there is no spread at all. Both ends are NaN only when
  /// an input of `fieller` is NaN.
  case bounded(lower: Double, upper: Double)
  /// `(−∞, lower] ∪ [upper, ∞)`, with `lower ≤ upper`: every ratio except those strictly between
  /// the two ends. One end may be infinite: `.excluding(lower: −∞, upper: u)` is `[u, ∞)`.
  case excluding(lower: Double, upper: Double)
  /// Every real number: the data say nothing about the ratio at this level.
  case wholeLine

  /// Whether the set is a finite interval `[lower, upper]`.
  public var isBounded: Bool {
    if case .bounded = self { return true }
    return false
  }

  /// Whether `ratio` belongs to the set (ends included).
  public func contains(_ ratio: Double) -> Bool {
    switch self {
    case .bounded(let lower, let upper): lower <= ratio && ratio <= upper
    case .excluding(let lower, let upper): ratio <= lower || ratio >= upper
    case .wholeLine: !ratio.isNaN
    }
  }

  // MARK: - Fieller's theorem

  /// Fieller's confidence set for the ratio R = μ_a/μ_b of two expectations, from estimates a and
  /// b with variances v_aa, v_bb and covariance v_ab, assumed jointly normal.
  ///
  /// The set holds every R for which a − R·b (whose expectation is 0 at the true R) is within z
  /// standard errors of 0 (Fieller 1954, "Some problems in interval estimation", JRSS B 16:175;
  /// for cost-effectiveness ratios Willan & O'Brien 1996, Health Econ 5:297, and Polsky, Glick,
  /// Willke & Schulman 1997, Health Econ 6:243):
  ///
  /// ```
  /// (a − R·b)² ≤ z²·(v_aa − 2R·v_ab + R²·v_bb)
  /// ⇔  A·R² − 2B·R + C ≤ 0   with   A = b² − z²·v_bb,  B = a·b − z²·v_ab,  C = a² − z²·v_aa
  /// D = B² − A·C = z²·[(a²·v_bb − 2a·b·v_ab + b²·v_aa) − z²·(v_aa·v_bb − v_ab²)]
  /// ```
  ///
  /// - A > 0 (b is significantly different from 0: |b| > z·√v_bb): D ≥ 0 always (R = a/b is in the
  ///   set) and the set is the interval between the roots (B ∓ √D)/A, which contains a/b.
  /// - A < 0 (the interval of b includes 0): when D > 0, the complement
  ///   `.excluding(lower: (B + √D)/A, upper: (B − √D)/A)`; when D ≤ 0, the whole line.
  /// - A = 0 exactly: a half line, `[C/2B, ∞)` when B > 0, `(−∞, C/2B]` when B < 0 (as
  ///   `.excluding` with one infinite end); the whole line when B = 0.
  ///
  /// D is computed in the second form, which has no a²b² terms to cancel, and the roots as q/A and
  /// C/q with q = B + sign(B)·√D (no cancellation between B and √D; Press et al., *Numerical
  /// Recipes*, §5.6). The determinant v_aa·v_bb − v_ab² is clamped at 0 against rounding.
  ///
  /// When (a − R·b)/se is exactly Student-t distributed (normal per-run values, variances of the
  /// means estimated with divisor n − 1 and divided by n), the set covers the true ratio with
  /// probability P(|t_{n−1}| ≤ z) exactly, bounded or not: it is the inversion of a t-test.
  ///
  /// - Parameters:
  ///   - numeratorMean: a (the mean incremental cost, or the mean saving).
  ///   - denominatorMean: b (the mean incremental effect, or the mean intervention cost).
  ///   - numeratorVariance: v_aa, the variance of a: the per-run variance divided by n for a
  ///     confidence set of the ratio of expectations, undivided for a spread of the per-run values.
  ///   - denominatorVariance: v_bb, likewise.
  ///   - covariance: v_ab, likewise.
  ///   - z: The normal quantile of the level, e.g. 1.959963984540054 for 95%.
  /// - Returns: The set; `.bounded(lower: .nan, upper: .nan)` when an input is NaN.
  /// - Complexity: O(1).
  public static func fieller(
    numeratorMean a: Double, denominatorMean b: Double, numeratorVariance vaa: Double,
    denominatorVariance vbb: Double, covariance vab: Double, z: Double
  ) -> RatioInterval {
    guard ![a, b, vaa, vbb, vab, z].contains(where: \.isNaN) else {
      return .bounded(lower: .nan, upper: .nan)
    }
    let z2 = z * z
    let quadratic = b * b - z2 * vbb  // A
    let linear = a * b - z2 * vab  // B
    let constant = a * a - z2 * vaa  // C
    let determinant = Swift.max(0, vaa * vbb - vab * vab)
    let spread = (a * a * vbb - 2 * a * b * vab + b * b * vaa) - z2 * determinant
    let discriminant = z2 * spread  // D

    if quadratic == 0 {
      if linear == 0 { return .wholeLine }
      let root = constant / (2 * linear)
      return linear > 0
        ? .excluding(lower: -.infinity, upper: root) : .excluding(lower: root, upper: .infinity)
    }
    if quadratic < 0 && discriminant <= 0 { return .wholeLine }

    let root = Swift.max(0, discriminant).squareRoot()
    let q = linear >= 0 ? linear + root : linear - root
    var r1 = q / quadratic
    var r2 = q == 0 ? r1 : constant / q
    if r1 > r2 { swap(&r1, &r2) }
    return quadratic > 0 ? .bounded(lower: r1, upper: r2) : .excluding(lower: r1, upper: r2)
  }

  // MARK: - Angular percentile sets

  /// The central `level` wedge of points on the plane (denominator horizontally, numerator
  /// vertically), as a set of ratios (slopes) — an interval, its complement or the whole line.
  ///
  /// Each point p is given its signed angle δ from the centre direction c (δ ∈ (−π, π],
  /// `atan2(c × p, c · p)`); the wedge runs from the α/2 to the 1 − α/2 percentile of δ (Hyndman
  /// & Fan type 7, α = 1 − level) around c. Ordering by angle, not by the ratio y/x, is what keeps
  /// points on the other side of the vertical axis (a denominator of the other sign) in their
  /// place: the ratio jumps from +∞ to −∞ there, the angle does not (Briggs & Fenn 1998, Health
  /// Econ 7:723; the wedge-shaped region of Obenchain's ICEinfer). Mapped to slopes through
  /// tan θ = y/x:
  ///
  /// - a wedge wider than or as wide as π holds a line through the origin of every slope:
  ///   `.wholeLine`;
  /// - a narrower wedge that contains the vertical direction: tan increases to +∞ and wraps to −∞,
  ///   so `.excluding(lower: tan θ_hi, upper: tan θ_lo)`;
  /// - otherwise `.bounded(lower: tan θ_lo, upper: tan θ_hi)`.
  ///
  /// When every point lies right of the vertical axis (or every point left of it), this is the
  /// percentile interval of the ratios y/x themselves, except that type-7 interpolation between
  /// two neighbouring order statistics is done on their angles.
  ///
  /// The angles are taken after scaling y by k = rms(x)/rms(y) (root mean squares over the
  /// points; k = 1 when either is 0), and the slopes scaled back by 1/k. A linear map with
  /// positive determinant keeps the cyclic order of directions, opposite directions opposite and
  /// the vertical vertical, so the order statistics and the form of the set do not change; but
  /// without it an ICER in euros per QALY (a slope of ~10⁴) sits within 10⁻⁴ rad of the vertical,
  /// where tan θ amplifies the rounding of θ by |tan θ| (2·10⁻¹² relative at 10⁴). After scaling
  /// the cloud is near 45° and the ends are accurate to a few ulps.
  ///
  /// - Parameters:
  ///   - numerators: y of each point (mean incremental costs of bootstrap replicates, or per-run
  ///     values).
  ///   - denominators: x of each point; same count (≥ 1).
  ///   - centre: (x, y) of the centre direction, normally the point estimate; (0, 0) is read as
  ///     the positive x direction.
  ///   - level: The central probability of the wedge, in (0, 1).
  /// - Complexity: O(m) expected for m points (the selections of
  ///   ``Quantiles/type7(_:probabilities:)``); O(m) extra memory for the angles.
  static func wedge(
    numerators: [Double], denominators: [Double], centre: (x: Double, y: Double), level: Double
  ) -> RatioInterval {
    let m = numerators.count
    precondition(m >= 1 && denominators.count == m, "RatioInterval.wedge: need paired points")
    var sumX2 = 0.0
    var sumY2 = 0.0
    for i in 0..<m {
      sumX2 += denominators[i] * denominators[i]
      sumY2 += numerators[i] * numerators[i]
    }
    let k = sumX2 > 0 && sumY2 > 0 ? (sumX2 / sumY2).squareRoot() : 1
    let cx = centre.x
    let cy = k * centre.y
    var angles = [Double](repeating: 0, count: m)
    for i in 0..<m {
      let x = denominators[i]
      let y = k * numerators[i]
      angles[i] = atan2(cx * y - cy * x, cx * x + cy * y)
    }
    let alpha = 1 - level
    let ends = Quantiles.type7(&angles, probabilities: [alpha / 2, 1 - alpha / 2])
    if ends[1] - ends[0] >= Double.pi { return .wholeLine }
    let theta0 = atan2(cy, cx)
    let low = theta0 + ends[0]
    let high = theta0 + ends[1]
    // A wedge narrower than π contains at most one vertical direction, and does exactly when cos
    // changes sign (or vanishes) between its ends.
    if cos(low) * cos(high) <= 0 {
      return .excluding(lower: tan(high) / k, upper: tan(low) / k)
    }
    return .bounded(lower: tan(low) / k, upper: tan(high) / k)
  }
}

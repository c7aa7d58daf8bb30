#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The standard normal distribution restricted to [α, β]: the probability of the interval,
/// its quantile (the sampler of ``Distribution/truncatedNormal(mean:sd:lower:upper:)``), CDF
/// and moments.
///
/// Implementation goals, in order of priority:
/// 1. Keep the digits of intervals far in a tail. Every probability is taken from the tail it
///    lies in: for an interval above the mean (α > 0) the upper-tail probabilities
///    Q(t) = Φ(−t), which `erfc` gives to full relative accuracy out to t ≈ 37, instead of
///    Φ(t), which rounds to 1 beyond t ≈ 8.3; for an interval below the mean, Φ(t); for an
///    interval around the mean the probability is ½ erf(β/√2) − ½ erf(α/√2), a sum of two
///    terms of the same sign. The quantile maps p to Q(α) − p·Z or, for p > ½, to
///    Q(β) + (1 − p)·Z (similarly on the other sides), so both ends of the interval are
///    reached with relative accuracy, and a draw from [10, ∞) is as accurate as one from
///    [0, ∞).
/// 2. Keep the digits of narrow intervals. A difference of two tail probabilities loses
///    about log₁₀(1/(w·max(1, |m|))) digits for an interval of width w around m. When
///    w·max(1, |m|) ≤ ¼ ("narrow"), the probability, mean and variance are instead integrals
///    of φ(m + t) = φ(m)·e^(−mt − t²/2) over |t| ≤ w/2 by 5-point Gauss–Legendre quadrature
///    (Abramowitz and Stegun 1964, 25.4.29–30; exact for polynomials of degree 9, so the
///    error is below 1e-16 relative there), the width taken from the caller's unrounded
///    (upper − lower)/σ; the quantile of a narrow interval is then found by Newton's method
///    on that integral and returned as an offset from the lower bound. The same holds near a
///    finite bound of a wide interval: a quantile within a narrow distance of a bound is
///    refined on the quadrature and returned as an offset from that bound, and the CDF uses
///    the quadrature for [α, ξ], so both keep relative accuracy right next to the bounds.
/// 3. One uniform per draw, by inversion, so draws are as smooth in the uniform as the
///    untruncated normal's (`Distribution.normal` is sampled the same way).
///
/// Accuracy and limits (measured against mpmath in `DistributionQuantileTests`, where SciPy's
/// `truncnorm` turned out to be the less accurate of the two references):
/// - quantile: 4e-16 relative on intervals from [−1, 2] to [10, 12], a 10⁻⁶-SD-wide interval
///   and p from 1e-12 to 1 − 1e-12; CDF: 1e-14, the worst on [10, 12], where it is a
///   difference of upper tails Q(10) − Q(ξ);
/// - the variance formula cancels for wide one-sided intervals far in a tail (the variance
///   of N(0, 1) on [α, ∞) is about 1/α²): it loses about 4·log₁₀(α) digits (relative errors
///   2e-13 at α = 5, 3e-12 at α = 10, 9e-11 at α = 30); the mean keeps about 1e-16;
/// - the standardisation (x − μ)/σ rounds, so an input x carries an error of about
///   ε·|x − μ|/σ in SD units; this is the conditioning of the problem, not of the method;
/// - Z must be a normal double (≥ 2.2e-308): `Distribution.validated()` rejects intervals
///   whose ends are both more than about 37.5 SD beyond the mean on the same side.
@usableFromInline
struct TruncatedStandardNormal {
  /// The lower bound α (may be −∞).
  @usableFromInline let alpha: Double
  /// The upper bound β (may be +∞).
  @usableFromInline let beta: Double
  /// β − α, from the caller's bounds before standardisation (may be +∞).
  @usableFromInline let width: Double
  /// Φ(α) if α ≤ 0, else Q(α) = Φ(−α): the probability beyond α in its own tail.
  @usableFromInline let tailAlpha: Double
  /// Φ(β) if β ≤ 0, else Q(β) = Φ(−β).
  @usableFromInline let tailBeta: Double
  /// Z = P(α ≤ N ≤ β) for N ~ N(0, 1).
  @usableFromInline let mass: Double
  /// Whether the interval is narrow (goal 2): w·max(1, |m|) ≤ ¼.
  @usableFromInline let isNarrow: Bool

  /// The interval of N(`mean`, `sd`²) from `lower` to `upper`, standardised:
  /// α = (lower − mean)/sd, β = (upper − mean)/sd, width (upper − lower)/sd.
  @inlinable
  init(mean: Double, sd: Double, lower: Double, upper: Double) {
    self.init(alpha: (lower - mean) / sd, beta: (upper - mean) / sd, width: (upper - lower) / sd)
  }

  /// The interval [α, β] of width w = β − α (α < β).
  @inlinable
  init(alpha: Double, beta: Double, width: Double) {
    self.alpha = alpha
    self.beta = beta
    self.width = width
    tailAlpha = TruncatedStandardNormal.tail(alpha)
    tailBeta = TruncatedStandardNormal.tail(beta)
    isNarrow = TruncatedStandardNormal.isNarrow(from: alpha, width: width)
    mass =
      isNarrow
      ? TruncatedStandardNormal.narrowIntegrals(from: alpha, width: width).mass
      : TruncatedStandardNormal.probability(
        from: alpha, to: beta, tailFrom: tailAlpha, tailTo: tailBeta)
  }

  /// Φ(t) for t ≤ 0, Q(t) = Φ(−t) for t > 0: the probability beyond t in its own tail.
  @inlinable
  static func tail(_ t: Double) -> Double {
    t > 0 ? StandardNormal.cdf(-t) : StandardNormal.cdf(t)
  }

  /// w·max(1, |m|) ≤ ¼ with m = a + w/2 (false for infinite widths or NaN).
  @inlinable
  static func isNarrow(from a: Double, width w: Double) -> Bool {
    w * Swift.max(1, abs(a + 0.5 * w)) <= 0.25
  }

  /// P(a ≤ N ≤ b) for a ≤ b from the tail probabilities of a and b (goal 1).
  @inlinable
  static func probability(from a: Double, to b: Double, tailFrom: Double, tailTo: Double)
    -> Double
  {
    if a > 0 { return tailFrom - tailTo }  // Q(a) − Q(b)
    if b <= 0 { return tailTo - tailFrom }  // Φ(b) − Φ(a)
    let inverseSqrt2 = 0.70710678118654752440
    return 0.5 * erf(b * inverseSqrt2) - 0.5 * erf(a * inverseSqrt2)
  }

  /// For the narrow interval [a, a + w]: its probability ∫φ, and the mean (as an offset from
  /// a) and variance of N(0, 1) restricted to it, by 5-point Gauss–Legendre quadrature of
  /// φ(m + t) = φ(m)·g(t), g(t) = e^(−mt − t²/2), over |t| ≤ h = w/2 (goal 2):
  ///
  /// ```
  /// S_k = Σᵢ cᵢ (h xᵢ)^k g(h xᵢ),   mass = φ(m)·h·S₀
  /// mean = a + h + S₁/S₀,   variance = S₂/S₀ − (S₁/S₀)²
  /// ```
  /// with nodes xᵢ = 0, ±⅓√(5 − 2√(10/7)), ±⅓√(5 + 2√(10/7)) and weights 128/225,
  /// (322 ± 13√70)/900. The variance has no cancellation: (S₁/S₀)² ≈ (mh²/3)² is at most
  /// 1/48 of S₂/S₀ ≈ h²/3 in the narrow regime.
  @usableFromInline
  static func narrowIntegrals(from a: Double, width w: Double)
    -> (mass: Double, meanOffset: Double, variance: Double)
  {
    let nodes = (0.0, 0.5384693101056831, 0.906179845938664)
    let weights = (0.5688888888888889, 0.47862867049936647, 0.23692688505618908)
    let h = 0.5 * w
    let m = a + h
    var s0 = 0.0
    var s1 = 0.0
    var s2 = 0.0
    func add(_ node: Double, _ weight: Double) {
      let t = h * node
      let g = weight * exp(-m * t - 0.5 * t * t)
      s0 += g
      s1 += t * g
      s2 += t * t * g
    }
    add(nodes.0, weights.0)
    add(nodes.1, weights.1)
    add(-nodes.1, weights.1)
    add(nodes.2, weights.2)
    add(-nodes.2, weights.2)
    let shift = s1 / s0
    return (density(m) * h * s0, h + shift, Swift.max(s2 / s0 - shift * shift, 0))
  }

  /// The standardised quantile of a wide interval: the ξ in [α, β] with
  /// P(α ≤ N ≤ ξ) = p·Z.
  ///
  /// For an interval above the mean, Q(ξ) = Q(α) − p·Z for p ≤ ½ and Q(β) + (1 − p)·Z for
  /// p > ½ (no cancellation: the first is at least Q(α)/2), then ξ = −Φ⁻¹(Q(ξ)); below the
  /// mean the mirror image with Φ; around the mean, Φ(ξ) = Φ(α) + p·Z while that is at most
  /// ½, else Q(ξ) = Q(β) + (1 − p)·Z. The result is clamped to [α, β] (rounding can step
  /// just outside). NaN for p outside [0, 1]. Narrow intervals use
  /// ``narrowQuantileOffset(_:)`` instead.
  @inlinable
  func quantile(_ p: Double) -> Double {
    guard p >= 0, p <= 1 else { return .nan }
    let xi: Double
    if alpha > 0 {
      let upperTail = p <= 0.5 ? tailAlpha - p * mass : tailBeta + (1 - p) * mass
      xi = -StandardNormal.quantile(upperTail)
    } else if beta <= 0 {
      let lowerTail = p <= 0.5 ? tailAlpha + p * mass : tailBeta - (1 - p) * mass
      xi = StandardNormal.quantile(lowerTail)
    } else {
      let lowerTail = tailAlpha + p * mass
      if lowerTail <= 0.5 {
        xi = Swift.min(0, StandardNormal.quantile(lowerTail))
      } else {
        xi = Swift.max(0, -StandardNormal.quantile(tailBeta + (1 - p) * mass))
      }
    }
    return Swift.min(Swift.max(xi, alpha), beta)
  }

  /// The quantile of a narrow interval as an offset s ∈ [0, w] from α: the root of
  /// P(α, α + s) = p·Z (see ``solveNarrowWidth(target:start:limit:massAndDensity:)``).
  @usableFromInline
  func narrowQuantileOffset(_ p: Double) -> Double {
    guard p >= 0, p <= 1 else { return .nan }
    let a = alpha
    return TruncatedStandardNormal.solveNarrowWidth(
      target: p * mass, start: p * width, limit: width
    ) { s in
      (
        TruncatedStandardNormal.narrowIntegrals(from: a, width: s).mass,
        TruncatedStandardNormal.density(a + s)
      )
    }
  }

  /// For a wide interval, the quantile ξ (from ``quantile(_:)``) as an offset from α when
  /// [α, ξ] is narrow, refined on the narrow-interval quadrature; nil otherwise.
  ///
  /// Near a finite bound, μ + σξ cancels (a draw 10⁻¹⁰ SD above a bound at 2.5 SD below the
  /// mean keeps only 6 digits of its distance to the bound), while lower + σ·(ξ − α) with
  /// ξ − α from this root keeps them all; the CDF uses the same quadrature there, so
  /// quantile and CDF stay consistent. Applies to a fraction of about φ(α)·0.25/(max(1, |α|)·Z)
  /// of the draws (0.2 % for α = −2.5).
  @usableFromInline
  func offsetAboveLower(_ p: Double, xi: Double) -> Double? {
    let start = xi - alpha
    guard alpha.isFinite, TruncatedStandardNormal.isNarrow(from: alpha, width: start) else {
      return nil
    }
    let a = alpha
    return TruncatedStandardNormal.solveNarrowWidth(
      target: p * mass, start: start, limit: width
    ) { s in
      (
        TruncatedStandardNormal.narrowIntegrals(from: a, width: s).mass,
        TruncatedStandardNormal.density(a + s)
      )
    }
  }

  /// The mirror image of ``offsetAboveLower(_:xi:)``: β − ξ when [ξ, β] is narrow, as the
  /// root of P(β − s, β) = (1 − p)·Z; nil otherwise.
  @usableFromInline
  func offsetBelowUpper(_ p: Double, xi: Double) -> Double? {
    let start = beta - xi
    guard beta.isFinite, TruncatedStandardNormal.isNarrow(from: xi, width: start) else {
      return nil
    }
    let b = beta
    return TruncatedStandardNormal.solveNarrowWidth(
      target: (1 - p) * mass, start: start, limit: width
    ) { s in
      (
        TruncatedStandardNormal.narrowIntegrals(from: b - s, width: s).mass,
        TruncatedStandardNormal.density(b - s)
      )
    }
  }

  /// The width s ∈ [0, `limit`] of a narrow interval with one end fixed whose probability is
  /// `target`, by Newton's method from `start`: `massAndDensity(s)` gives the probability of
  /// the interval of width s and the density at its moving end. The density varies by at
  /// most about 30 % across a narrow interval, so each step gains more than a digit; it stops
  /// when a step is below 2^-52·s, after at most 20 steps.
  @usableFromInline
  static func solveNarrowWidth(
    target: Double, start: Double, limit: Double,
    massAndDensity: (Double) -> (mass: Double, density: Double)
  ) -> Double {
    var s = Swift.min(Swift.max(start, 0), limit)
    for _ in 0..<20 {
      let (mass, density) = massAndDensity(s)
      let next = Swift.min(Swift.max(s - (mass - target) / density, 0), limit)
      if abs(next - s) <= 0x1p-52 * Swift.max(next, s) {
        return next
      }
      s = next
    }
    return s
  }

  /// P(α ≤ N ≤ ξ)/Z for N ~ N(0, 1), with `offset` = ξ − α from the caller's unstandardised
  /// values: by the narrow-interval quadrature when [α, ξ] is narrow, else from the same tail
  /// probabilities as the quantile; 0 below α, 1 above β.
  @usableFromInline
  func cdf(_ xi: Double, offset: Double) -> Double {
    if xi.isNaN || offset.isNaN { return .nan }
    if offset <= 0 || xi <= alpha { return 0 }
    if xi >= beta { return 1 }
    let below =
      TruncatedStandardNormal.isNarrow(from: alpha, width: offset)
      ? TruncatedStandardNormal.narrowIntegrals(from: alpha, width: offset).mass
      : TruncatedStandardNormal.probability(
        from: alpha, to: xi, tailFrom: tailAlpha, tailTo: TruncatedStandardNormal.tail(xi))
    return Swift.min(Swift.max(below / mass, 0), 1)
  }

  /// φ(t) = exp(−t²/2)/√(2π), 0 at ±∞.
  @usableFromInline
  static func density(_ t: Double) -> Double {
    t.isFinite ? exp(-0.5 * t * t) * 0.39894228040143267794 : 0
  }

  /// The mean of the truncated standard normal, (φ(α) − φ(β))/Z, clamped to [α, β]
  /// (narrow intervals: α + the quadrature's offset).
  @usableFromInline
  var mean: Double {
    if isNarrow {
      return alpha + TruncatedStandardNormal.narrowIntegrals(from: alpha, width: width).meanOffset
    }
    let m = (TruncatedStandardNormal.density(alpha) - TruncatedStandardNormal.density(beta)) / mass
    return Swift.min(Swift.max(m, alpha), beta)
  }

  /// The variance of the truncated standard normal,
  /// 1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)², clamped to [0, 1] (truncation of a normal
  /// never increases its variance) and to [0, ((β − α)/2)²] (no distribution on [α, β] has
  /// more); narrow intervals by quadrature.
  @usableFromInline
  var variance: Double {
    if isNarrow {
      return TruncatedStandardNormal.narrowIntegrals(from: alpha, width: width).variance
    }
    let phiAlpha = TruncatedStandardNormal.density(alpha)
    let phiBeta = TruncatedStandardNormal.density(beta)
    let alphaPhi = alpha.isFinite ? alpha * phiAlpha : 0
    let betaPhi = beta.isFinite ? beta * phiBeta : 0
    let m = (phiAlpha - phiBeta) / mass
    let v = 1 + (alphaPhi - betaPhi) / mass - m * m
    let halfWidth = 0.5 * width
    return Swift.min(Swift.max(v, 0), 1, halfWidth * halfWidth)
  }
}

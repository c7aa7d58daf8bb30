#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// MARK: - Sampling
//
// Implementation goals, in order of priority:
// 1. Exact in distribution: published algorithms only, each cited at its function.
// 2. Deterministic: a draw is a pure function of the generator state, and the order in which
//    uniforms are consumed is fixed (documented per sampler), so streams replay bit for bit.
// 3. Total: on any parameters the samplers return (NaN for invalid ones) and never loop
//    forever; `validated()` is where invalid input is reported.
// 4. Fast and inlinable: uniforms come from `nextDouble()` / `nextOpenDouble()` (never
//    `Double.random(in:using:)`, 4–7× slower, see swift-notes.md §3); no allocation.

extension Distribution {
  /// One draw from the distribution, using and advancing `generator`.
  ///
  /// | case | method | uniforms consumed |
  /// |---|---|---|
  /// | `fixed` | the value | 0 |
  /// | `uniform` | min + (max − min)·U, U = `nextDouble()` | 1 |
  /// | `normal` | μ + σ·Φ⁻¹(U), U = `nextOpenDouble()`, Φ⁻¹ by AS 241 | 1 |
  /// | `lognormal` | exp(μ + σ·Φ⁻¹(U)) | 1 |
  /// | `gamma` | θ·G(k), G by Marsaglia and Tsang (2000) | ≥ 2 (random) |
  /// | `beta` | X/(X + Y), X ~ G(α), Y ~ G(β) | ≥ 4 (random) |
  /// | `poisson` | inversion for λ < 30, PTRS (Hörmann 1993) for λ ≥ 30 | 1 / ≥ 2 (random) |
  ///
  /// The result is deterministic given the generator state. The distribution should be
  /// valid (``validated()``); invalid parameters give NaN (gamma, beta, Poisson) or the
  /// value of the formula (the others), never a trap or an endless loop.
  @inlinable
  public func sample(using generator: inout Xoshiro256PlusPlus) -> Double {
    switch self {
    case .fixed(let value):
      return value
    case .beta(let alpha, let beta):
      return Distribution.sampleBeta(alpha: alpha, beta: beta, using: &generator)
    case .gamma(let shape, let scale):
      return scale * Distribution.sampleStandardGamma(shape: shape, using: &generator)
    case .lognormal(let meanlog, let sdlog):
      return exp(meanlog + sdlog * StandardNormal.quantile(generator.nextOpenDouble()))
    case .normal(let mean, let sd):
      return mean + sd * StandardNormal.quantile(generator.nextOpenDouble())
    case .uniform(let min, let max):
      return min + (max - min) * generator.nextDouble()
    case .poisson(let mean):
      return Distribution.samplePoisson(mean: mean, using: &generator)
    }
  }

  // MARK: - Gamma

  /// A Gamma(`shape`, 1) draw.
  ///
  /// For shape ≥ 1, ``marsagliaTsang(shape:using:)``. For 0 < shape < 1 the boost of
  /// Marsaglia and Tsang (2000), same paper: G(a) = G(a + 1)·U^(1/a), first G(a + 1), then
  /// one open uniform U. (The result may underflow to 0 for very small shapes, as the exact variate
  /// would.) NaN for shape ≤ 0 or NaN.
  @inlinable
  static func sampleStandardGamma(shape: Double, using generator: inout Xoshiro256PlusPlus)
    -> Double
  {
    if shape >= 1 {
      return marsagliaTsang(shape: shape, using: &generator)
    }
    guard shape > 0 else { return .nan }
    let boosted = marsagliaTsang(shape: shape + 1, using: &generator)
    return boosted * pow(generator.nextOpenDouble(), 1 / shape)
  }

  /// The natural log of a Gamma(`shape`, 1) draw, for shapes below 1 without underflow.
  ///
  /// The same draws in the same order as ``sampleStandardGamma(shape:using:)``: for
  /// 0 < shape < 1, ln G(a + 1) + ln(U)/a, which stays finite where G(a + 1)·U^(1/a) would
  /// underflow to 0. NaN for shape ≤ 0 or NaN.
  @inlinable
  static func sampleLogStandardGamma(shape: Double, using generator: inout Xoshiro256PlusPlus)
    -> Double
  {
    if shape >= 1 {
      return log(marsagliaTsang(shape: shape, using: &generator))
    }
    guard shape > 0 else { return .nan }
    let boosted = marsagliaTsang(shape: shape + 1, using: &generator)
    return log(boosted) + log(generator.nextOpenDouble()) / shape
  }

  /// A Gamma(`shape`, 1) draw for shape ≥ 1 by Marsaglia and Tsang (2000), "A simple method
  /// for generating gamma variables", ACM TOMS 26(3):363–372, doi:10.1145/358407.358414.
  ///
  /// d = shape − 1/3, c = 1/√(9d); repeat: x ~ N(0, 1) (Φ⁻¹ of an open uniform, AS 241),
  /// v = (1 + cx)³, reject if 1 + cx ≤ 0; U open uniform; accept d·v if
  /// U < 1 − 0.0331·x⁴ (squeeze) or ln U < x²/2 + d(1 − v + ln v). Acceptance ≥ 95 % for
  /// every shape ≥ 1, so about two uniforms per draw.
  @inlinable
  static func marsagliaTsang(shape: Double, using generator: inout Xoshiro256PlusPlus) -> Double {
    let d = shape - 1.0 / 3.0
    let c = 1 / (9 * d).squareRoot()
    while true {
      let x = StandardNormal.quantile(generator.nextOpenDouble())
      let root = 1 + c * x
      if root <= 0 {
        continue
      }
      let v = root * root * root
      let u = generator.nextOpenDouble()
      let x2 = x * x
      if u < 1 - 0.0331 * x2 * x2 {
        return d * v
      }
      if log(u) < 0.5 * x2 + d * (1 - v + log(v)) {
        return d * v
      }
    }
  }

  // MARK: - Beta

  /// A Beta(`alpha`, `beta`) draw as X/(X + Y), X ~ Gamma(α, 1) then Y ~ Gamma(β, 1)
  /// (Devroye 1986, *Non-Uniform Random Variate Generation*, ch. IX.4).
  ///
  /// When both shapes are ≥ 1, X and Y are Marsaglia–Tsang outputs d·v with d ≥ 2/3 and
  /// v = (1 + cx)³ > 0 (a v small enough to underflow fails the acceptance test, whose right
  /// side is then far below ln U ≥ −37), so X + Y > 0. When a shape is below 1, the boosted
  /// gamma can underflow to 0 and X + Y can be 0, so the ratio is formed in log space instead:
  /// 1/(1 + exp(ln Y − ln X)). If even the logs are both −∞ (shapes near the smallest
  /// doubles), the draw falls back to the limit of the beta as both shapes go to 0, a
  /// Bernoulli(α/(α + β)) from one more uniform. NaN for a shape ≤ 0 or NaN.
  @inlinable
  static func sampleBeta(alpha: Double, beta: Double, using generator: inout Xoshiro256PlusPlus)
    -> Double
  {
    guard alpha > 0, beta > 0 else { return .nan }
    if alpha >= 1 && beta >= 1 {
      let x = marsagliaTsang(shape: alpha, using: &generator)
      let y = marsagliaTsang(shape: beta, using: &generator)
      return x / (x + y)
    }
    let logX = sampleLogStandardGamma(shape: alpha, using: &generator)
    let logY = sampleLogStandardGamma(shape: beta, using: &generator)
    let difference = logY - logX
    if difference.isNaN {
      return generator.nextDouble() < alpha / (alpha + beta) ? 1 : 0
    }
    return 1 / (1 + exp(difference))
  }

  // MARK: - Poisson

  /// A Poisson(`mean`) draw: ``Poisson/inverse(uniform:mean:expMinusMean:)`` of one
  /// `nextDouble()` for λ < 30, ``Poisson/transformedRejection(mean:using:)`` (PTRS) for
  /// λ ≥ 30. The switch point follows Hörmann (1993), where PTRS beats inversion from
  /// λ ≈ 10–30 on. NaN for a negative, infinite or NaN mean.
  @inlinable
  static func samplePoisson(mean: Double, using generator: inout Xoshiro256PlusPlus) -> Double {
    if mean < 30 {
      guard mean >= 0 else { return .nan }
      let count = Poisson.inverse(
        uniform: generator.nextDouble(), mean: mean, expMinusMean: exp(-mean))
      return Double(count)
    }
    guard mean.isFinite else { return .nan }
    return Poisson.transformedRejection(mean: mean, using: &generator)
  }
}

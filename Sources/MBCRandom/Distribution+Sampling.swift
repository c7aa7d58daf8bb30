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
  /// | `truncatedNormal` | inversion, ``quantile(_:)`` of U = `nextOpenDouble()` | 1 |
  /// | `triangular` | inversion, ``quantile(_:)`` of U = `nextOpenDouble()` | 1 |
  /// | `pert` | min + (max − min)·B, B drawn like `beta` | ≥ 4 (random) |
  /// | `empirical` | values[⌊w·n/2⁶⁴⌋], w = `next()` | 1 |
  /// | `bootstrapMean` | (Σ of n such values)/n | n |
  ///
  /// The result is deterministic given the generator state. The distribution should be
  /// valid (``validated()``); invalid parameters give NaN (gamma, beta, Poisson, PERT,
  /// truncated normal, an empty list) or the value of the formula (the others), never a trap
  /// or an endless loop.
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
    case .truncatedNormal(let mean, let sd, let lower, let upper):
      return Distribution.truncatedNormalQuantile(
        generator.nextOpenDouble(), mean: mean, sd: sd, lower: lower, upper: upper)
    case .triangular(let min, let mode, let max):
      return Distribution.triangularQuantile(
        generator.nextOpenDouble(), min: min, mode: mode, max: max)
    case .pert(let min, let mode, let max, let shape):
      let (alpha, beta) = Distribution.pertShapes(min: min, mode: mode, max: max, shape: shape)
      let b = Distribution.sampleBeta(alpha: alpha, beta: beta, using: &generator)
      return Swift.min(Swift.max(min + (max - min) * b, min), max)
    case .empirical(let values):
      guard !values.isEmpty else { return .nan }
      return values[Distribution.uniformIndex(generator.next(), count: values.count)]
    case .bootstrapMean(let values):
      guard !values.isEmpty else { return .nan }
      var sum = 0.0
      for _ in 0..<values.count {
        sum += values[Distribution.uniformIndex(generator.next(), count: values.count)]
      }
      return sum / Double(values.count)
    }
  }

  // MARK: - Inversion samplers

  /// The truncated normal quantile: mean + sd·ξ with ξ the standardised quantile of
  /// ``TruncatedStandardNormal/quantile(_:)``; for a narrow interval, or a quantile close to
  /// a finite bound, lower + sd·s or upper − sd·s with s the offset from that bound
  /// (``TruncatedStandardNormal/narrowQuantileOffset(_:)`` and its neighbours); clamped to
  /// [lower, upper].
  /// p = 0 and p = 1 give `lower` and `upper` exactly. NaN for sd ≤ 0 or an interval of
  /// probability 0.
  @inlinable
  static func truncatedNormalQuantile(
    _ p: Double, mean: Double, sd: Double, lower: Double, upper: Double
  ) -> Double {
    guard sd > 0 else { return .nan }
    if p == 0 { return lower }
    if p == 1 { return upper }
    let standard = TruncatedStandardNormal(mean: mean, sd: sd, lower: lower, upper: upper)
    guard standard.mass > 0 else { return .nan }
    let x: Double
    if standard.isNarrow {
      x = lower + sd * standard.narrowQuantileOffset(p)
    } else {
      let xi = standard.quantile(p)
      if let offset = standard.offsetAboveLower(p, xi: xi) {
        x = lower + sd * offset
      } else if let offset = standard.offsetBelowUpper(p, xi: xi) {
        x = upper - sd * offset
      } else {
        x = mean + sd * xi
      }
    }
    return Swift.min(Swift.max(x, lower), upper)
  }

  /// The triangular quantile: with w = max − min and F(mode) = (mode − min)/w,
  /// min + w·√(p·F(mode)) for p < F(mode), else max − w·√((1 − p)(max − mode)/w); clamped to
  /// [min, max]. (The products under the roots are ratios, so a wide range cannot overflow.)
  @inlinable
  static func triangularQuantile(_ p: Double, min: Double, mode: Double, max: Double) -> Double {
    let width = max - min
    let peak = (mode - min) / width
    let x: Double
    if p < peak {
      x = min + width * (p * peak).squareRoot()
    } else {
      x = max - width * ((1 - p) * ((max - mode) / width)).squareRoot()
    }
    return Swift.min(Swift.max(x, min), max)
  }

  /// ⌊w·n/2⁶⁴⌋ for a 64-bit `word` w: a position in 0..<n, each with probability within
  /// n·2⁻⁶⁴ (relative) of 1/n (Lemire 2019, without the rejection step).
  @inlinable @inline(__always)
  static func uniformIndex(_ word: UInt64, count n: Int) -> Int {
    Int(truncatingIfNeeded: word.multipliedFullWidth(by: UInt64(n)).high)
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

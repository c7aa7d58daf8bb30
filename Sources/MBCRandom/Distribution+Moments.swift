#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

extension Distribution {
  /// The exact mean of the distribution, from its parameters.
  ///
  /// | case | mean |
  /// |---|---|
  /// | `fixed(v)` | v |
  /// | `beta(α, β)` | α / (α + β) |
  /// | `gamma(k, θ)` | kθ |
  /// | `lognormal(μ, σ)` | exp(μ + σ²/2) |
  /// | `normal(μ, σ)` | μ |
  /// | `uniform(a, b)` | (a + b)/2 |
  /// | `poisson(λ)` | λ |
  /// | `truncatedNormal(μ, σ, l, u)` | μ + σ (φ(α) − φ(β))/Z, clamped to [l, u] (see the case) |
  /// | `triangular(a, c, b)` | (a + b + c)/3, as a + ((b − a) + (c − a))/3 |
  /// | `pert(a, c, b, λ)` | (a + λc + b)/(λ + 2), as a + ((b − a) + λ(c − a))/(λ + 2) |
  /// | `empirical(x)`, `bootstrapMean(x)` | x̄ = Σ xᵢ/n |
  public var mean: Double {
    switch self {
    case .fixed(let value): value
    case .beta(let alpha, let beta): alpha / (alpha + beta)
    case .gamma(let shape, let scale): shape * scale
    case .lognormal(let meanlog, let sdlog): exp(meanlog + 0.5 * sdlog * sdlog)
    case .normal(let mean, _): mean
    case .uniform(let min, let max): 0.5 * min + 0.5 * max  // no overflow for wide bounds
    case .poisson(let mean): mean
    case .truncatedNormal(let mean, let sd, let lower, let upper):
      Distribution.truncatedNormalMean(mean: mean, sd: sd, lower: lower, upper: upper)
    case .triangular(let min, let mode, let max): min + ((max - min) + (mode - min)) / 3
    case .pert(let min, let mode, let max, let shape):
      min + ((max - min) + shape * (mode - min)) / (shape + 2)
    case .empirical(let values), .bootstrapMean(let values): Distribution.listMoments(values).mean
    }
  }

  /// The exact variance of the distribution, from its parameters.
  ///
  /// | case | variance |
  /// |---|---|
  /// | `fixed(v)` | 0 |
  /// | `beta(α, β)` | αβ / ((α + β)² (α + β + 1)) |
  /// | `gamma(k, θ)` | kθ² |
  /// | `lognormal(μ, σ)` | (exp(σ²) − 1)·exp(2μ + σ²), with `expm1` for small σ |
  /// | `normal(μ, σ)` | σ² |
  /// | `uniform(a, b)` | (b − a)²/12 |
  /// | `poisson(λ)` | λ |
  /// | `truncatedNormal(μ, σ, l, u)` | σ² [1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²] (see the case) |
  /// | `triangular(a, c, b)` | (a² + b² + c² − ab − ac − bc)/18, as (w² − wv + v²)/18 with w = b − a, v = c − a |
  /// | `pert(a, c, b, λ)` | (b − a)² αβ/((α + β)²(α + β + 1)) |
  /// | `empirical(x)` | Σ (xᵢ − x̄)²/n |
  /// | `bootstrapMean(x)` | Σ (xᵢ − x̄)²/n², the variance of the mean of n draws |
  public var variance: Double {
    switch self {
    case .fixed:
      return 0
    case .beta(let alpha, let beta):
      // (α/s)(β/s)/(s + 1) with s = α + β: the same value without overflowing s² for huge
      // shapes.
      let sum = alpha + beta
      return (alpha / sum) * (beta / sum) / (sum + 1)
    case .gamma(let shape, let scale):
      return shape * scale * scale
    case .lognormal(let meanlog, let sdlog):
      return expm1(sdlog * sdlog) * exp(2 * meanlog + sdlog * sdlog)
    case .normal(_, let sd):
      return sd * sd
    case .uniform(let min, let max):
      return (max - min) * (max - min) / 12
    case .poisson(let mean):
      return mean
    case .truncatedNormal(let mean, let sd, let lower, let upper):
      return sd * sd
        * TruncatedStandardNormal(mean: mean, sd: sd, lower: lower, upper: upper).variance
    case .triangular(let min, let mode, let max):
      // Translation-invariant form: no digits lost to large offsets.
      let width = max - min
      let rise = mode - min
      return (width * width - width * rise + rise * rise) / 18
    case .pert(let min, let mode, let max, let shape):
      let (alpha, beta) = Distribution.pertShapes(min: min, mode: mode, max: max, shape: shape)
      let sum = alpha + beta
      let scaled = (max - min) / sum
      return scaled * scaled * alpha * beta / (sum + 1)
    case .empirical(let values):
      return Distribution.listMoments(values).variance
    case .bootstrapMean(let values):
      return Distribution.listMoments(values).variance / Double(values.count)
    }
  }

  /// μ + σ·(mean of the standardised truncation), for a narrow interval as
  /// lower + σ·(its offset from α), clamped to [lower, upper].
  static func truncatedNormalMean(mean: Double, sd: Double, lower: Double, upper: Double)
    -> Double
  {
    let standard = TruncatedStandardNormal(mean: mean, sd: sd, lower: lower, upper: upper)
    let value =
      standard.isNarrow
      ? lower + sd
        * TruncatedStandardNormal.narrowIntegrals(from: standard.alpha, width: standard.width)
        .meanOffset
      : mean + sd * standard.mean
    return Swift.min(Swift.max(value, lower), upper)
  }

  /// The mean Σ xᵢ/n and the population variance Σ (xᵢ − x̄)²/n of `values` (two passes,
  /// so the variance does not lose digits to a large mean); NaN for an empty list.
  static func listMoments(_ values: [Double]) -> (mean: Double, variance: Double) {
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    var sumOfSquares = 0.0
    for value in values {
      let deviation = value - mean
      sumOfSquares += deviation * deviation
    }
    return (mean, sumOfSquares / n)
  }

  /// The beta shapes of `pert(min:mode:max:shape:)`:
  /// α = 1 + λ(mode − min)/(max − min), β = 1 + λ(max − mode)/(max − min).
  @inlinable
  static func pertShapes(min: Double, mode: Double, max: Double, shape: Double)
    -> (alpha: Double, beta: Double)
  {
    let width = max - min
    return (1 + shape * (mode - min) / width, 1 + shape * (max - mode) / width)
  }
}

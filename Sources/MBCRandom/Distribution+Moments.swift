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
  public var mean: Double {
    switch self {
    case .fixed(let value): value
    case .beta(let alpha, let beta): alpha / (alpha + beta)
    case .gamma(let shape, let scale): shape * scale
    case .lognormal(let meanlog, let sdlog): exp(meanlog + 0.5 * sdlog * sdlog)
    case .normal(let mean, _): mean
    case .uniform(let min, let max): 0.5 * min + 0.5 * max  // no overflow for wide bounds
    case .poisson(let mean): mean
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
    }
  }
}

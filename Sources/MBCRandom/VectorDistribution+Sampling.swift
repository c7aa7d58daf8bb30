#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// MARK: - Sampling
//
// The same goals as for `Distribution` (Distribution+Sampling.swift): published methods,
// draws that are a pure function of the generator state with a documented order of
// consumption, NaN rather than a trap or an endless loop on invalid parameters, and no
// allocation: the draw is written into the caller's buffer.

extension VectorDistribution {
  /// Writes one draw into `out` (count == dimension). @inlinable, no allocation.
  ///
  /// | case | method | uniforms consumed |
  /// |---|---|---|
  /// | `dirichlet(α)` | Gᵢ ~ Gamma(αᵢ, 1) in component order, then Gᵢ/Σ Gⱼ | ≥ 2 per component (random) |
  /// | `multivariateNormal(μ, L)` | Zᵢ = Φ⁻¹(Uᵢ) in component order, then μ + L Z | n |
  ///
  /// Dirichlet: when every αᵢ ≥ 1 the gammas are Marsaglia–Tsang outputs, which are > 0, so
  /// the sum is positive. When some αᵢ < 1 a gamma can underflow to 0 (and all of them can,
  /// for tiny α), so the gammas are drawn as logarithms (the same uniforms in the same order,
  /// `sampleLogStandardGamma`) and normalised as exp(ln Gᵢ − max ln G) / Σ exp(ln Gⱼ − max ln G),
  /// whose denominator is at least 1; for tiny α this gives (numerically) unit vectors, as
  /// the distribution does. If every log is −∞ (concentrations below about 1e-308, where
  /// ln U/α overflows), the draw is the limit of the Dirichlet as all αᵢ → 0 with fixed ratios: the
  /// unit vector of component i with probability αᵢ/α₀, chosen with one more uniform.
  ///
  /// Multivariate normal: Z is written into `out` first and then replaced by μ + L Z, each
  /// component summed as ((μᵢ + Lᵢ₀Z₀) + Lᵢ₁Z₁) + …, from the last row up (row i reads
  /// Z₀…Zᵢ, which the rows below it have not overwritten), so no scratch space is needed;
  /// only the lower triangle of L is read.
  ///
  /// - Precondition: `out.count == dimension` (checked; a wrong size traps rather than
  ///   writing out of bounds).
  @inlinable
  public func sample(
    using generator: inout Xoshiro256PlusPlus, into out: UnsafeMutableBufferPointer<Double>
  ) {
    precondition(out.count == dimension, "the output buffer must hold one value per component")
    switch self {
    case .dirichlet(let alpha):
      VectorDistribution.sampleDirichlet(alpha: alpha, using: &generator, into: out)
    case .multivariateNormal(let mean, let lower):
      let n = mean.count
      guard lower.count == n * n else {
        for i in 0..<n { out[i] = .nan }
        return
      }
      for i in 0..<n {
        out[i] = StandardNormal.quantile(generator.nextOpenDouble())
      }
      var i = n - 1
      while i >= 0 {
        var sum = mean[i]
        let row = i * n
        for j in 0...i {
          sum += lower[row + j] * out[j]
        }
        out[i] = sum
        i -= 1
      }
    }
  }

  /// The Dirichlet draw of ``sample(using:into:)``.
  @inlinable
  static func sampleDirichlet(
    alpha: [Double], using generator: inout Xoshiro256PlusPlus,
    into out: UnsafeMutableBufferPointer<Double>
  ) {
    let k = alpha.count
    guard k > 0 else { return }
    var allAtLeastOne = true
    for a in alpha where !(a >= 1) { allAtLeastOne = false }
    if allAtLeastOne {
      var total = 0.0
      for i in 0..<k {
        let g = Distribution.marsagliaTsang(shape: alpha[i], using: &generator)
        out[i] = g
        total += g
      }
      for i in 0..<k { out[i] /= total }
      return
    }
    var largest = -Double.infinity
    for i in 0..<k {
      let logG = Distribution.sampleLogStandardGamma(shape: alpha[i], using: &generator)
      out[i] = logG
      if logG > largest { largest = logG }
    }
    if largest.isNaN || !(largest > -.infinity) {
      // Invalid α (NaN logs) gives NaN; all logs −∞: the all-α → 0 limit.
      var total = 0.0
      for a in alpha { total += a }
      guard total > 0, !out.contains(where: { $0.isNaN }) else {
        for i in 0..<k { out[i] = .nan }
        return
      }
      let u = generator.nextDouble() * total
      var cumulative = 0.0
      var chosen = k - 1
      for i in 0..<k {
        cumulative += alpha[i]
        if u < cumulative {
          chosen = i
          break
        }
      }
      for i in 0..<k { out[i] = i == chosen ? 1 : 0 }
      return
    }
    var total = 0.0
    for i in 0..<k {
      let scaled = exp(out[i] - largest)
      out[i] = scaled
      total += scaled
    }
    for i in 0..<k { out[i] /= total }
  }
}

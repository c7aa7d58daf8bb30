#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Poisson counts: inversion for small means (also used directly by the engine for per-cycle
/// event counts) and Hörmann's PTRS for large ones.
public enum Poisson {
  /// The Poisson count for one uniform `u` by inversion: the smallest k with u < F(k).
  ///
  /// Inversion by sequential search of the CDF (Devroye 1986, *Non-Uniform Random Variate
  /// Generation*, ch. III.2 and X.3): p₀ = e^(−λ), p_k = p_(k−1)·λ/k,
  /// F(k) = F(k − 1) + p_k, stopping at the first k with u < F(k). It takes k + 1 steps, so
  /// its expected cost grows like λ; it is meant for λ < 30 (``Distribution/sample(using:)``
  /// switches to PTRS above that).
  ///
  /// Termination. In floating point the running sum F may stop growing below u (when u is
  /// within rounding of 1, or the terms have become smaller than half an ulp of F). Once the
  /// terms are decreasing (k > λ) and adding one no longer changes F, the search stops and
  /// returns that k: the exact answer lies in a tail whose probability is below the rounding
  /// error of F, about k·2^-53. The same stop applies when p₀ underflowed to 0 (λ > 745).
  /// So the loop ends for every u, including u ≥ 1, and every λ in [0, 700], after at most
  /// about λ + 8√λ + 10 steps (where the terms drop below half an ulp of F: 919 steps for
  /// λ = 700); with a negative or NaN λ it returns after at most one step.
  ///
  /// Allocation-free, no stored state; `@inlinable` for the engine's inner loop.
  ///
  /// - Parameters:
  ///   - u: a uniform number in [0, 1), e.g. ``Xoshiro256PlusPlus/nextDouble()``.
  ///   - mean: λ in [0, 700] (e^(−700) ≈ 1e-304 is still a normal double).
  ///   - expMinusMean: e^(−λ), computed once by the caller.
  /// - Returns: the count, ≥ 0. u = 0 always gives 0; λ = 0 (with e^(−λ) = 1) always 0.
  @inlinable
  public static func inverse(uniform u: Double, mean: Double, expMinusMean: Double) -> Int {
    var k = 0
    var count = 0.0  // k as a Double
    var probability = expMinusMean  // p_k
    var cumulative = probability  // F(k)
    while u >= cumulative {
      k &+= 1
      count += 1
      probability *= mean / count
      let next = cumulative + probability
      if next == cumulative && (probability == 0 || !(count <= mean)) {
        break  // F has stalled in the upper tail (or p₀ underflowed): see above.
      }
      cumulative = next
    }
    return k
  }

  /// A Poisson count for a mean λ ≥ 30 by PTRS, the transformed rejection method with
  /// squeeze of Hörmann (1993), "The transformed rejection method for generating Poisson
  /// random variables", Insurance: Mathematics and Economics 12(1):39–45,
  /// doi:10.1016/0167-6687(93)90997-4 (algorithm PTRS, valid for λ ≥ 10).
  ///
  /// With b = 0.931 + 2.53√λ, a = −0.059 + 0.02483·b, 1/α = 1.1239 + 1.1328/(b − 3.4) and
  /// v_r = 0.9277 − 3.6224/(b − 2), repeat: U uniform on (−½, ½), V uniform on (0, 1),
  /// u_s = ½ − |U|, k = ⌊(2a/u_s + b)·U + λ + 0.43⌋;
  /// 1. accept k if u_s ≥ 0.07 and V ≤ v_r (the squeeze, about 86 % of draws);
  /// 2. reject if k < 0 or (u_s < 0.013 and V > u_s);
  /// 3. accept if ln(V·(1/α)/(a/u_s² + b)) ≤ ln P(X = k).
  ///
  /// Both uniforms are open (``Xoshiro256PlusPlus/nextOpenDouble()``), so u_s ≥ 2^-53 > 0 and
  /// ln V is finite. ln P(X = k) is computed without cancellation for large λ (see
  /// ``logProbability(_:mean:logMean:)``). Expected uniforms per draw: about 2.2. Same
  /// constants and steps as NumPy's `random_poisson_ptrs`, but the uniforms differ.
  ///
  /// `package` (not public API) so that the package's tests can check it directly.
  ///
  /// - Parameter mean: λ ≥ 30 and finite (whole numbers are exact up to 2^53).
  /// - Returns: the count as a whole `Double`.
  @inlinable
  package static func transformedRejection(mean: Double, using generator: inout Xoshiro256PlusPlus)
    -> Double
  {
    let logMean = log(mean)
    let b = 0.931 + 2.53 * mean.squareRoot()
    let a = -0.059 + 0.02483 * b
    let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
    let vR = 0.9277 - 3.6224 / (b - 2)
    while true {
      let u = generator.nextOpenDouble() - 0.5
      let v = generator.nextOpenDouble()
      let us = 0.5 - abs(u)
      let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
      if us >= 0.07 && v <= vR {
        return k
      }
      if k < 0 || (us < 0.013 && v > us) {
        continue
      }
      if log(v * inverseAlpha / (a / (us * us) + b))
        <= logProbability(k, mean: mean, logMean: logMean)
      {
        return k
      }
    }
  }

  /// ln P(X = k) = k ln λ − λ − ln k! for a whole k ≥ 0.
  ///
  /// For k < 16, ln k! is the log of the exact product (15! < 2^53). For k ≥ 16 Stirling's
  /// series ln k! = k ln k − k + ½ ln(2πk) + 1/(12k) − 1/(360k³) + 1/(1260k⁵) − 1/(1680k⁷)
  /// (truncation error below 1/(1188k⁹) < 2e-14) is substituted and the terms regrouped as
  /// (k − λ) − k·log1p((k − λ)/λ) − ½ ln(2πk) − series, so that the two O(√λ)-sized terms
  /// cancel exactly instead of losing digits to k ln λ and ln k! of size O(λ ln λ).
  @inlinable
  package static func logProbability(_ k: Double, mean: Double, logMean: Double) -> Double {
    if k < 16 {
      var factorial = 1.0
      var j = 2.0
      while j <= k {
        factorial *= j
        j += 1
      }
      return k * logMean - mean - log(factorial)
    }
    let inverse = 1 / k
    let inverse2 = inverse * inverse
    let series =
      inverse * (1.0 / 12 - inverse2 * (1.0 / 360 - inverse2 * (1.0 / 1260 - inverse2 / 1680)))
    let difference = k - mean
    return difference - k * log1p(difference / mean) - 0.5 * log(2 * Double.pi * k) - series
  }
}

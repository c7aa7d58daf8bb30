#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Binomial counts by inversion: how many of n clients leave a waiting list or a service in a
/// month. Inversion keeps common random numbers monotone: with the same uniform, more trials
/// or a higher probability never give fewer successes, so that budget variants which differ
/// in their counts still use their random numbers alike.
public enum Binomial {
  /// The smallest k with u < F(k) (F the Binomial(n, p) distribution function); when p > ½,
  /// n − Y with Y the count for Binomial(n, 1 − p) and 1 − u (still non-decreasing in u).
  ///
  /// Method (Devroye 1986, *Non-Uniform Random Variate Generation*, ch. X.4, inversion with
  /// the recurrence p_(k+1) = p_k·(n − k)/(k + 1)·p/q): when q^n is a normal double the
  /// search starts at k = 0 with p₀ = q^n and takes about np + 1 steps; otherwise it starts at
  /// the mode m = ⌊(n + 1)p⌋, with p_m from log-gamma functions and F(m) summed downwards
  /// until the terms no longer change it, and walks down or up from there (about √(npq)
  /// steps). Exact up to rounding of the running sums.
  ///
  /// - Parameters:
  ///   - u: a uniform number in [0, 1).
  ///   - n: trials, ≥ 0.
  ///   - p: success probability; values ≤ 0 give 0, values ≥ 1 give n, NaN gives 0.
  public static func inverse(uniform u: Double, trials n: Int, probability p: Double) -> Int {
    guard n > 0, p > 0 else { return 0 }
    if p >= 1 { return n }
    if p > 0.5 { return n - search(uniform: 1 - u, trials: n, probability: 1 - p) }
    return search(uniform: u, trials: n, probability: p)
  }

  /// The smallest k with u < F(k), for p ≤ ½.
  private static func search(uniform u: Double, trials n: Int, probability p: Double) -> Int {
    let q = 1 - p
    let ratio = p / q
    let nn = Double(n)
    func below(_ cdf: Double) -> Bool { cdf <= u }
    let p0 = pow(q, nn)
    if p0 > 1e-280 {
      var k = 0
      var pk = p0
      var cdf = p0
      while below(cdf) && k < n {
        pk *= (nn - Double(k)) / Double(k + 1) * ratio
        k += 1
        let next = cdf + pk
        if next == cdf && Double(k) > nn * p { break }
        cdf = next
      }
      return k
    }
    // Start at the mode.
    let m = min(n, Int((nn + 1) * p))
    let md = Double(m)
    let logPm = SpecialFunctions.logGamma(nn + 1) - SpecialFunctions.logGamma(md + 1) - SpecialFunctions.logGamma(nn - md + 1)
      + md * log(p) + (nn - md) * log(q)
    let pm = exp(logPm)
    var cdfM = pm
    var term = pm
    var j = m
    while j > 0 {
      term *= Double(j) / (nn - Double(j) + 1) / ratio
      j -= 1
      let next = cdfM + term
      if next == cdfM { break }
      cdfM = next
    }
    if below(cdfM) {
      var k = m
      var pk = pm
      var cdf = cdfM
      while below(cdf) && k < n {
        pk *= (nn - Double(k)) / Double(k + 1) * ratio
        k += 1
        let next = cdf + pk
        if next == cdf { break }
        cdf = next
      }
      return k
    }
    var k = m
    var pk = pm
    var cdf = cdfM
    while k > 0 {
      let lower = cdf - pk
      if below(lower) { break }
      cdf = lower
      pk *= Double(k) / (nn - Double(k) + 1) / ratio
      k -= 1
    }
    return k
  }
}

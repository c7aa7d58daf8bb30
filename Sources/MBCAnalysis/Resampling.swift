/// The nonparametric bootstrap (internal): a small fixed generator, unbiased bounded indices, and
/// the bootstrap of paired means. Used by the ICER and ratio intervals and by the EVPPI's
/// standard error.
///
/// MBCAnalysis does not depend on MBCRandom, so the seeded entry points use ``SplitMix64`` here;
/// callers who want a keyed MBCRandom stream pass any `RandomNumberGenerator` instead. Given the
/// generator's output, the replicates are fixed: indices are drawn by Lemire's multiply-and-reject
/// method (below), not by the standard library's `Int.random(in:using:)`, whose algorithm is not
/// specified and could change between Swift releases.
enum Resampling {
  /// SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators",
  /// OOPSLA): a 64-bit state advanced by the golden-ratio increment and finalised by a mixing
  /// function. Good enough for bootstrap indices (it passes BigCrush); not cryptographic.
  struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
      state &+= 0x9e37_79b9_7f4a_7c15
      var z = state
      z = (z ^ (z &>> 30)) &* 0xbf58_476d_1ce4_e5b9
      z = (z ^ (z &>> 27)) &* 0x94d0_49bb_1331_11eb
      return z ^ (z &>> 31)
    }
  }

  /// A uniform integer in `0..<bound` (bound ≥ 1), exactly unbiased.
  ///
  /// Lemire (2019, "Fast random integer generation in an interval", ACM TOMACS 29(1):3): the high
  /// word of the 128-bit product `x·bound` of a uniform 64-bit x is uniform on 0..<bound once the
  /// products whose low word falls below `2⁶⁴ mod bound` are rejected; the division is needed only
  /// in the rare case that the low word is below `bound`.
  @inline(__always)
  static func index<G: RandomNumberGenerator>(below bound: Int, using generator: inout G) -> Int {
    let b = UInt64(bound)
    var product = generator.next().multipliedFullWidth(by: b)
    if product.low < b {
      let threshold = (0 &- b) % b
      while product.low < threshold {
        product = generator.next().multipliedFullWidth(by: b)
      }
    }
    return Int(product.high)
  }

  /// `replicates` bootstrap replicates of the pair of means (x̄*, ȳ*): each resamples the n runs
  /// with replacement (the same index for x and y, so the pairing, hence the correlation of the
  /// two, is kept; Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 6).
  ///
  /// - Complexity: O(replicates · n) time, n index draws per replicate; O(replicates) memory for
  ///   the result, nothing else.
  static func bootstrapMeans<G: RandomNumberGenerator>(
    _ x: [Double], _ y: [Double], replicates: Int, using generator: inout G
  ) -> (x: [Double], y: [Double]) {
    let n = x.count
    precondition(n == y.count && n >= 1, "Resampling.bootstrapMeans: need paired, non-empty runs")
    var meansX = [Double](repeating: 0, count: replicates)
    var meansY = [Double](repeating: 0, count: replicates)
    let count = Double(n)
    x.withUnsafeBufferPointer { x in
      y.withUnsafeBufferPointer { y in
        for b in 0..<replicates {
          var sumX = 0.0
          var sumY = 0.0
          for _ in 0..<n {
            let i = index(below: n, using: &generator)
            sumX += x[i]
            sumY += y[i]
          }
          meansX[b] = sumX / count
          meansY[b] = sumY / count
        }
      }
    }
    return (meansX, meansY)
  }
}

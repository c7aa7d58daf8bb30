/// The deterministic generator of the bootstrap run indices of
/// ``EVPPI/regression(theta:nmb:basis:bootstrapReplicates:seed:)``: SplitMix64 (Steele, Lea &
/// Flood 2014), with bounded integers by Lemire's multiply-and-reject method (2019).
///
/// MBCAnalysis does not depend on MBCRandom, and the bootstrap needs nothing more than uniform
/// indices; both algorithms are fixed here (not left to the standard library's
/// `Int.random(in:using:)`, whose algorithm may change), so a seed gives the same standard error
/// on every platform and Swift version.
struct BootstrapGenerator {
  /// The SplitMix64 state.
  private var state: UInt64

  /// A generator whose stream is fixed by `seed`.
  init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z &>> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z &>> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z &>> 31)
  }

  /// A uniform integer in 0..<`bound` (`bound` ≥ 1), without modulo bias: the high word of
  /// `next() × bound`, rejecting the `2⁶⁴ mod bound` low words that would over-represent some
  /// values.
  mutating func index(below bound: Int) -> Int {
    precondition(bound >= 1, "BootstrapGenerator.index: bound \(bound) must be ≥ 1")
    let b = UInt64(bound)
    var product = next().multipliedFullWidth(by: b)
    if product.low < b {
      let threshold = (0 &- b) % b
      while product.low < threshold { product = next().multipliedFullWidth(by: b) }
    }
    return Int(product.high)
  }
}

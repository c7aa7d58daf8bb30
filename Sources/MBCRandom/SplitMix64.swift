/// SplitMix64, the 64-bit generator of Steele, Lea and Flood (2014) in Vigna's reference form.
///
/// mbc uses it for two things only: as the mixing function that turns a stream key into a
/// seed (``SplitMix64/mix(_:)``, a bijection of `UInt64`), and to expand one 64-bit seed into the
/// 256-bit state of ``Xoshiro256PlusPlus``, as Vigna recommends
/// (<https://prng.di.unimi.it/splitmix64.c>).
///
/// ```
/// state += 0x9e3779b97f4a7c15
/// z = state
/// z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
/// z = (z ^ (z >> 27)) * 0x94d049bb133111eb
/// return z ^ (z >> 31)
/// ```
@frozen
public struct SplitMix64: RandomNumberGenerator, Sendable {
  /// The Weyl-sequence state; the next output is `mix(state + golden)`.
  public var state: UInt64

  /// The increment of the Weyl sequence: 2^64 / φ, rounded to odd.
  public static let golden: UInt64 = 0x9e37_79b9_7f4a_7c15

  /// Creates a generator whose first output is `mix(seed &+ golden)`.
  @inlinable
  public init(seed: UInt64) { state = seed }

  /// The SplitMix64 output function (Stafford's "Mix13" variant): a bijection of `UInt64`
  /// that sends 0 to 0 and otherwise spreads every input bit over the whole word.
  @inlinable @inline(__always)
  public static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z &>> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z &>> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z &>> 31)
  }

  /// Advances the Weyl sequence and returns the mixed value.
  @inlinable @inline(__always)
  public mutating func next() -> UInt64 {
    state &+= SplitMix64.golden
    return SplitMix64.mix(state)
  }
}

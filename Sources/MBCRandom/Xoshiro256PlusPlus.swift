/// xoshiro256++ 1.0, the all-purpose 64-bit generator of Blackman and Vigna (2018, 2021).
///
/// Reference: D. Blackman, S. Vigna, "Scrambled linear pseudorandom number generators",
/// ACM Trans. Math. Softw. 47(4), 2021, doi:10.1145/3460772; reference C code at
/// <https://prng.di.unimi.it/xoshiro256plusplus.c>. Period 2^256 − 1; passes BigCrush.
/// The state must not be all zero; ``init(seed:)`` expands a 64-bit seed with ``SplitMix64``,
/// which cannot produce four zero words.
///
/// ```
/// result = rotl(s0 + s3, 23) + s0
/// t  = s1 << 17
/// s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
/// s2 ^= t;  s3 = rotl(s3, 45)
/// ```
///
/// Doubles are made from the top 53 bits, `Double(x >> 11) * 2^-53`, which is exact and
/// uniform on the 2^53 grid in [0, 1). This is 4–7× faster than `Double.random(in:using:)`
/// in hot loops (see ../shared/swift-notes.md) and gives different values from it.
///
/// Not a cryptographically secure generator.
@frozen
public struct Xoshiro256PlusPlus: RandomNumberGenerator, Sendable {
  @usableFromInline var s0: UInt64
  @usableFromInline var s1: UInt64
  @usableFromInline var s2: UInt64
  @usableFromInline var s3: UInt64

  /// Creates a generator from an explicit state (for exact replay and known-answer tests).
  /// - Precondition: not all four words are zero.
  @inlinable
  public init(state: (UInt64, UInt64, UInt64, UInt64)) {
    precondition(state != (0, 0, 0, 0), "xoshiro256++ state must not be all zero")
    (s0, s1, s2, s3) = state
  }

  /// Creates a generator whose state is the first four outputs of `SplitMix64(seed:)`.
  @inlinable
  public init(seed: UInt64) {
    var sm = SplitMix64(seed: seed)
    s0 = sm.next()
    s1 = sm.next()
    s2 = sm.next()
    s3 = sm.next()
  }

  /// The current state, for checkpointing.
  @inlinable
  public var state: (UInt64, UInt64, UInt64, UInt64) { (s0, s1, s2, s3) }

  /// The next 64-bit output.
  @inlinable @inline(__always)
  public mutating func next() -> UInt64 {
    let result = (s0 &+ s3).rotatedLeft(by: 23) &+ s0
    let t = s1 &<< 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3.rotatedLeft(by: 45)
    return result
  }

  /// A uniform double in [0, 1): `Double(next() >> 11) * 2^-53`.
  @inlinable @inline(__always)
  public mutating func nextDouble() -> Double {
    Double(next() &>> 11) * 0x1p-53
  }

  /// A uniform double in the open interval (0, 1): `(Double(next() >> 12) + 0.5) * 2^-52`.
  ///
  /// The values are the 2^52 odd multiples of 2^-53, from 2^-53 to 1 − 2^-53: the midpoints of
  /// the 2^-52 grid. Every step is exact (k + 0.5 needs at most 53 significant bits for
  /// k < 2^52), the set is symmetric about 1/2 (u and 1 − u are both values), and neither 0
  /// nor 1 can occur. Use it where 0 or 1 must not occur (logarithms, inverse CDFs).
  ///
  /// (With the top 53 bits, `(Double(x >> 11) + 0.5) * 2^-53` would not be exact: for
  /// x >> 11 = 2^53 − 1 the sum rounds to 2^53 and the result is exactly 1.)
  @inlinable @inline(__always)
  public mutating func nextOpenDouble() -> Double {
    (Double(next() &>> 12) + 0.5) * 0x1p-52
  }
}

extension UInt64 {
  /// Rotation to the left by `k` bits (0 < k < 64).
  @inlinable @inline(__always)
  func rotatedLeft(by k: UInt64) -> UInt64 {
    (self &<< k) | (self &>> (64 &- k))
  }
}

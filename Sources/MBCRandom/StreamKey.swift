/// The address of a random stream: (seed, run, client, purpose).
///
/// Every random number mbc draws comes from a stream identified by such a key, never from a
/// stream tied to a thread or to the order in which work is done. The stream of a key is a
/// pure function of the key, and its n-th draw a pure function of (key, n). Consequences:
///
/// - results are bit-identical for any number of threads and any split of runs into chunks
///   or shards, because run r always sees the same streams;
/// - common random numbers: client c of run r uses the same stream in every arm;
/// - adding draws for one purpose (an extra event, a new parameter) never shifts the draws of
///   another, because each purpose has its own stream.
///
/// The key is hashed into a 64-bit seed by chaining the bijective SplitMix64 mixer:
/// ```
/// h = mix(seed ^ 0x6a09e667f3bcc908)   // first 64 bits of frac(√2), a nothing-up-my-sleeve constant
/// h = mix(h ^ run)
/// h = mix(h ^ client)
/// h = mix(h ^ purpose)
/// ```
/// Each step is a bijection of the field that changes, so two keys that differ in exactly one
/// field always get different seeds; keys that differ in several fields collide with
/// probability about 2⁻⁶⁴. The seed is then expanded into a ``Xoshiro256PlusPlus`` state by
/// ``SplitMix64``. This "keyed re-seed" costs about 10 ns and, measured in the Markov loop,
/// 2 % of the run time (../shared/swift-notes.md, §3), against 1.3–1.9× for Philox.
@frozen
public struct StreamKey: Hashable, Sendable {
  /// The user's seed (`--seed`).
  public var seed: UInt64
  /// The PSA run (outer Monte Carlo sample), 0-based.
  public var run: UInt64
  /// The client (individual) within the run, 0-based; 0 for run-level streams.
  public var client: UInt64
  /// What the numbers are for; see ``StreamPurpose``.
  public var purpose: StreamPurpose

  @inlinable
  public init(seed: UInt64, run: UInt64, client: UInt64 = 0, purpose: StreamPurpose) {
    self.seed = seed
    self.run = run
    self.client = client
    self.purpose = purpose
  }

  /// The 64-bit seed this key hashes to (see the type's documentation for the formula).
  @inlinable
  public var hashedSeed: UInt64 {
    var h = SplitMix64.mix(seed ^ 0x6a09_e667_f3bc_c908)
    h = SplitMix64.mix(h ^ run)
    h = SplitMix64.mix(h ^ client)
    return SplitMix64.mix(h ^ purpose.rawValue)
  }

  /// A fresh generator positioned at the start of this key's stream.
  @inlinable
  public func makeGenerator() -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus(seed: hashedSeed)
  }
}

/// What a stream's numbers are used for. Built-in purposes have small fixed values; named
/// entities (a parameter, an event) get the FNV-1a hash of their name, so that adding or
/// reordering entities in a scenario never changes another entity's stream.
@frozen
public struct StreamPurpose: Hashable, Sendable, RawRepresentable {
  public var rawValue: UInt64

  @inlinable
  public init(rawValue: UInt64) { self.rawValue = rawValue }

  /// The state transitions of a client (one uniform per client-cycle).
  public static let transitions = StreamPurpose(rawValue: 1)

  /// A client's characteristics (subgroup, attributes, age, start state), drawn once per run.
  public static let attributes = StreamPurpose(rawValue: 2)

  /// The referrals of one month of a budget stress test (`mbc stress`).
  public static let budgetInflow = StreamPurpose(rawValue: 3)

  /// The drop-outs from a budget stress test's waiting list in one month (one uniform per
  /// referral month still on the list).
  public static let budgetWaiting = StreamPurpose(rawValue: 4)

  /// The ends of service in one month of a budget stress test (one uniform per admission month).
  public static let budgetService = StreamPurpose(rawValue: 5)

  /// The stream of the parameter named `name`, drawn once per run.
  public static func parameter(_ name: String) -> StreamPurpose {
    StreamPurpose(rawValue: fnv1a64("parameter:" + name))
  }

  /// The stream of the per-cycle counts of the event named `name` (one uniform per client-cycle).
  public static func event(_ name: String) -> StreamPurpose {
    StreamPurpose(rawValue: fnv1a64("event:" + name))
  }

  /// FNV-1a, 64-bit (Fowler, Noll, Vo), over the UTF-8 bytes of `text`. Stable across
  /// platforms and releases, unlike `Hasher`.
  public static func fnv1a64(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01b3
    }
    return hash
  }
}

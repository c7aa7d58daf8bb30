import MBCRandom
import Testing

@Suite("StreamKey")
struct StreamKeyTests {
  static let base = StreamKey(seed: 42, run: 7, client: 3, purpose: .transitions)

  static func firstOutputs(_ key: StreamKey, count: Int = 4) -> [UInt64] {
    var generator = key.makeGenerator()
    return (0..<count).map { _ in generator.next() }
  }

  @Test("the same key gives the same stream")
  func test_makeGenerator_sameKeySameStream() {
    let copy = StreamKey(seed: 42, run: 7, client: 3, purpose: StreamPurpose(rawValue: 1))
    #expect(copy == Self.base)
    #expect(Self.firstOutputs(copy, count: 100) == Self.firstOutputs(Self.base, count: 100))
  }

  @Test("makeGenerator is xoshiro256++ seeded with hashedSeed")
  func test_makeGenerator_usesHashedSeed() {
    var viaKey = Self.base.makeGenerator()
    var viaSeed = Xoshiro256PlusPlus(seed: Self.base.hashedSeed)
    for _ in 0..<10 { #expect(viaKey.next() == viaSeed.next()) }
  }

  @Test(
    "keys that differ in one field give different first outputs",
    arguments: [
      StreamKey(seed: 43, run: 7, client: 3, purpose: .transitions),
      StreamKey(seed: 42, run: 8, client: 3, purpose: .transitions),
      StreamKey(seed: 42, run: 7, client: 4, purpose: .transitions),
      StreamKey(seed: 42, run: 7, client: 3, purpose: StreamPurpose(rawValue: 2)),
      StreamKey(seed: 42, run: 7, client: 3, purpose: .parameter("cost")),
      StreamKey(seed: 42 ^ (1 << 63), run: 7, client: 3, purpose: .transitions),
      StreamKey(seed: 42, run: 7 ^ (1 << 63), client: 3, purpose: .transitions),
    ])
  func test_makeGenerator_oneFieldDiffers(_ other: StreamKey) {
    #expect(other.hashedSeed != Self.base.hashedSeed)
    #expect(Self.firstOutputs(other)[0] != Self.firstOutputs(Self.base)[0])
  }

  @Test("swapping run and client, or client and purpose, changes the stream")
  func test_hashedSeed_fieldsAreNotInterchangeable() {
    let a = StreamKey(seed: 1, run: 2, client: 3, purpose: StreamPurpose(rawValue: 4))
    let b = StreamKey(seed: 1, run: 3, client: 2, purpose: StreamPurpose(rawValue: 4))
    let c = StreamKey(seed: 1, run: 2, client: 4, purpose: StreamPurpose(rawValue: 3))
    #expect(Set([a.hashedSeed, b.hashedSeed, c.hashedSeed]).count == 3)
  }

  @Test("a grid of 4,000 neighbouring keys has 4,000 distinct first outputs")
  func test_makeGenerator_gridOfKeysIsDistinct() {
    var firsts = Set<UInt64>()
    for run: UInt64 in 0..<20 {
      for client: UInt64 in 0..<100 {
        for purpose in [StreamPurpose.transitions, .event("eviction")] {
          var generator = StreamKey(seed: 1, run: run, client: client, purpose: purpose)
            .makeGenerator()
          firsts.insert(generator.next())
        }
      }
    }
    #expect(firsts.count == 4_000)
  }

  @Test("hashedSeed is the documented chain of SplitMix64 mixes")
  func test_hashedSeed_followsDocumentedFormula() {
    let key = StreamKey(
      seed: 20_240_101, run: 999, client: 12_345, purpose: .parameter("cost_per_day"))
    var h = SplitMix64.mix(key.seed ^ 0x6a09_e667_f3bc_c908)
    h = SplitMix64.mix(h ^ key.run)
    h = SplitMix64.mix(h ^ key.client)
    h = SplitMix64.mix(h ^ key.purpose.rawValue)
    #expect(key.hashedSeed == h)
  }

  /// Pinned values: they pin the documented formula (the type's doc comment), computed
  /// independently with a Python transcription of it. If one changes, every stream of every
  /// saved result changes: that needs a format version bump, not an update of this table.
  @Test("hashedSeed is stable across releases (pinned values)")
  func test_hashedSeed_pinnedValues() {
    #expect(
      StreamKey(seed: 0, run: 0, client: 0, purpose: .transitions).hashedSeed
        == 0x9143_029e_1ea3_037b)
    #expect(
      StreamKey(seed: 42, run: 7, client: 3, purpose: .transitions).hashedSeed
        == 0x078d_c118_c2a3_77b2)
    #expect(
      StreamKey(seed: 20_240_101, run: 999, client: 12_345, purpose: .parameter("cost_per_day"))
        .hashedSeed
        == 0x8ce7_0caa_9db5_3d64)
    #expect(
      StreamKey(seed: .max, run: .max, client: .max, purpose: .event("eviction")).hashedSeed
        == 0x7ff8_4900_3fa7_7f32)
  }

  @Test("client defaults to 0 for run-level streams")
  func test_init_clientDefaultsToZero() {
    let key = StreamKey(seed: 5, run: 6, purpose: .parameter("p"))
    #expect(key.client == 0)
    #expect(key == StreamKey(seed: 5, run: 6, client: 0, purpose: .parameter("p")))
  }

  // MARK: - StreamPurpose

  /// Published FNV-1a 64-bit test vectors: Landon Curt Noll's test suite, repository
  /// lcn2/fnv, file test_fnv.c, array fnv1a_64_vector (entries for fnv_test_str[0], [1],
  /// [11], [39], [86], [102] and the FNV page URL). Also checked with a Python FNV-1a.
  @Test(
    "fnv1a64 matches the published FNV-1a 64 test vectors",
    arguments: [
      ("", 0xcbf2_9ce4_8422_2325),
      ("a", 0xaf63_dc4c_8601_ec8c),
      ("foobar", 0x8594_4171_f739_67e8),
      ("chongo was here!\n", 0x4681_0940_eff5_f915),
      ("hello", 0xa430_d846_80aa_bd0b),
      ("127.0.0.1", 0xaaba_fe71_04d9_14be),
      ("http://www.isthe.com/chongo/tech/comp/fnv/index.html", 0x8882_6f56_eba0_7af1),
    ] as [(String, UInt64)])
  func test_fnv1a64_publishedVectors(_ text: String, _ expected: UInt64) {
    #expect(StreamPurpose.fnv1a64(text) == expected)
  }

  @Test("parameter and event purposes hash a prefixed name, so they never collide by name")
  func test_purpose_namedStreams() {
    #expect(StreamPurpose.parameter("x").rawValue == StreamPurpose.fnv1a64("parameter:x"))
    #expect(StreamPurpose.event("x").rawValue == StreamPurpose.fnv1a64("event:x"))
    #expect(StreamPurpose.parameter("x") != StreamPurpose.event("x"))
    #expect(StreamPurpose.parameter("x") != StreamPurpose.parameter("y"))
    #expect(StreamPurpose.transitions.rawValue == 1)
    // It hashes the UTF-8 bytes as written (C3 A9 for a precomposed "é"; Python FNV-1a).
    // Canonically equivalent spellings that Swift's String == treats as equal ("é" and
    // "e" + U+0301) therefore get different streams.
    #expect(StreamPurpose.fnv1a64("\u{E9}") == 0x0ac2_1707_b718_1e01)
    #expect(StreamPurpose.fnv1a64("\u{65}\u{301}") == 0xc0c9_d418_ee80_2e1f)
  }
}

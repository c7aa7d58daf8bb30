import MBCRandom
import Testing

@Suite("Xoshiro256PlusPlus")
struct Xoshiro256PlusPlusTests {
  /// Known answers of the reference C code, xoshiro256plusplus.c by D. Blackman and
  /// S. Vigna (https://prng.di.unimi.it/xoshiro256plusplus.c), from the state
  /// s = {1, 2, 3, 4}, as published in the Rust crate rand_xoshiro: repository
  /// rust-random/rngs, file rand_xoshiro/src/xoshiro256plusplus.rs, test `reference`
  /// ("These values were produced with the reference implementation"). Re-derived here
  /// from the reference C code compiled with gcc (outside the repository): identical.
  static let referenceOutputs: [UInt64] = [
    41_943_041, 58_720_359, 3_588_806_011_781_223, 3_591_011_842_654_386,
    9_228_616_714_210_784_205, 9_973_669_472_204_895_162, 14_011_001_112_246_962_877,
    12_406_186_145_184_390_807, 15_849_039_046_786_891_736, 10_450_023_813_501_588_000,
  ]

  @Test("the first 10 outputs from state {1, 2, 3, 4} match the reference implementation")
  func test_next_matchesReferenceOutputs() {
    var generator = Xoshiro256PlusPlus(state: (1, 2, 3, 4))
    for (index, expected) in Self.referenceOutputs.enumerated() {
      #expect(generator.next() == expected, "output \(index)")
    }
  }

  @Test("seeding expands the seed with SplitMix64, as Vigna recommends (reference C code)")
  func test_initSeed_matchesReferenceSeeding() {
    // Computed with the reference C code (splitmix64.c filling s[0..3], then
    // xoshiro256plusplus.c), compiled with gcc outside the repository.
    var generator = Xoshiro256PlusPlus(seed: 0)
    #expect(
      generator.state
        == (
          0xe220_a839_7b1d_cdaf, 0x6e78_9e6a_a1b9_65f4, 0x06c4_5d18_8009_454f, 0xf88b_b8a8_724c_81ec
        ))
    let expectedSeed0: [UInt64] = [
      0x5317_5d61_490b_23df, 0x61da_6f3d_c380_d507, 0x5c0f_df91_ec9a_7bfc,
      0x02ee_bf8c_3bbe_5e1a, 0x7eca_04eb_af4a_5eea,
    ]
    for expected in expectedSeed0 { #expect(generator.next() == expected) }

    var generator42 = Xoshiro256PlusPlus(seed: 42)
    let expectedSeed42: [UInt64] = [
      0xd076_4d4f_4476_689f, 0x519e_4174_576f_3791, 0xfbe0_7cfb_0c24_ed8c,
      0xb37d_9f60_0cd8_35b8, 0xcb23_1c38_7484_6a73,
    ]
    for expected in expectedSeed42 { #expect(generator42.next() == expected) }

    var splitMix = SplitMix64(seed: 0xdead_beef)
    let words = (splitMix.next(), splitMix.next(), splitMix.next(), splitMix.next())
    #expect(Xoshiro256PlusPlus(seed: 0xdead_beef).state == words)
  }

  @Test("init(state:) and state round-trip, so a generator can be checkpointed and replayed")
  func test_state_roundTrip() {
    var generator = Xoshiro256PlusPlus(seed: 7)
    for _ in 0..<13 { _ = generator.next() }
    var replay = Xoshiro256PlusPlus(state: generator.state)
    for _ in 0..<100 { #expect(generator.next() == replay.next()) }
  }

  // MARK: - Doubles

  /// A generator whose next output is `value`: with s0 = 0 the output is
  /// rotl(s3, 23), so s3 = rotr(value, 23); s1 = 1 keeps the state non-zero.
  static func generator(nextOutput value: UInt64) -> Xoshiro256PlusPlus {
    let s3 = (value >> 23) | (value << 41)
    return Xoshiro256PlusPlus(state: (0, 1, 0, s3))
  }

  @Test("the helper really makes the requested next output")
  func test_helper_nextOutput() {
    for value: UInt64 in [0, 1, .max, 0x8000_0000_0000_0000, 0x0123_4567_89ab_cdef] {
      var generator = Self.generator(nextOutput: value)
      #expect(generator.next() == value)
    }
  }

  @Test("nextDouble covers [0, 1) exactly at its ends: 0 and 1 − 2^-53")
  func test_nextDouble_extremes() {
    var low = Self.generator(nextOutput: 0)
    #expect(low.nextDouble() == 0)
    var high = Self.generator(nextOutput: .max)
    #expect(high.nextDouble() == 1 - 0x1p-53)
    #expect(1 - 0x1p-53 < 1)
  }

  @Test("nextOpenDouble stays inside (0, 1) at its ends: 2^-53 and 1 − 2^-53")
  func test_nextOpenDouble_extremes() {
    var low = Self.generator(nextOutput: 0)
    #expect(low.nextOpenDouble() == 0x1p-53)
    var high = Self.generator(nextOutput: .max)
    let top = high.nextOpenDouble()
    #expect(top == 1 - 0x1p-53)
    #expect(top < 1)
    // Symmetric about 1/2: output x and its complement give u and 1 − u.
    for value: UInt64 in [0x1234_5678_9abc_def0, 0x8000_0000_0000_0000, 42 << 12] {
      var a = Self.generator(nextOutput: value)
      var b = Self.generator(nextOutput: ~value)
      #expect(a.nextOpenDouble() + b.nextOpenDouble() == 1)
    }
  }

  @Test("nextDouble is in [0, 1) and nextOpenDouble in (0, 1), both on the 2^-53 grid")
  func test_doubles_rangeAndGrid() {
    var generator = testGenerator("xoshiro doubles")
    var violations = 0
    for _ in 0..<100_000 {
      let u = generator.nextDouble()
      let scaledU = u * 0x1p53  // exact: a power-of-two scaling
      if !(u >= 0 && u < 1) || scaledU != scaledU.rounded(.towardZero) { violations += 1 }

      let v = generator.nextOpenDouble()
      let scaledV = v * 0x1p53
      // Odd multiples of 2^-53 (midpoints of the 2^-52 grid).
      if !(v > 0 && v < 1) || scaledV != scaledV.rounded(.towardZero)
        || scaledV.truncatingRemainder(dividingBy: 2) != 1
      {
        violations += 1
      }
    }
    #expect(violations == 0)
  }

  @Test("nextDouble is the top 53 bits of next() times 2^-53")
  func test_nextDouble_definition() {
    var a = Xoshiro256PlusPlus(seed: 99)
    var b = Xoshiro256PlusPlus(seed: 99)
    for _ in 0..<1000 {
      #expect(a.nextDouble() == Double(b.next() >> 11) * 0x1p-53)
      #expect(a.nextOpenDouble() == (Double(b.next() >> 12) + 0.5) * 0x1p-52)
    }
  }
}

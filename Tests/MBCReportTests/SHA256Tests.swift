import Testing

@testable import MBCReport

@Suite("SHA-256")
struct SHA256Tests {
  /// FIPS 180-2, Appendix B (B.1 "abc", B.2 the 448-bit message, B.3 one million 'a'), and
  /// the digest of the empty message.
  @Test("known answers from FIPS 180-2", arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
  ])
  func test_sha256_knownAnswers(message: String, digest: String) {
    #expect(SHA256.hex(of: Array(message.utf8)) == digest)
  }

  @Test("one million 'a' (FIPS 180-2 B.3), fed in uneven pieces")
  func test_sha256_millionA() {
    var h = SHA256()
    var left = 1_000_000
    var piece = 1
    while left > 0 {
      let n = min(piece, left)
      h.update([UInt8](repeating: UInt8(ascii: "a"), count: n))
      left -= n
      piece = piece * 3 % 1000 + 1
    }
    let hex = h.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    #expect(hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }
}

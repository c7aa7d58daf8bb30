import Foundation
import Testing

/// One entry of Tests/BadInputs/catalogue.json: a malformed scenario or argument list and the
/// exact error lines `mbc` must print for it.
struct BadInputCase: Decodable, Sendable, CustomTestStringConvertible {
  var name: String
  var category: String
  /// A committed file in Tests/BadInputs, or nil.
  var file: String?
  /// A file the test writes at run time (too big, or bytes that should not be committed), or nil.
  var generate: String?
  /// `{file}`: the scenario file; `{temp}`: a fresh temporary folder.
  var arguments: [String]
  var exit: Int32
  /// The lines of standard error that are errors (`...: error: ...`, `error: ...`, `Error: ...`), in order.
  var errors: [String]
  /// When true, each printed error line must start with the expected text (the rest depends on the machine).
  var prefix: Bool?

  var testDescription: String { name }

  static let folder = MBCBinary.repository.appendingPathComponent("Tests/BadInputs")

  static let all: [BadInputCase] = {
    struct Catalogue: Decodable { var cases: [BadInputCase] }
    guard let data = try? Data(contentsOf: folder.appendingPathComponent("catalogue.json")),
      let catalogue = try? JSONDecoder().decode(Catalogue.self, from: data)
    else { return [] }
    return catalogue.cases
  }()

  /// The bytes of a generated case; each starts from the minimal valid scenario 00-valid.yaml.
  static func generated(_ kind: String) throws -> Data {
    let base = try String(contentsOf: folder.appendingPathComponent("00-valid.yaml"), encoding: .utf8)
    switch kind {
    case "alias-bomb":
      // Nine levels of ten aliases each: 10^9 values once expanded ("billion laughs").
      var lines = ["lol:", "  x0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
      for i in 1...8 {
        lines.append("  x\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]")
      }
      return Data((base + lines.joined(separator: "\n") + "\n").utf8)
    case "latin-1":
      return base.replacingOccurrences(of: "Usual care", with: "Usual café").data(using: .isoLatin1)!
    case "truncated-utf8":
      return Data(base.utf8) + Data([0x23, 0x20, 0xE2, 0x82])  // "# " and the start of "€"
    case "utf-16":
      return Data([0xFF, 0xFE]) + base.data(using: .utf16LittleEndian)!
    case "nul-byte":
      return Data(base.replacingOccurrences(of: "Usual care", with: "Usual\u{0}care").utf8)
    case "100-mb":
      return Data(base.utf8) + Data(repeating: UInt8(ascii: "#"), count: 100 << 20)
    default:
      throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "unknown generated case \(kind)"])
    }
  }
}

/// Issue 9: every malformed input gives exit code 2 and exact messages, and none crashes or hangs.
@Suite("Bad input catalogue (Tests/BadInputs)")
struct BadInputCatalogueTests {
  /// A ceiling that only catches hangs; the slowest case (writing a 100 MB file) takes about a second.
  static let ceiling: TimeInterval = 30

  @Test("the catalogue has at least 60 cases, and the scenario every case starts from is valid")
  func test_catalogue() throws {
    #expect(BadInputCase.all.count >= 60)
    #expect(Set(BadInputCase.all.map(\.name)).count == BadInputCase.all.count)
    let files = try FileManager.default.contentsOfDirectory(atPath: BadInputCase.folder.path)
      .filter { $0.hasSuffix(".yaml") && $0 != "00-valid.yaml" }
    #expect(Set(files) == Set(BadInputCase.all.compactMap(\.file)), "every file in Tests/BadInputs is a case")
    let r = try MBCBinary.run(["check", "--strict", "Tests/BadInputs/00-valid.yaml"])
    #expect(r.status == 0, "\(r.stderr)")
  }

  @Test("a malformed input gives exit code 2 and the exact error lines", arguments: BadInputCase.all)
  func test_case(_ c: BadInputCase) throws {
    let temp = try temporaryDirectory("bad")
    defer { try? FileManager.default.removeItem(at: temp) }
    var file = c.file.map { "Tests/BadInputs/\($0)" } ?? ""
    if let kind = c.generate {
      let url = temp.appendingPathComponent("\(kind).yaml")
      try BadInputCase.generated(kind).write(to: url)
      file = url.path
    }
    let arguments = c.arguments.map {
      $0.replacingOccurrences(of: "{file}", with: file).replacingOccurrences(of: "{temp}", with: temp.path)
    }
    let started = Date()
    let r = try runWithCeiling(arguments, seconds: Self.ceiling)
    let elapsed = Date().timeIntervalSince(started)
    #expect(elapsed < Self.ceiling, "mbc \(arguments.joined(separator: " ")) took \(elapsed) s")
    #expect(!r.signalled, "mbc was killed by a signal: \(r.stderr)")
    for crash in ["Fatal error", "Stack dump", "backtrace", "Segmentation fault"] {
      #expect(!r.stderr.contains(crash), "\(r.stderr)")
    }
    #expect(r.status == c.exit, "\(r.stderr)")
    let printed = r.stderr.split(separator: "\n").map(String.init)
      .filter { $0.hasPrefix("error:") || $0.hasPrefix("Error:") || $0.contains(": error: ") }
      .map { c.generate == nil ? $0 : $0.replacingOccurrences(of: file, with: "{file}") }
    if c.prefix == true {
      #expect(printed.count == c.errors.count, "\(r.stderr)")
      for (line, expected) in zip(printed, c.errors) { #expect(line.hasPrefix(expected), "\(line)") }
    } else {
      #expect(printed == c.errors, "\(r.stderr)")
    }
  }

  /// Runs `mbc` from the repository root; terminates it when it runs longer than `seconds`.
  func runWithCeiling(_ arguments: [String], seconds: TimeInterval) throws -> (
    status: Int32, signalled: Bool, stderr: String
  ) {
    let r = try runProcess(MBCBinary.url, arguments, in: MBCBinary.repository, ceiling: seconds)
    return (r.status, r.signalled, r.stderr)
  }
}

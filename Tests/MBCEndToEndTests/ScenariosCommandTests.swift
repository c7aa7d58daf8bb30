import Foundation
import Testing

/// `mbc scenarios` (list) and `mbc scenarios copy`, run as a user runs them. Most tests set
/// MBC_SCENARIOS, so that they do not depend on where the binary was built; the last two put
/// the binary into a fake checkout to test the search from the executable's path.
@Suite("mbc scenarios", .serialized)
struct ScenariosCommandTests {
  static let bundled = MBCBinary.repository.appendingPathComponent("Scenarios")
  static let environment = ["MBC_SCENARIOS": bundled.path]

  /// The first `count` words of a scenario's top-level `description:` (folded or plain),
  /// read from the file so that the test follows edits of the scenario.
  static func descriptionStart(of file: URL, words count: Int) throws -> String {
    let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    guard let i = lines.firstIndex(where: { $0.hasPrefix("description:") }) else { return "" }
    var text = String(lines[i].dropFirst("description:".count)).trimmingCharacters(in: .whitespaces)
    if text.hasPrefix(">") || text.hasPrefix("|") {
      text = lines[(i + 1)...].prefix { $0.hasPrefix(" ") }.joined(separator: " ")
    }
    return text.split(whereSeparator: \.isWhitespace).prefix(count).joined(separator: " ")
  }

  @Test("the listing shows the business cases with their descriptions, then the validation models")
  func test_list() throws {
    let r = try MBCBinary.run(["scenarios"], environment: Self.environment)
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map(String.init)
    let bemoeizorg = lines.first { $0.hasPrefix("  bemoeizorg ") } ?? ""
    let expected = try Self.descriptionStart(of: Self.bundled.appendingPathComponent("bemoeizorg.yaml"), words: 3)
    #expect(!expected.isEmpty)
    #expect(bemoeizorg.contains(expected), "\(r.stdout)")
    let outreach = lines.first { $0.hasPrefix("  outreach-ref ") } ?? ""
    #expect(outreach.contains("Standard performance workload"), "\(r.stdout)")
    #expect(!r.stdout.contains("does not load"), "\(r.stdout)")
    let heading = lines.firstIndex { $0.hasPrefix("Validation models") }
    let businessRow = lines.firstIndex { $0.hasPrefix("  bemoeizorg ") }
    let validationRow = lines.firstIndex { $0.hasPrefix("  darth-sick-sicker ") }
    #expect(heading != nil && businessRow != nil && validationRow != nil)
    if let heading, let businessRow, let validationRow {
      #expect(businessRow < heading && heading < validationRow)
    }
    // One line per scenario: the description is cut so that a line has at most 120 characters.
    let longest = lines.filter { $0.hasPrefix("  ") }.map(\.count).max() ?? 0
    #expect(longest <= 120, "\(r.stdout)")
    // `list` is the default subcommand.
    let explicit = try MBCBinary.run(["scenarios", "list"], environment: Self.environment)
    #expect(explicit.stdout == r.stdout)
  }

  @Test("copy writes an identical file, refuses to overwrite it without --force, and overwrites with it")
  func test_copy() throws {
    let dir = try temporaryDirectory("scenarios-copy")
    defer { try? FileManager.default.removeItem(at: dir) }
    let original = try Data(contentsOf: Self.bundled.appendingPathComponent("bemoeizorg.yaml"))
    let copy = dir.appendingPathComponent("bemoeizorg.yaml")

    let first = try MBCBinary.run(["scenarios", "copy", "bemoeizorg"], in: dir, environment: Self.environment)
    #expect(first.status == 0, "\(first.stderr)")
    let copied = try Data(contentsOf: copy)
    #expect(copied == original)
    #expect(first.stdout.contains("mbc check --explain bemoeizorg.yaml"), "\(first.stdout)")
    #expect(first.stdout.contains("mbc simulate bemoeizorg.yaml --runs 1e4"), "\(first.stdout)")

    // An edited copy is not overwritten.
    try Data("# my edits\n".utf8).write(to: copy)
    let second = try MBCBinary.run(["scenarios", "copy", "bemoeizorg.yaml"], in: dir, environment: Self.environment)
    #expect(second.status == 2)
    #expect(second.stderr.contains("'bemoeizorg.yaml' exists"), "\(second.stderr)")
    #expect(second.stderr.contains("--force"))
    let kept = try String(contentsOf: copy, encoding: .utf8)
    #expect(kept == "# my edits\n")

    let forced = try MBCBinary.run(["scenarios", "copy", "bemoeizorg", "--force"], in: dir, environment: Self.environment)
    #expect(forced.status == 0, "\(forced.stderr)")
    let replaced = try Data(contentsOf: copy)
    #expect(replaced == original)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(leftovers == ["bemoeizorg.yaml"])
  }

  @Test("copy --to a new folder, and a validation model by validation/NAME")
  func test_copyTo() throws {
    let dir = try temporaryDirectory("scenarios-to")
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try MBCBinary.run(["scenarios", "copy", "validation/thr-dmhee", "--to", "models"], in: dir, environment: Self.environment)
    #expect(r.status == 0, "\(r.stderr)")
    let copied = try Data(contentsOf: dir.appendingPathComponent("models/thr-dmhee.yaml"))
    let original = try Data(contentsOf: Self.bundled.appendingPathComponent("validation/thr-dmhee.yaml"))
    #expect(copied == original)
    #expect(r.stdout.contains("mbc check --explain models/thr-dmhee.yaml"), "\(r.stdout)")
  }

  @Test("an unknown name exits 2 with the closest name and the list")
  func test_unknown() throws {
    let r = try MBCBinary.run(["scenarios", "copy", "bemoezorg"], environment: Self.environment)
    #expect(r.status == 2)
    #expect(r.stderr.contains("no bundled scenario 'bemoezorg'; did you mean 'bemoeizorg'?"), "\(r.stderr)")
    #expect(r.stderr.contains("outreach-ref") && r.stderr.contains("validation/thr-dmhee"), "\(r.stderr)")
    let unrelated = try MBCBinary.run(["scenarios", "copy", "zzzzzzzzzz"], environment: Self.environment)
    #expect(unrelated.status == 2)
    #expect(!unrelated.stderr.contains("did you mean"), "\(unrelated.stderr)")
  }

  @Test("MBC_SCENARIOS selects the folder; a scenario that does not load is listed with the reason")
  func test_environment() throws {
    let dir = try temporaryDirectory("scenarios-env")
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.copyItem(
      at: Self.bundled.appendingPathComponent("outreach-ref.yaml"), to: dir.appendingPathComponent("mine.yaml"))
    let r = try MBCBinary.run(["scenarios"], environment: ["MBC_SCENARIOS": dir.path])
    #expect(r.status == 0, "\(r.stderr)")
    let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }
    #expect(rows.count == 1 && rows.first?.hasPrefix("  mine ") == true, "\(r.stdout)")
    #expect(!r.stdout.contains("Validation models"))

    try "format: mbc/1\nstates: [Well\n".write(to: dir.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
    let listed = try MBCBinary.run(["scenarios"], environment: ["MBC_SCENARIOS": dir.path])
    #expect(listed.status == 0, "\(listed.stderr)")
    let broken = listed.stdout.split(separator: "\n").first { $0.hasPrefix("  broken ") } ?? ""
    #expect(broken.contains("(does not load: line 3: YAML syntax error"), "\(listed.stdout)")
    #expect(listed.stdout.contains("  mine "))
  }

  @Test("copy takes the CSV files the scenario refers to along, at the same relative paths")
  func test_copyDataFiles() throws {
    let source = try temporaryDirectory("scenarios-data")
    let dir = try temporaryDirectory("scenarios-data-to")
    defer {
      try? FileManager.default.removeItem(at: source)
      try? FileManager.default.removeItem(at: dir)
    }
    try FileManager.default.createDirectory(at: source.appendingPathComponent("examples"), withIntermediateDirectories: true)
    let csv = try Data(contentsOf: MBCBinary.repository.appendingPathComponent("docs/examples/example-data.csv"))
    try csv.write(to: source.appendingPathComponent("examples/example-data.csv"))
    try """
      format: mbc/1
      description: A life table read from a CSV file. Second sentence.
      cycle: year
      horizon: {value: 30, assumption: thirty years}
      clients:
        count: {value: 1, assumption: one person}
        attributes: {age: {value: 60, source: "mean age at surgery"}}
      payers: [insurer]
      states: [Alive, Dead]
      start: Alive
      tables:
        mortality:
          file: examples/example-data.csv
          bands: age
          values: qx
          source: "example data"
      parameters:
        c_year: {value: 500, source: t}
      arms:
        only:
          transitions:
            Alive: {Dead: "lookup(mortality, age)"}
      costs:
        care: {per: cycle, states: Alive, amount: c_year, payer: insurer}
      """.write(to: source.appendingPathComponent("life.yaml"), atomically: true, encoding: .utf8)
    let env = ["MBC_SCENARIOS": source.path]

    let listed = try MBCBinary.run(["scenarios"], environment: env)
    #expect(listed.stdout.contains("  life  A life table read from a CSV file.\n"), "\(listed.stdout)")

    let r = try MBCBinary.run(["scenarios", "copy", "life"], in: dir, environment: env)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("examples/example-data.csv"), "\(r.stdout)")
    let copied = try Data(contentsOf: dir.appendingPathComponent("examples/example-data.csv"))
    #expect(copied == csv)
    let check = try MBCBinary.run(["check", "life.yaml"], in: dir)
    #expect(check.status == 0, "\(check.stderr)")

    // The same data file already there is fine; the scenario itself is not overwritten.
    try FileManager.default.removeItem(at: dir.appendingPathComponent("life.yaml"))
    let again = try MBCBinary.run(["scenarios", "copy", "life"], in: dir, environment: env)
    #expect(again.status == 0, "\(again.stderr)")
    // A different data file is not overwritten without --force, and nothing is copied.
    try FileManager.default.removeItem(at: dir.appendingPathComponent("life.yaml"))
    try Data("age,qx\n0,0.5\n".utf8).write(to: dir.appendingPathComponent("examples/example-data.csv"))
    let refused = try MBCBinary.run(["scenarios", "copy", "life"], in: dir, environment: env)
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("'examples/example-data.csv' exists"), "\(refused.stderr)")
    let scenarioCopied = FileManager.default.fileExists(atPath: dir.appendingPathComponent("life.yaml").path)
    #expect(!scenarioCopied)
  }

  @Test("a folder without scenarios, or a missing one, exits 1 and says which")
  func test_noScenarios() throws {
    let dir = try temporaryDirectory("scenarios-empty")
    defer { try? FileManager.default.removeItem(at: dir) }
    let empty = try MBCBinary.run(["scenarios"], environment: ["MBC_SCENARIOS": dir.path])
    #expect(empty.status == 1)
    #expect(empty.stderr.contains("'\(dir.path)' holds no scenario files"), "\(empty.stderr)")
    let missing = dir.appendingPathComponent("nowhere").path
    let absent = try MBCBinary.run(["scenarios", "copy", "bemoeizorg"], environment: ["MBC_SCENARIOS": missing])
    #expect(absent.status == 1)
    #expect(absent.stderr.contains("MBC_SCENARIOS is set to '\(missing)', which does not exist"), "\(absent.stderr)")
  }

  /// A link to the binary (hard, else a copy) inside `folder`, at `relative`.
  static func placeBinary(in folder: URL, at relative: String) throws -> URL {
    let target = folder.appendingPathComponent(relative)
    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    do {
      try FileManager.default.linkItem(at: MBCBinary.url, to: target)
    } catch {
      try FileManager.default.copyItem(at: MBCBinary.url, to: target)
    }
    return target
  }

  @Test("without MBC_SCENARIOS the binary finds the checkout it was built in, through a symbolic link")
  func test_checkoutOfExecutable() throws {
    let root = try temporaryDirectory("scenarios-checkout")
    defer { try? FileManager.default.removeItem(at: root) }
    let checkout = root.appendingPathComponent("mbc")
    try FileManager.default.createDirectory(at: checkout.appendingPathComponent("Scenarios/validation"), withIntermediateDirectories: true)
    try "// swift-tools-version: 6.1\n".write(to: checkout.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
    try FileManager.default.copyItem(
      at: Self.bundled.appendingPathComponent("outreach-ref.yaml"), to: checkout.appendingPathComponent("Scenarios/only-one.yaml"))
    try FileManager.default.copyItem(
      at: Self.bundled.appendingPathComponent("validation/thr-dmhee.yaml"),
      to: checkout.appendingPathComponent("Scenarios/validation/hips.yaml"))
    let binary = try Self.placeBinary(in: checkout, at: ".build/debug/mbc")
    let bin = root.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let link = bin.appendingPathComponent("mbc")
    try FileManager.default.createSymbolicLink(at: link, withDestinationURL: binary)

    let r = try runProcess(link, ["scenarios"], in: root, environment: ["MBC_SCENARIOS": ""])
    #expect(r.status == 0, "\(r.stderr)")
    let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }.map { $0.split(separator: " ").first.map(String.init) ?? "" }
    #expect(rows == ["only-one", "hips"], "\(r.stdout)")

    let copied = try runProcess(link, ["scenarios", "copy", "hips"], in: root, environment: ["MBC_SCENARIOS": ""])
    #expect(copied.status == 0, "\(copied.stderr)")
    let exists = FileManager.default.fileExists(atPath: root.appendingPathComponent("hips.yaml").path)
    #expect(exists)
  }

  @Test("without MBC_SCENARIOS and outside a checkout it exits 1, naming the places tried",
        .enabled(if: !FileManager.default.fileExists(atPath: "/usr/local/share/mbc/Scenarios")))
  func test_notFound() throws {
    let root = try temporaryDirectory("scenarios-nowhere")
    defer { try? FileManager.default.removeItem(at: root) }
    let binary = try Self.placeBinary(in: root, at: "bin/mbc")
    let r = try runProcess(binary, ["scenarios"], in: root, environment: ["MBC_SCENARIOS": ""])
    #expect(r.status == 1)
    #expect(r.stderr.contains("cannot find the bundled scenarios"), "\(r.stderr)")
    #expect(r.stderr.contains("MBC_SCENARIOS (not set)"))
    #expect(r.stderr.contains("the folders above \(root.path)/bin/mbc") || r.stderr.contains("/bin/mbc ("), "\(r.stderr)")
    #expect(r.stderr.contains("/usr/local/share/mbc/Scenarios"))
    #expect(r.stderr.contains("Set MBC_SCENARIOS"))
  }
}

import Foundation
import Testing

/// `mbc check --base-case [--subgroup NAME]` and `mbc simulate --subgroup NAME`, run as a user
/// would run them.
@Suite("Subgroups and the base case from the command line")
struct SubgroupCommandTests {
  /// Two subgroups; group A starts in the absorbing, costly state.
  static let scenario = """
    name: two-groups
    horizon: {value: 12, source: t}
    clients:
      count: {value: 10, source: t}
      subgroups:
        a: {label: Group A, share: 0.5, start: Stuck, source: t}
        b: {label: Group B, share: 0.5, start: Free, source: t}
    payers: {municipality: Municipality}
    states: [Free, Stuck]
    parameters:
      p_stick: {dist: beta, mean: 0.2, sd: 0.05, source: t}
      p_stick_low: {value: 0.1, source: t}
      c_stuck: {value: 100, source: t}
    reference: usual
    arms:
      usual: {transitions: {Free: {Stuck: p_stick}}}
      helped: {transitions: {Free: {Stuck: p_stick_low}}}
    costs:
      stuck: {per: cycle, states: Stuck, amount: c_stuck, payer: municipality}
    """

  func writeScenario() throws -> (directory: URL, file: String) {
    let directory = try temporaryDirectory("subgroup")
    let file = directory.appendingPathComponent("two-groups.yaml").path
    try Self.scenario.write(toFile: file, atomically: true, encoding: .utf8)
    return (directory, file)
  }

  @Test("check --base-case prints the cost and net saving per client; --subgroup a gives group A's exact cost")
  func baseCase() throws {
    let (directory, file) = try writeScenario()
    defer { try? FileManager.default.removeItem(at: directory) }
    let whole = try MBCBinary.run(["check", file, "--base-case", "-q"])
    #expect(whole.status == 0)
    #expect(whole.stdout.contains("Base case of 'two-groups'"))
    #expect(whole.stdout.contains("Net saving per client"))
    #expect(whole.stdout.contains("helped vs usual"))
    // Group A is in Stuck for all 12 months at 100 a month, undiscounted: €1,200 in both arms.
    let a = try MBCBinary.run(["check", file, "--base-case", "--subgroup", "a", "-q"])
    #expect(a.status == 0)
    #expect(a.stdout.contains("subgroup Group A"))
    let municipality = a.stdout.split(separator: "\n").first { $0.hasPrefix("  Municipality") } ?? ""
    #expect(municipality.contains("€1,200  €1,200") || municipality.contains("€1,200   €1,200"), "\(municipality)")
  }

  @Test("an unknown --subgroup exits 2 with a suggestion")
  func unknownSubgroup() throws {
    let (directory, file) = try writeScenario()
    defer { try? FileManager.default.removeItem(at: directory) }
    for command in [["check", file, "--base-case", "--subgroup", "bb"], ["simulate", file, "--runs", "100", "--subgroup", "bb", "--out", directory.appendingPathComponent("out").path]] {
      let result = try MBCBinary.run(command)
      #expect(result.status == 2)
      #expect(result.stderr.contains("no subgroup 'bb'; did you mean 'b'?"), "\(result.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
  }

  @Test("simulate --subgroup writes the subgroup into manifest.json and report.html, and defaults to results/<name>-<subgroup>")
  func simulateSubgroup() throws {
    let (directory, file) = try writeScenario()
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try MBCBinary.run(["simulate", file, "--runs", "200", "--subgroup", "a", "-q"], in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    let out = directory.appendingPathComponent("results/two-groups-a")
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any]
    let subgroup = manifest?["subgroup"] as? String
    #expect(subgroup == "a")
    let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(report.contains("only the subgroup <b>Group A</b>"))
    // Every client of group A costs 1,200 in both arms: no saving at all, in every run.
    let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
    let line = summary.split(separator: "\n").first { $0.hasPrefix("cost,usual,NA,total,") } ?? ""
    #expect(line.contains(",12000,0,0,12000,12000,"), "\(line)")
  }
}

import Foundation
import Testing

/// The same seed gives byte-identical CSV files for 1, 2 and 8 threads and when the same
/// command is repeated (issue 9), for `mbc simulate` (with per-run values, a time-dependent
/// model and the cohort engine) and for `mbc stress`. Streams are keyed by (seed, run, client
/// or month, purpose), so neither the thread that simulated a run nor the order in which runs
/// finished may change a single byte.
@Suite("Determinism across threads and repeats", .serialized)
struct DeterminismTests {
  /// Every CSV file in `directory`, by name.
  static func csvFiles(_ directory: URL) throws -> [String: Data] {
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".csv") }
    var files: [String: Data] = [:]
    for name in names { files[name] = try Data(contentsOf: directory.appendingPathComponent(name)) }
    return files
  }

  /// Runs `arguments` + `--threads T --out DIR` for each thread count and once more with the
  /// first; every run's CSV files must equal the first run's, byte for byte.
  static func check(_ arguments: [String], threads: [Int], expectFiles: [String]) throws {
    let root = try temporaryDirectory("determinism")
    defer { try? FileManager.default.removeItem(at: root) }
    var reference: [String: Data]?
    for (i, t) in (threads + [threads[0]]).enumerated() {
      let out = root.appendingPathComponent("run-\(i)-threads-\(t)")
      let result = try MBCBinary.run(arguments + ["--threads", String(t), "--out", out.path, "--quiet"])
      try #require(result.status == 0, "\(arguments.joined(separator: " ")) --threads \(t): \(result.stderr)")
      let files = try csvFiles(out)
      for name in expectFiles { #expect(files[name] != nil, "\(name) was not written") }
      guard let reference else {
        reference = files
        continue
      }
      #expect(Set(files.keys) == Set(reference.keys), "different files with --threads \(t)")
      for (name, data) in reference where files[name] != data {
        Issue.record("\(name) differs between --threads \(threads[0]) and --threads \(t) (run \(i + 1))")
      }
    }
  }

  @Test("mbc simulate: every CSV file, runs.csv included, is identical for 1, 2 and 8 threads and on a repeat", arguments: [
    ["simulate", "Scenarios/outreach-ref-time.yaml", "--runs", "700", "--seed", "5", "--keep-runs"],
    ["simulate", "Scenarios/buurtcirkels.yaml", "--runs", "300", "--seed", "3"],
    ["simulate", "Scenarios/validation/darth-sick-sicker.yaml", "--runs", "500", "--seed", "2", "--engine", "cohort"],
  ])
  func test_simulate(_ arguments: [String]) throws {
    // 700 runs are 3 chunks of 256, so 2 and 8 threads really split the work.
    try Self.check(arguments, threads: [1, 2, 8], expectFiles: ["summary.csv", "trace.csv", "cashflow.csv", "plane.csv"])
  }

  @Test("mbc stress: every CSV file is identical for 1, 2 and 8 threads and on a repeat")
  func test_stress() throws {
    try Self.check(
      ["stress", "Scenarios/outreach-ref-budget.yaml", "--runs", "120", "--seed", "9"], threads: [1, 2, 8],
      expectFiles: ["summary.csv", "stress-budget.csv", "stress-queue.csv", "stress-differences.csv"])
  }
}

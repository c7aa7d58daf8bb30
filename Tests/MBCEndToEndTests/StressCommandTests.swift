import Foundation
import Testing

/// `mbc stress FILE`, run as a user would run it: the files it promises, their headers and
/// sizes, the manifest, the refusals (exit 2) and reproducibility across thread counts.
@Suite("mbc stress from the command line")
struct StressCommandTests {
  /// Fixed parameters (so the referrals' expectation is exact): 6 referrals a month over two
  /// years, three variants, one capped budget line and one without a cap.
  static let scenario = """
    name: stress-e2e
    price_year: 2026
    horizon: {value: 12, source: t}
    clients: {value: 100, source: t}
    discount: {costs: 0.04, source: t}
    payers: {municipality: Municipality, insurer: Health insurer}
    states: [A, B]
    start: A
    reference: UC
    parameters:
      r: {value: 0.1, source: t}
      p: {value: 0.25, source: t}
      c_a: {value: 300, source: t}
      c_b: {value: 1000, source: t}
    transitions:
      A: {B: r}
    arms:
      UC: {label: Usual care}
      BZ: {label: Programme, transitions: {A: {B: p}}}
    costs:
      a: {per: cycle, states: A, amount: c_a, payer: municipality}
      b: {per: cycle, states: B, amount: c_b, payer: insurer}
    budget:
      years: 2
      inflow: {rate: 6, source: t}
      capacity: {fte: 3, caseload: 10, ramp_up_months: 3, source: t}
      waiting: {dropout: 0.1, max_months: 3, source: t}
      service: {states: [A], max_months: 12}
      programme: {payer: municipality, fixed_per_year: 20000, per_fte_year: 80000, source: t}
      lines:
        wmo: {label: Wmo, payer: municipality, covers: programme, cap: 250000, source: t}
        zvw: {label: Zvw, payer: insurer, covers: care}
      variants:
        surge: {label: Surge, referral_surge: {percent: 30, from_month: 12}}
        stop: {label: Stop, funding_stop: {after_month: 18, in_care: finish}}
        wages: {label: Wages, price_rise: {percent: 7, from_month: 12}}
    """

  static let headers = [
    "summary.csv": "metric,variant,payer_or_line,year,calendar_year,unit,mean,sd,mcse,ci95_low,ci95_high,"
      + "p2_5,p5,p25,p50,p75,p95,p97_5,p_positive,runs,seed",
    "stress-cashflow.csv": "variant,year,calendar_year,payer,measure,unit,mean,sd,mcse,p5,p25,p50,p75,p95,runs,seed",
    "stress-budget.csv": "variant,line,label,payer,covers,year,calendar_year,cap,spend_mean,spend_sd,spend_mcse,"
      + "spend_p5,spend_p25,spend_p50,spend_p75,spend_p95,p_overspend,p_overspend_mcse,"
      + "overspend_mean_given_overspend,runs,seed",
    "stress-payback.csv": "variant,payer,year,calendar_year,p_payback_in_year,p_paid_back_by_end_of_year,runs,seed",
    "stress-queue.csv": "variant,month,calendar_year,calendar_month,measure,mean,sd,mcse,p5,p25,p50,p75,p95,runs,seed",
    "stress-clients.csv": "variant,year,calendar_year,measure,mean,sd,mcse,p5,p25,p50,p75,p95,runs,seed",
    "stress-differences.csv": "variant,versus,measure,payer_or_line,year,calendar_year,mean,sd,mcse,p5,p25,p50,p75,p95,"
      + "p_positive,runs,seed",
  ]

  /// Data rows per file for 4 variants (V), 2 payers + total (3), 2 years, 24 months, 2 lines
  /// of which 1 has a cap: summary V·(3 + 4 + 1·2); cashflow V·3·2·5 (4 measures and the
  /// running net saving); budget V·2·2; payback V·3·2; queue V·5·24; clients V·4·2;
  /// differences (V − 1)·(3·(2 + 1) + 1·2).
  static let rows = [
    "summary.csv": 4 * 9, "stress-cashflow.csv": 4 * 30, "stress-budget.csv": 4 * 4, "stress-payback.csv": 4 * 6,
    "stress-queue.csv": 4 * 120, "stress-clients.csv": 4 * 8, "stress-differences.csv": 3 * 11,
  ]

  func write(_ text: String, name: String = "stress-e2e.yaml") throws -> (directory: URL, file: String) {
    let directory = try temporaryDirectory("stress")
    let file = directory.appendingPathComponent(name).path
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    return (directory, file)
  }

  /// The files `mbc stress --help` promises ("Writes to --out: a, b, … and z;").
  func promisedFiles() throws -> [String] {
    let help = try MBCBinary.run(["stress", "--help"]).stdout.replacingOccurrences(of: "\n", with: " ")
    guard let start = help.range(of: "Writes to --out: "),
      let end = help.range(of: "; docs/", range: start.upperBound..<help.endIndex)
    else {
      return []
    }
    return help[start.upperBound..<end.lowerBound].replacingOccurrences(of: " and ", with: ", ")
      .components(separatedBy: ", ").map { $0.trimmingCharacters(in: .whitespaces) }
  }

  @Test("writes every file its help lists, with the documented headers, one row per variant, payer, year …")
  func test_writesPromisedFiles() throws {
    let (directory, file) = try write(Self.scenario)
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out")
    let result = try MBCBinary.run([
      "stress", file, "--runs", "100", "--seed", "5", "--threads", "2", "--out", out.path,
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("Simulated 100 runs × 4 variants"), "\(result.stdout)")
    let promised = try promisedFiles()
    #expect(Set(promised) == Set(Self.headers.keys).union(["report.html", "manifest.json"]), "\(promised)")
    for name in promised {
      #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
    }
    // Nothing else (no temporary files left behind).
    let written = try FileManager.default.contentsOfDirectory(atPath: out.path)
    #expect(Set(written) == Set(promised), "\(written)")
    for (name, header) in Self.headers {
      let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
      let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
      #expect(lines.first.map(String.init) == header, "\(name)")
      #expect(lines.count - 1 == Self.rows[name], "\(name): \(lines.count - 1) rows")
    }
    let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(report.hasPrefix("<!DOCTYPE html>") || report.hasPrefix("<!doctype html>"))
    #expect(report.contains("stress-e2e"))

    // The referrals of the base case: 6 a month for 24 months, exactly 144 expected; the
    // summary's mean must lie within 4 of its own MCSE (Poisson: sd 12, MCSE ≈ 1.2).
    let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
    let header = summary.split(separator: "\n").first!.split(separator: ",").map(String.init)
    let records: [[String]] = summary.split(separator: "\n").map { line in
      line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let row: [String]? = records.first { $0.first == "referrals" && $0[1] == "base" }
    let meanIndex = try #require(header.firstIndex(of: "mean"))
    let mcseIndex = try #require(header.firstIndex(of: "mcse"))
    let mean: Double = row.flatMap { Double($0[meanIndex]) } ?? .nan
    let mcse: Double = row.flatMap { Double($0[mcseIndex]) } ?? .nan
    #expect(mcse > 0.8 && mcse < 1.6 && abs(mean - 144) <= 4 * mcse, "mean \(mean), MCSE \(mcse)")
    #expect(row?[header.firstIndex(of: "seed")!] == "5")
  }

  @Test("manifest.json records the seed, the runs, the variants and the outputs")
  func test_manifest() throws {
    let (directory, file) = try write(Self.scenario)
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out")
    let result = try MBCBinary.run([
      "stress", file, "--runs", "100", "--seed", "77", "--threads", "1", "--out", out.path, "-q",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.isEmpty && result.stderr.isEmpty, "-q prints nothing: \(result.stdout)\(result.stderr)")
    let data = try Data(contentsOf: out.appendingPathComponent("manifest.json"))
    let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(manifest["seed"] as? String == "77")
    #expect(manifest["runs"] as? Int == 100)
    #expect(manifest["threads"] as? Int == 1)
    #expect(manifest["variants"] as? [String] == ["base", "surge", "stop", "wages"])
    #expect(manifest["horizon_cycles"] as? Int == 24)
    #expect(manifest["reference_arm"] as? String == "UC")
    #expect(Set(manifest["outputs"] as? [String] ?? []) == Set(try promisedFiles()))
    let scenario = manifest["scenario"] as? [String: Any]
    #expect(scenario?["name"] as? String == "stress-e2e")
    #expect((scenario?["sha256"] as? String)?.count == 64)
  }

  @Test("mbc report redraws the stress report byte for byte, and in Dutch with --locale nl")
  func test_reportRedraws() throws {
    let (directory, file) = try write(Self.scenario)
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out")
    let result = try MBCBinary.run(["stress", file, "--runs", "100", "--out", out.path, "-q"])
    #expect(result.status == 0, "\(result.stderr)")
    let page = out.appendingPathComponent("report.html")
    let original = try Data(contentsOf: page)
    let redraw = try MBCBinary.run(["report", out.path])
    #expect(redraw.status == 0, "\(redraw.stderr)")
    #expect(try Data(contentsOf: page) == original, "mbc report gave a different page")
    let dutch = directory.appendingPathComponent("nl.html")
    let nl = try MBCBinary.run(["report", out.path, "--locale", "nl", "--out", dutch.path])
    #expect(nl.status == 0, "\(nl.stderr)")
    let text = try String(contentsOf: dutch, encoding: .utf8)
    #expect(text.contains("lang=\"nl\"") && text.contains("€ "), "no Dutch numbers in the redrawn page")
    #expect(try Data(contentsOf: dutch) != original)
    // Without the stress tables, the page cannot be drawn: exit 2 naming the file.
    try FileManager.default.removeItem(at: out.appendingPathComponent("stress-queue.csv"))
    let missing = try MBCBinary.run(["report", out.path])
    #expect(missing.status == 2 && missing.stderr.contains("stress-queue.csv"), "\(missing.status): \(missing.stderr)")
  }

  @Test("the same seed gives byte-identical CSV files with 1 and 2 threads")
  func test_threadsReproducible() throws {
    let (directory, file) = try write(Self.scenario)
    defer { try? FileManager.default.removeItem(at: directory) }
    let one = directory.appendingPathComponent("one")
    let two = directory.appendingPathComponent("two")
    let a = try MBCBinary.run([
      "stress", file, "--runs", "100", "--seed", "3", "--threads", "1", "--out", one.path, "-q",
    ])
    let b = try MBCBinary.run([
      "stress", file, "--runs", "100", "--seed", "3", "--threads", "2", "--out", two.path, "-q",
    ])
    #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
    for name in Self.headers.keys.sorted() {
      let x = try Data(contentsOf: one.appendingPathComponent(name))
      let y = try Data(contentsOf: two.appendingPathComponent(name))
      #expect(!x.isEmpty && x == y, "\(name) differs between 1 and 2 threads")
    }
    // Another seed gives other numbers.
    let three = directory.appendingPathComponent("three")
    let c = try MBCBinary.run([
      "stress", file, "--runs", "100", "--seed", "4", "--threads", "2", "--out", three.path, "-q",
    ])
    #expect(c.status == 0)
    #expect(
      try Data(contentsOf: one.appendingPathComponent("summary.csv"))
        != Data(contentsOf: three.appendingPathComponent("summary.csv")))
  }

  @Test("a scenario without budget: exits 2 with the reason and writes nothing")
  func test_noBudget() throws {
    let (directory, file) = try write(Self.scenario.components(separatedBy: "budget:\n").first!)
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out")
    let result = try MBCBinary.run(["stress", file, "--runs", "100", "--out", out.path])
    #expect(result.status == 2)
    #expect(result.stderr.contains("the scenario has no 'budget:' section; mbc stress needs one"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test("--locale xx and --threads 0 exit 2 with the allowed values")
  func test_badOptions() throws {
    let (directory, file) = try write(Self.scenario)
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out")
    let locale = try MBCBinary.run(["stress", file, "--runs", "100", "--locale", "xx", "--out", out.path])
    #expect(locale.status == 2)
    #expect(locale.stderr.contains("--locale must be one of en, nl, not 'xx'."), "\(locale.stderr)")
    let threads = try MBCBinary.run(["stress", file, "--runs", "100", "--threads", "0", "--out", out.path])
    #expect(threads.status == 2)
    #expect(threads.stderr.contains("--threads must be between 1 and 1024, not 0."), "\(threads.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test("a bad budget exits 2 naming file:line:column and the key path")
  func test_badBudget() throws {
    let bad = Self.scenario.replacingOccurrences(of: "dropout: 0.1,", with: "dropout: 1.5,")
    let (directory, file) = try write(bad)
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try MBCBinary.run([
      "stress", file, "--runs", "100", "--out", directory.appendingPathComponent("out").path,
    ])
    #expect(result.status == 2)
    // Line 27 of the file: `  waiting: {dropout: 1.5, ...}`; the number is in column 22.
    let line =
      bad.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("dropout: 1.5") }! + 1
    #expect(line == 27)
    #expect(
      result.stderr.contains(
        "\(file):27:22: error: budget.waiting.dropout: the monthly drop-out from the waiting list is a probability "
          + "between 0 and 1, found 1.5"
      ),
      "\(result.stderr)")
    // A missing file is a usage error too.
    let missing = try MBCBinary.run(["stress", directory.appendingPathComponent("nope.yaml").path, "--runs", "100"])
    #expect(missing.status == 2)
  }
}

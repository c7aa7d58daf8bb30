import Foundation
import Testing

/// Run-time faults of `mbc simulate`: probabilities that a draw puts outside [0, 1] (stop, or
/// clamp and count), results that are not finite numbers, and the time estimate.
@Suite("mbc simulate: run-time faults", .serialized)
struct RunFaultsEndToEndTests {
  /// Well → Sick with p ~ normal(0.9, 0.1): above 1 in 1 − Φ(1) = 15.87% of runs.
  static func scenario(clamp: Bool, cost: String = "{value: 100, source: t}") -> String {
    """
    format: mbc/1
    \(clamp ? "invalid_probabilities: clamp" : "")
    cycle: month
    horizon: {value: 12, source: t}
    clients: {value: 10, source: t}
    payers: [municipality]
    states: [Well, Sick]
    start: Well
    parameters:
      p: {dist: normal, mean: 0.9, sd: 0.1, source: t}
      q: {dist: beta, mean: 0.1, sd: 0.05, source: t}
      c_sick: \(cost)
    arms:
      UC: {label: Usual care, transitions: {Well: {Sick: p}}}
      BZ: {label: Outreach, transitions: {Well: {Sick: q}}}
    costs:
      sick: {per: cycle, states: Sick, amount: c_sick, payer: municipality}
    """
  }

  func write(_ text: String, _ name: String, in dir: URL) throws -> String {
    let file = dir.appendingPathComponent(name)
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file.path
  }

  func manifest(_ dir: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: dir.appendingPathComponent("manifest.json"))
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
  }

  @Test("a drawn probability above 1 stops the run by default; with clamp the runs are counted, the same for both engines and any thread count")
  func test_clampCounts() throws {
    let dir = try temporaryDirectory("clamp")
    defer { try? FileManager.default.removeItem(at: dir) }
    let stop = try write(Self.scenario(clamp: false), "stop.yaml", in: dir)
    let clamp = try write(Self.scenario(clamp: true), "clamp.yaml", in: dir)
    let runs = 2000

    let stopped = try MBCBinary.run(["simulate", stop, "--runs", "\(runs)", "--out", dir.appendingPathComponent("s").path, "-q"])
    #expect(stopped.status == 1)
    #expect(stopped.stderr.contains("run-time error: run "), "\(stopped.stderr)")
    #expect(stopped.stderr.contains(", arm UC, state Well: the probability of moving to Sick is 1."))
    #expect(stopped.stderr.contains(" used by that row: p = 1."))
    // The run it stopped at is the first run clamped below.
    let stopRun = stopped.stderr.components(separatedBy: "run-time error: run ").dropFirst().first?.prefix { $0.isNumber }

    var seen: [Int]?
    for (engine, threads) in [("individual", 2), ("individual", 1), ("cohort", 2)] {
      let out = dir.appendingPathComponent("\(engine)-\(threads)")
      let r = try MBCBinary.run(["simulate", clamp, "--runs", "\(runs)", "--out", out.path, "--engine", engine, "--threads", "\(threads)"])
      #expect(r.status == 0, "\(r.stderr)")
      let c = try manifest(out)["clamped_probabilities"] as? [String: Int] ?? [:]
      let k = c["runs_affected"] ?? -1
      // One value per run (the row does not depend on the cycle; one arm uses p).
      #expect(c["values_clamped"] == k)
      #expect(stopRun.map { String($0) } == c["first_run"].map { String($0) })
      #expect(r.stderr.contains("warning: probabilities were clamped into [0, 1] in \(k) of 2,000 runs (\(k) values, the first in run \(c["first_run"] ?? -1); invalid_probabilities: clamp)"), "\(r.stderr)")
      // Binomial: n = 2000, π = 1 − Φ(1) = 0.158655, sd = √(nπ(1 − π)) = 16.3; within 4 sd (65).
      #expect(abs(Double(k) - 2000 * 0.158655) <= 4 * (2000 * 0.158655 * (1 - 0.158655)).squareRoot())
      // The parameters are drawn the same way in both engines and for any thread count.
      let triple = [k, c["values_clamped"] ?? -1, c["first_run"] ?? -1]
      if let seen { #expect(seen == triple) } else { seen = triple }
    }
    // Without clamping nothing is recorded.
    let clean = dir.appendingPathComponent("clean")
    let cleanFile = try write(Self.scenario(clamp: true).replacingOccurrences(of: "mean: 0.9, sd: 0.1", with: "mean: 0.5, sd: 0.01"), "clean.yaml", in: dir)
    let r = try MBCBinary.run(["simulate", cleanFile, "--runs", "500", "--out", clean.path, "-q"])
    #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
    #expect(try manifest(clean)["clamped_probabilities"] == nil)
    #expect(try manifest(clean)["non_finite_results"] == nil)
  }

  @Test("a per-run result that is not a finite number stops simulate with exit 1, naming the metrics, the runs and the parameters; nothing is written")
  func test_nonFiniteRuns() throws {
    let dir = try temporaryDirectory("inf")
    defer { try? FileManager.default.removeItem(at: dir) }
    // c_sick around 1e306 a month: 10 clients × 12 months overflow to +Inf in some runs.
    let file = try write(Self.scenario(clamp: true, cost: "{dist: lognormal, median: 1e306, sigma: 1, source: t}"), "inf.yaml", in: dir)
    for engine in ["individual", "cohort"] {
      let out = dir.appendingPathComponent(engine)
      let r = try MBCBinary.run(["simulate", file, "--runs", "500", "--out", out.path, "--engine", engine])
      #expect(r.status == 1, "\(r.stderr)")
      #expect(!r.signalled)
      #expect(r.stderr.contains("error: results that are not finite numbers (NaN or ±Inf) in "), "\(r.stderr)")
      #expect(r.stderr.contains("  cost.UC.total: "))
      #expect(r.stderr.contains(" Inf (first in run "))
      #expect(r.stderr.contains("  parameters of run "))
      #expect(r.stderr.contains("c_sick = "))
      #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.csv").path))
    }
  }

  @Test("summary statistics that overflow although every run is finite are a warning, recorded in manifest.json and written as Inf")
  func test_nonFiniteSummaries() throws {
    let dir = try temporaryDirectory("big")
    defer { try? FileManager.default.removeItem(at: dir) }
    // Runs around 1e303–1e306: finite, but their squares (the variance) overflow.
    let file = try write(Self.scenario(clamp: true, cost: "{dist: lognormal, median: 1e302, sigma: 2, source: t}"), "big.yaml", in: dir)
    let out = dir.appendingPathComponent("out")
    let r = try MBCBinary.run(["simulate", file, "--runs", "500", "--out", out.path, "--engine", "cohort"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("warning: summary statistics that are not finite numbers although every run is"), "\(r.stderr)")
    #expect(r.stderr.contains("cost.UC.total (sd, mcse, ci95_low, ci95_high)"))
    let found = try manifest(out)["non_finite_results"] as? [[String: Any]] ?? []
    let total = found.first { $0["metric"] as? String == "cost.UC.total" }
    #expect(total?["runs"] as? Int == 0)
    #expect(total?["summary_columns"] as? [String] == ["sd", "mcse", "ci95_low", "ci95_high"])
    let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
    let row = summary.split(separator: "\n").first { $0.hasPrefix("cost,UC,NA,total,") }.map(String.init) ?? ""
    #expect(row.contains(",Inf,Inf,-Inf,Inf,"), "\(row)")
  }

  @Test("the time estimate is printed when the pilot projects beyond the threshold, and the results are those of a run without it")
  func test_estimate() throws {
    let dir = try temporaryDirectory("estimate")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try write(Self.scenario(clamp: true), "e.yaml", in: dir)
    let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b"), c = dir.appendingPathComponent("c")
    let estimated = try MBCBinary.run(["simulate", file, "--runs", "2000", "--out", a.path, "--threads", "2"], environment: ["MBC_ESTIMATE_THRESHOLD": "0"])
    #expect(estimated.status == 0)
    #expect(estimated.stderr.contains("estimated time: about "), "\(estimated.stderr)")
    #expect(estimated.stderr.contains(" for 2,000 runs on 2 threads (the first 512 took "))
    #expect(estimated.stderr.contains(" s); memory about "))
    let plain = try MBCBinary.run(["simulate", file, "--runs", "2000", "--out", b.path, "--threads", "2"])
    #expect(!plain.stderr.contains("estimated time"))
    let quiet = try MBCBinary.run(["simulate", file, "--runs", "2000", "--out", c.path, "-q"], environment: ["MBC_ESTIMATE_THRESHOLD": "0"])
    #expect(quiet.stderr.isEmpty)
    for f in ["summary.csv", "ledger.csv", "trace.csv"] {
      let x = try String(contentsOf: a.appendingPathComponent(f), encoding: .utf8)
      let y = try String(contentsOf: b.appendingPathComponent(f), encoding: .utf8)
      #expect(x == y, "\(f) differs with the pilot")
    }
  }

  @Test("mbc stress: a drawn probability above 1 stops by default; with clamp it is counted from the same first run")
  func test_stressClamp() throws {
    let dir = try temporaryDirectory("stress-clamp")
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = try String(contentsOf: MBCBinary.repository.appendingPathComponent("Scenarios/outreach-ref-budget.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "p_handover:       {dist: beta, mean: 0.20, sd: 0.05,", with: "p_handover:       {dist: normal, mean: 0.9, sd: 0.1,")
    #expect(text.contains("dist: normal, mean: 0.9"))
    let stop = try write(text, "stop.yaml", in: dir)
    let clamp = try write("invalid_probabilities: clamp\n" + text, "clamp.yaml", in: dir)
    let stopped = try MBCBinary.run(["stress", stop, "--runs", "200", "--out", dir.appendingPathComponent("s").path, "-q"])
    #expect(stopped.status == 1)
    #expect(stopped.stderr.contains("the probability of moving to InCare is 1."), "\(stopped.stderr)")
    let stopRun = stopped.stderr.components(separatedBy: "run-time error: run ").dropFirst().first.map { String($0.prefix { $0.isNumber }) }
    let out = dir.appendingPathComponent("c")
    let r = try MBCBinary.run(["stress", clamp, "--runs", "200", "--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("warning: probabilities were clamped into [0, 1] in "), "\(r.stderr)")
    let c = try manifest(out)["clamped_probabilities"] as? [String: Int] ?? [:]
    #expect(c["first_run"].map(String.init) == stopRun)
    // p_handover > 1 in a run: binomial n = 200, π = 0.158655, sd = 5.17; within 4 sd.
    let k = Double(c["runs_affected"] ?? -1)
    #expect(abs(k - 200 * 0.158655) <= 4 * (200 * 0.158655 * (1 - 0.158655)).squareRoot())
    #expect((c["values_clamped"] ?? 0) >= (c["runs_affected"] ?? 1))
  }
}

import Foundation
import Testing

/// `mbc simulate` and `mbc check` run as a user runs them.
@Suite("mbc command line", .serialized)
struct SimulateEndToEndTests {
  @Test("--help lists the commands with examples")
  func test_help() throws {
    let r = try MBCBinary.run(["--help"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("simulate") && r.stdout.contains("check"))
    #expect(r.stdout.contains("mbc simulate Scenarios/bemoeizorg.yaml --runs 1e4"))
  }

  @Test("check prints what it understood and exits 0 on the bundled scenarios")
  func test_check_bundled() throws {
    for file in ["Scenarios/outreach-ref.yaml", "Scenarios/bemoeizorg.yaml"] {
      let r = try MBCBinary.run(["check", "--strict", file])
      #expect(r.status == 0, "\(file): \(r.stderr)")
      #expect(r.stdout.contains("OK: \(file) is a valid scenario. Use --explain to see the model in words."))
      #expect(r.stdout.contains(": 5 states, 2 arms (reference UC), "))
      let explained = try MBCBinary.run(["check", "--explain", file])
      #expect(explained.status == 0)
      #expect(explained.stdout.contains("Moves per cycle"))
      #expect(explained.stdout.contains("Costs (who pays what):"))
    }
  }

  @Test("check reports every problem with its location and exits 2")
  func test_check_errors() throws {
    let dir = try temporaryDirectory("check")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("bad.yaml")
    let text = try String(contentsOf: MBCBinary.repository.appendingPathComponent("Scenarios/outreach-ref.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "start: Avoiding", with: "start: Avoidng")
      .replacingOccurrences(of: "dist: beta, mean: 0.15, sd: 0.03", with: "dist: beta, mean: 0.15, sd: 0.5")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let r = try MBCBinary.run(["check", file.path])
    #expect(r.status == 2)
    #expect(r.stderr.contains("\(file.path):30:8: error: start: unknown state 'Avoidng'; did you mean 'Avoiding'?"), "\(r.stderr)")
    #expect(r.stderr.contains("\(file.path):34:3: error: parameters.p_engage_bz: "))
    #expect(r.stderr.contains("2 errors in scenario."))
  }

  @Test("check reports five different mistakes at once, each with file, line, column and key path")
  func test_check_fiveMistakes() throws {
    let dir = try temporaryDirectory("five")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("five.yaml")
    try """
      format: mbc/1
      cycle: month
      horizon: {value: 12, source: t}
      clients: {value: 10, source: t}
      payers: [municipality]
      states: [Well, Sick]
      start: Well
      parameters:
        p: {dist: beta, mean: 0.5, sd: 0.9, source: t}
        q: {expr: r * 2, source: t}
        r: {expr: q / 2, source: t}
      transitions:
        Well: {Sikc: p}
      arms:
        UC: {labl: Usual care}
      costs:
        sick: {per: cycle, states: Sick, amount: c_sick, payer: municipality}
      """.write(to: file, atomically: true, encoding: .utf8)
    let r = try MBCBinary.run(["check", file.path])
    #expect(r.status == 2)
    let errors = r.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
    #expect(errors.count == 5, "\(r.stderr)")
    let expected = [
      "\(file.path):9:3: error: parameters.p: ",  // impossible beta
      "\(file.path):10:3: error: parameters.q: parameters depend on each other in a cycle: q → r → q",
      "\(file.path):13:10: error: transitions.Well.Sikc: unknown state 'Sikc'; did you mean 'Sick'?",
      "\(file.path):15:8: error: arms.UC.labl: unknown key 'labl' in an arm; did you mean 'label'?",
      "\(file.path):17:44: error: costs.sick.amount: in expression 'c_sick': unknown name 'c_sick'",
    ]
    for (line, prefix) in zip(errors, expected) { #expect(line.hasPrefix(prefix), "\(line)") }
    #expect(r.stderr.contains("5 errors in scenario."))
  }

  @Test("--strict turns unsourced numbers into errors")
  func test_check_strict() throws {
    let dir = try temporaryDirectory("strict")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("unsourced.yaml")
    let text = try String(contentsOf: MBCBinary.repository.appendingPathComponent("Scenarios/outreach-ref.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "p_rehouse:        {dist: beta, mean: 0.05, sd: 0.02, label: \"Homeless -> Avoiding per month\", source: benchmark-model.md}", with: "p_rehouse: 0.05")
    try text.write(to: file, atomically: true, encoding: .utf8)
    #expect(try MBCBinary.run(["check", "--quiet", file.path]).status == 0)
    let strict = try MBCBinary.run(["check", "--strict", "--quiet", file.path])
    #expect(strict.status == 2)
    #expect(strict.stderr.contains("warning: parameters.p_rehouse: parameter 'p_rehouse' has no source"))
  }

  @Test("--runs accepts 1e3 and 1_000 and rejects 1.5e3 and 0 with exit code 2", arguments: [
    ("1.5e3", "the number of runs must be written with whole numbers (e.g. 1500 or 15e2, not 1.5e3)"),
    ("0", "the number of runs must be at least 1"),
    ("many", "write a whole number such as 1000000, 1_000_000 or 1e6"),
  ])
  func test_runs_rejected(value: String, message: String) throws {
    let r = try MBCBinary.run(["simulate", "Scenarios/outreach-ref.yaml", "--runs", value, "--quiet"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("The value '\(value)' is invalid for '--runs <n>': \(message)"), "\(r.stderr)")
  }

  @Test("usage errors exit 2 with a message that says what to do")
  func test_usageErrors() throws {
    let dir = try temporaryDirectory("usage")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("a-file")
    try Data("x".utf8).write(to: file)
    let outIsFile = try MBCBinary.run(["simulate", "Scenarios/outreach-ref.yaml", "--runs", "10", "--out", file.path])
    #expect(outIsFile.status == 2)
    #expect(outIsFile.stderr.contains("error: --out '\(file.path)' is a file; give a directory for the results."))
    let threads = try MBCBinary.run(["simulate", "Scenarios/outreach-ref.yaml", "--threads", "0"])
    #expect(threads.status == 2)
    #expect(threads.stderr.contains("--threads must be between 1 and 1024, not 0."))
    let missing = try MBCBinary.run(["check", "no-such-scenario.yaml"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("error: cannot open scenario 'no-such-scenario.yaml': no such file"))
    let noArgument = try MBCBinary.run(["simulate"])
    #expect(noArgument.status == 2)
    #expect(noArgument.stderr.contains("Missing expected argument '<scenario>'"))
  }

  @Test("a simulation writes every output; results are byte-identical for 1 and 2 threads")
  func test_simulate_outputs_andDeterminism() throws {
    let dir = try temporaryDirectory("simulate")
    defer { try? FileManager.default.removeItem(at: dir) }
    let one = dir.appendingPathComponent("one").path
    let two = dir.appendingPathComponent("two").path
    let a = try MBCBinary.run(["simulate", "Scenarios/outreach-ref.yaml", "--runs", "1e3", "--seed", "11", "--threads", "1", "--out", one, "--save-runs"])
    #expect(a.status == 0, "\(a.stderr)")
    #expect(a.stdout.contains("BZ vs UC: net saving"))
    #expect(a.stdout.contains("Report:  \(one)/report.html"))
    let b = try MBCBinary.run(["simulate", "Scenarios/outreach-ref.yaml", "--runs", "1_000", "--seed", "11", "--threads", "2", "--out", two, "--quiet"])
    #expect(b.status == 0 && b.stdout.isEmpty)
    for f in ["summary.csv", "incremental.csv", "ledger.csv", "ceac.csv", "evpi.csv", "evppi.csv", "trace.csv", "cashflow.csv", "payback.csv", "inputs.csv"] {
      let x = try String(contentsOfFile: "\(one)/\(f)", encoding: .utf8)
      let y = try String(contentsOfFile: "\(two)/\(f)", encoding: .utf8)
      #expect(x == y, "\(f) differs between 1 and 2 threads")
    }
    let summary = try String(contentsOfFile: "\(one)/summary.csv", encoding: .utf8).split(separator: "\n")
    #expect(summary.first == "metric,arm,versus,payer,event,effect,unit,mean,sd,mcse,ci95_low,ci95_high,p2_5,p50,p97_5,p_positive,runs,runs_to_halve_mcse,seed")
    #expect(summary.count == 1 + 24)  // 2 arms × (5 costs + 3 events) + 1 comparison × (5 + 3)
    let incremental = try String(contentsOfFile: "\(one)/incremental.csv", encoding: .utf8).split(separator: "\n")
    #expect(incremental.count == 1 + 2)  // one row per arm
    let ledger = try String(contentsOfFile: "\(one)/ledger.csv", encoding: .utf8).split(separator: "\n")
    #expect(ledger.count == 1 + 5)  // BZ vs UC × (4 payers + total)
    let trace = try String(contentsOfFile: "\(one)/trace.csv", encoding: .utf8).split(separator: "\n")
    #expect(trace.count == 1 + 2 * 37 * 5)  // arms × boundaries × states
    let cashflow = try String(contentsOfFile: "\(one)/cashflow.csv", encoding: .utf8).split(separator: "\n")
    #expect(cashflow.count == 1 + 2 * (2 + 1) * 3 * 5)  // bases × (2 arms' costs + 1 net saving) × years × payers
    let runs = try String(contentsOfFile: "\(one)/runs.csv", encoding: .utf8).split(separator: "\n")
    #expect(runs.count == 1 + 1000)
    #expect(runs[1].hasPrefix("0,11,"))
    // Parameter draws come first: rr_admit_incare is fixed at 0.5 in every run.
    let header = runs[0].split(separator: ",").map(String.init)
    let column = try #require(header.firstIndex(of: "parameter.rr_admit_incare"))
    #expect(header.firstIndex(of: "parameter.p_engage_bz")! < header.firstIndex(of: "cost.UC.municipality")!)
    #expect(runs.dropFirst().allSatisfy { $0.split(separator: ",")[column] == "0.5" })

    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(one)/manifest.json"))) as! [String: Any]
    #expect(manifest["seed"] as? String == "11")
    #expect(manifest["runs"] as? Int == 1000)
    #expect(manifest["threads"] as? Int == 1)
    let scenario = manifest["scenario"] as! [String: Any]
    let bytes = try Data(contentsOf: MBCBinary.repository.appendingPathComponent("Scenarios/outreach-ref.yaml"))
    #expect(scenario["sha256"] as? String == sha256Hex(bytes))
    let report = try String(contentsOfFile: "\(one)/report.html", encoding: .utf8)
    #expect(report.contains("<h2>Bemoeizorg (assertive outreach) compared with Usual care</h2>"))
    #expect(report.contains("<svg"))
    #expect(report.contains("Source: benchmark-model.md"))
  }

  @Test("--precision stops at a run count whose results equal a --runs call with that count")
  func test_precision() throws {
    let dir = try temporaryDirectory("precision")
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = dir.appendingPathComponent("a").path
    let b = dir.appendingPathComponent("b").path
    let r = try MBCBinary.run(["simulate", "Scenarios/outreach-ref.yaml", "--precision", "0.05", "--runs", "1e5", "--seed", "4", "--out", a])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("target reached"))
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(a)/manifest.json"))) as! [String: Any]
    let runs = try #require(manifest["runs"] as? Int)
    #expect(runs > 1000 && runs < 100_000)
    // The relative MCSE of the total net saving is below 5% at that count.
    let ledger = try String(contentsOfFile: "\(a)/ledger.csv", encoding: .utf8)
    let total = try #require(ledger.split(separator: "\n").first { $0.hasPrefix("BZ,UC,total,") })
    let fields = total.split(separator: ",").map(String.init)
    let header = ledger.split(separator: "\n")[0].split(separator: ",").map(String.init)
    // The unit field holds a quoted comma: count from the end of the header instead.
    func field(_ name: String) -> Double { Double(fields[fields.count - (header.count - header.firstIndex(of: name)!)])! }
    #expect(field("net_saving_mcse") / abs(field("net_saving_mean")) <= 0.05)
    let s = try MBCBinary.run(["simulate", "Scenarios/outreach-ref.yaml", "--runs", String(runs), "--seed", "4", "--out", b, "--quiet"])
    #expect(s.status == 0, "\(s.stderr)")
    for f in ["summary.csv", "ledger.csv", "trace.csv", "cashflow.csv", "evpi.csv"] {
      let x = try String(contentsOfFile: "\(a)/\(f)", encoding: .utf8)
      let y = try String(contentsOfFile: "\(b)/\(f)", encoding: .utf8)
      #expect(x == y, "\(f) differs between --precision and --runs \(runs)")
    }
    let bad = try MBCBinary.run(["simulate", "Scenarios/outreach-ref.yaml", "--precision", "2"])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("--precision is a relative standard error between 0 and 1"))
    let metric = try MBCBinary.run(["simulate", "Scenarios/outreach-ref.yaml", "--precision", "0.1", "--precision-metric", "net_saving.BZ.totl", "--out", b])
    #expect(metric.status == 2)
    #expect(metric.stderr.contains("did you mean 'net_saving.BZ.total'?"))
  }

  @Test("bemoeizorg: the decision analysis files, a break-even value and --wtp")
  func test_decisionOutputs() throws {
    let dir = try temporaryDirectory("decision")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("bz").path
    let r = try MBCBinary.run(["simulate", "Scenarios/bemoeizorg.yaml", "--runs", "600", "--wtp", "20000", "--out", out, "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    for f in ["incremental.csv", "ledger.csv", "ceac.csv", "evpi.csv", "evppi.csv", "break_even.csv", "payback.csv"] {
      #expect(FileManager.default.fileExists(atPath: "\(out)/\(f)"), "\(f) is missing")
    }
    let incremental = try String(contentsOfFile: "\(out)/incremental.csv", encoding: .utf8)
    #expect(incremental.contains(",eviction_avoided,"))
    #expect(incremental.contains(",20000,"))  // the --wtp value
    let breakEven = try String(contentsOfFile: "\(out)/break_even.csv", encoding: .utf8)
    #expect(breakEven.split(separator: "\n").count == 1 + 6)  // BZ vs UC × (5 payers + total)
    #expect(breakEven.contains("rr_evict_engaged,BZ,UC,total,"))
    let evpi = try String(contentsOfFile: "\(out)/evpi.csv", encoding: .utf8)
    #expect(evpi.split(separator: "\n")[1].split(separator: ",").count == 9)
    let cashflow = try String(contentsOfFile: "\(out)/cashflow.csv", encoding: .utf8)
    #expect(cashflow.contains(",1,2026,municipality,"))  // start_year labels the years
    let report = try String(contentsOfFile: "\(out)/report.html", encoding: .utf8)
    for heading in ["Return on investment and payback", "Net saving per year, as paid", "Where the clients are", "Cost-effectiveness: evictions avoided",
                    "Acceptability curves", "Value of more research", "Break-even: <code>rr_evict_engaged</code>"] {
      #expect(report.contains(heading), "report.html lacks '\(heading)'")
    }
    // A later run without --keep-runs or break-even search removes those files of this one.
    let again = try MBCBinary.run(["simulate", "Scenarios/outreach-ref.yaml", "--runs", "300", "--out", out, "--quiet", "--force"])
    #expect(again.status == 0)
    #expect(!FileManager.default.fileExists(atPath: "\(out)/break_even.csv"))
  }

  /// Alarid-Escudero et al. (2023, Med Decis Making 43:3, Table 5): the time-independent
  /// Sick-Sicker model has ICERs of $72,988/QALY (B vs SoC) and $125,764/QALY (AB vs B), with
  /// strategy A dominated (by B).
  @Test("incremental.csv of the DARTH Sick-Sicker model gives the published ICERs and dominance")
  func test_publishedICERs() throws {
    let dir = try temporaryDirectory("darth")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("darth").path
    let r = try MBCBinary.run(["simulate", "Scenarios/validation/darth-sick-sicker.yaml", "--engine", "cohort", "--runs", "3", "--out", out, "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = try String(contentsOfFile: "\(out)/incremental.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = lines[0]
    func value(_ arm: String, _ column: String) -> String? {
      lines.first { $0.first == arm }.map { $0[header.firstIndex(of: column)!] }
    }
    #expect(value("B", "icer").flatMap(Double.init).map { $0.rounded() } == 72988)
    #expect(value("AB", "icer").flatMap(Double.init).map { $0.rounded() } == 125764)
    #expect(value("A", "status") == "dominated" && value("A", "dominated_by") == "B")
    #expect(value("SoC", "status") == "frontier_start")
    #expect(value("AB", "comparator") == "B")
  }

  @Test("--engine cohort gives the exact published results; a scenario it cannot run is a usage error")
  func test_engineOption() throws {
    let dir = try temporaryDirectory("engine")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("hiv").path
    let r = try MBCBinary.run(["simulate", "Scenarios/validation/hiv-chancellor.yaml", "--engine", "cohort", "--runs", "2", "--out", out, "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/manifest.json"))) as! [String: Any]
    #expect(manifest["engine"] as? String == "cohort")
    let summary = try String(contentsOfFile: "\(out)/summary.csv", encoding: .utf8)
    // Chancellor et al. (1997) via heemod: discounted cost of monotherapy 44,663.4535637.
    let row = summary.split(separator: "\n").first { $0.hasPrefix("cost,mono,NA,total,") }
    // The unit field is quoted (it contains a comma); the mean follows it.
    let mean = row.flatMap { $0.components(separatedBy: "\",").last?.split(separator: ",").first }.flatMap { Double($0) }
    #expect(mean.map { abs($0 - 44663.4535637) < 1e-6 } == true, "\(row ?? "no row")")

    let ages = dir.appendingPathComponent("ages.yaml")
    try """
      format: mbc/1
      horizon: {value: 12, source: t}
      clients: {count: {value: 10, source: t}, attributes: {age: {dist: uniform, min: 20, max: 60, source: t}}}
      payers: [p]
      states: [A, B]
      start: A
      tables: {mort: {bands: [0, 50], values: [0.01, 0.02], source: t}}
      arms: {only: {transitions: {A: {B: "lookup(mort, age)"}}}}
      """.write(to: ages, atomically: true, encoding: .utf8)
    let cohort = try MBCBinary.run(["simulate", ages.path, "--engine", "cohort", "--runs", "2", "--out", dir.appendingPathComponent("x").path])
    #expect(cohort.status == 2)
    #expect(cohort.stderr.contains("the cohort engine needs a fixed age per subgroup"), "\(cohort.stderr)")
    let individual = try MBCBinary.run(["simulate", ages.path, "--runs", "20", "--quiet", "--out", dir.appendingPathComponent("y").path])
    #expect(individual.status == 0, "\(individual.stderr)")
  }

  @Test("a parameter draw that breaks a transition row exits 1 naming run, arm and state")
  func test_simulate_runtimeError() throws {
    let dir = try temporaryDirectory("runtime")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("overflow.yaml")
    let text = try String(contentsOf: MBCBinary.repository.appendingPathComponent("Scenarios/outreach-ref.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "p_discharge:      {dist: beta, mean: 0.50, sd: 0.10,", with: "p_discharge:      {dist: uniform, min: 0.5, max: 1.5,")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let r = try MBCBinary.run(["simulate", file.path, "--runs", "200", "--out", dir.appendingPathComponent("out").path])
    #expect(r.status == 1)
    #expect(r.stderr.contains("run-time error: run "), "\(r.stderr)")
    #expect(r.stderr.contains(", arm UC, state Admitted: the probability of moving to InCare is "))
    // The run's values of the parameters that row uses, the culprit among them.
    let line = r.stderr.split(separator: "\n").first { $0.contains("parameters of run ") && $0.contains(" used by that row: ") }
    #expect(line?.contains("p_discharge = 1.") == true, "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/summary.csv").path))
  }

  @Test("Ctrl-C (SIGINT) or SIGTERM stops a long simulation with exit 130: the finished runs are saved and their results written, marked partial; no temporary file is left", arguments: [SIGINT, SIGTERM])
  func test_simulate_interrupt(_ signal: Int32) throws {
    let dir = try temporaryDirectory("interrupt")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out")
    let process = Process()
    process.executableURL = MBCBinary.url
    process.arguments = ["simulate", "Scenarios/outreach-ref.yaml", "--runs", "2e6", "--out", out.path]
    process.currentDirectoryURL = MBCBinary.repository
    let err = Pipe()
    process.standardError = err
    process.standardOutput = Pipe()
    try process.run()
    Thread.sleep(forTimeInterval: 1.5)
    kill(process.processIdentifier, signal)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130, "\(stderr)")
    let left = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
    #expect(!left.contains { $0.contains(".tmp-") }, "temporary files left behind: \(left)")
    if stderr.contains("interrupted before any run finished") {
      #expect(left.isEmpty, "files left behind: \(left)")
      return
    }
    #expect(stderr.contains("mbc: interrupted: ") && stderr.contains(" of 2,000,000 runs finished and saved in "), "\(stderr)")
    #expect(left.contains("runs.mbcstate"), "\(left)")
    if left.contains("manifest.json") {
      let manifest = try String(contentsOf: out.appendingPathComponent("manifest.json"), encoding: .utf8)
      #expect(manifest.contains("\"partial\" : {"), "\(manifest)")
      #expect(left.contains("summary.csv") && left.contains("report.html"))
    }
  }
}

/// SHA-256 through the system's sha256sum, independent of mbc's own implementation.
func sha256Hex(_ data: Data) -> String {
  let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("mbc-sha-\(getpid())")
  try? data.write(to: tmp)
  defer { try? FileManager.default.removeItem(at: tmp) }
  let r = try? runProcess(URL(fileURLWithPath: "/usr/bin/sha256sum"), [tmp.path], in: FileManager.default.temporaryDirectory)
  return String(r?.stdout.prefix(64) ?? "")
}

@Suite("Output documentation")
struct OutputDocumentationTests {
  /// Every column of every CSV file `mbc simulate` writes is explained in docs/outputs.md
  /// (named in backquotes), and every file has a section there.
  @Test("docs/outputs.md explains every file and every column")
  func test_everyColumnDocumented() throws {
    let dir = try temporaryDirectory("outputs-doc")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("bz").path
    let r = try MBCBinary.run(["simulate", "Scenarios/bemoeizorg.yaml", "--runs", "300", "--keep-runs", "--out", out, "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let doc = try String(contentsOf: MBCBinary.repository.appendingPathComponent("docs/outputs.md"), encoding: .utf8)
    let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".csv") }.sorted()
    #expect(files.count == 13)
    for file in files {
      #expect(doc.contains("## \(file)"), "docs/outputs.md has no section for \(file)")
      let header = try String(contentsOfFile: "\(out)/\(file)", encoding: .utf8).split(separator: "\n")[0].split(separator: ",")
      for column in header where file != "runs.csv" || ["run", "seed"].contains(String(column)) {
        #expect(doc.contains("`\(column)`"), "\(file): column \(column) is not explained in docs/outputs.md")
      }
    }
  }
}

import Foundation
import MBCAnalysis
import MBCEngine
import MBCReport
import MBCScenario

/// Everything `mbc stress` writes, from the runs of a ``StressSession``: used by `mbc stress`,
/// by its interrupt (the results of the runs finished) and by `mbc merge`. The files are staged
/// and put in place together (an interrupt leaves the previous files).
struct StressOutputs {
  var scenarioPath: String
  var scenario: Scenario
  var stress: StressModel
  var hash: String
  var threads: Int
  var locale: ReportLocale
  var outDirectory: String
  var started: Date
  var commandLine: [String] = CommandLine.arguments

  /// Every file `mbc stress` may write.
  static let files = [
    "summary.csv", "stress-cashflow.csv", "stress-budget.csv", "stress-payback.csv", "stress-queue.csv", "stress-clients.csv",
    "stress-differences.csv", "report.html", "manifest.json",
  ]

  func path(_ file: String) -> String { (outDirectory as NSString).appendingPathComponent(file) }

  /// Tables, report and manifest of the session's runs (0 ..< session.runs), written together.
  func write(
    session: StressSession, clock: inout PhaseClock, partial: Manifest.Partial? = nil, resumedRuns: Int? = nil
  ) throws -> (results: StressResults, summary: CSVTable, faults: RunFaults) {
    let runCount = session.runs
    let layout = stress.layout
    let seed = session.seed
    var info = RunInfo(
      mbcVersion: MBC.version, commandLine: commandLine, scenarioPath: scenarioPath, scenarioSHA256: hash,
      seed: seed, runs: runCount, threads: threads, engine: StressSession.engineName,
      blasConfiguration: "\(BLAS.configuration); kernel \(BLAS.coreName)", startedAt: ISO8601DateFormatter().string(from: started),
      timings: clock.laps, clientCyclesPerRun: 0)
    info.partial = partial
    var results = StressResults(stress: stress, matrix: RunMatrix(rows: runCount, columns: layout.count, storage: session.takeValues()), run: info)
    var faults = RunFaults(clamps: session.clamps.total(runsBelow: runCount), matrix: RunMatrix(rows: 0, columns: 0), names: [])
    faults.nonFinite = RunFaults.scan(stress: results)
    results.run.faults = faults
    try faults.stopIfNotFinite(runs: runCount, simulation: Simulation(model: stress.model, seed: seed, threads: 1), seed: seed)
    let summary = StressTables.summary(results)
    let named: [(String, CSVTable)] = [
      ("summary.csv", summary), ("stress-cashflow.csv", StressTables.cashflow(results)), ("stress-budget.csv", StressTables.budget(results)),
      ("stress-payback.csv", StressTables.payback(results)), ("stress-queue.csv", StressTables.queue(results)),
      ("stress-clients.csv", StressTables.clients(results)), ("stress-differences.csv", StressTables.differences(results)),
    ]
    let html: String
    do {
      let data = try StressReportData(scenario: scenario, run: info, tables: Dictionary(named.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a }))
      html = StressReport.render(data, locale: locale)
    } catch {
      printError("mbc: \(error)")
      throw MBCExit.runtimeError
    }
    clock.lap("aggregate")

    // Staged, then put in place together: an interrupt leaves the previous files.
    Interrupts.writing.withLock { $0 = true }
    defer { Interrupts.writing.withLock { $0 = false } }
    var staged: [AtomicFile.Staged] = []
    do {
      for (file, table) in named { staged.append(try AtomicFile.stage(table.text, to: path(file))) }
      staged.append(try AtomicFile.stage(html, to: path("report.html")))
      clock.lap("write")
      results.run.timings = clock.laps
      var manifest = Manifest(stress: results, outputs: Self.files)
      manifest.partial = partial
      manifest.resumedRuns = resumedRuns
      staged.append(try AtomicFile.stage(manifest.json(), to: path("manifest.json")))
      // With --force over the results of mbc simulate: theirs go, so the directory is one run's;
      // the state file goes unless these are partial results.
      let other = (SimulationOutputs.allFiles + (partial == nil ? [RunStateFile.fileName] : [])).filter { !Self.files.contains($0) }.map(path)
      try AtomicFile.commit(staged, removing: other)
    } catch {
      AtomicFile.discard(staged)
      printError("mbc: \(error)")
      throw MBCExit.runtimeError
    }
    return (results, summary, faults)
  }

  /// The headline results on standard output.
  static func printSummary(_ r: StressResults, summary: CSVTable, seconds: Double, outDirectory: String, files: [String]) {
    let b = r.budget
    print("Simulated \(grouped(r.run.runs)) runs × \(r.layout.variants.count) variants in \(String(format: "%.2f", seconds)) s; total \(String(format: "%.2f", r.run.totalSeconds)) s. Seed \(r.run.seed).")
    for (v, name) in r.layout.variants.enumerated() {
      print("")
      print("\(r.variantLabels[v]) (\(name)): net saving \(b.startYear)–\(b.startYear + b.years - 1), \(r.scenario.currency) nominal (positive = saves)")
      var rows: [[String]] = []
      for payer in r.payerNames {
        guard let x = summary.records(where: ["metric": "net_saving", "variant": name, "payer_or_line": payer]).first else { continue }
        rows.append([payer, grouped(Double(x["mean"] ?? "") ?? .nan), "\(grouped(Double(x["p2_5"] ?? "") ?? .nan)) to \(grouped(Double(x["p97_5"] ?? "") ?? .nan))",
                     String(format: "%.0f%%", (Double(x["p_positive"] ?? "") ?? .nan) * 100)])
      }
      printTable(["payer", "mean", "95% interval", "P(saves)"], rows)
      for (l, line) in b.lines.enumerated() where !line.caps.isEmpty {
        let risks = (0..<b.years).map { StressTables.lineYear(r, variant: v, line: l, year: $0).pOverspend }
        print("P(overspend) \(line.name): " + risks.enumerated().map { "\(b.startYear + $0.offset) \(String(format: "%.0f%%", $0.element * 100))" }.joined(separator: ", "))
      }
    }
    print("")
    print("Results: \(outDirectory)/ (\(files.joined(separator: ", ")))")
    print("Report:  \(outDirectory)/report.html")
  }
}

import Foundation
import MBCAnalysis
import MBCEngine
import MBCReport
import MBCScenario

/// Everything `mbc simulate` writes, computed from a session whose runs are done: used by
/// `mbc simulate`, by its interrupt (the results of the runs finished) and by `mbc merge`.
///
/// The files are staged and put in place together (``AtomicFile/commit(_:removing:)``): an
/// interrupt while they are written leaves the previous files, never a mixture.
struct SimulationOutputs {
  var scenarioPath: String
  /// The scenario as analysed (with `--wtp` applied).
  var scenario: Scenario
  var model: CompiledModel
  var simulation: Simulation
  var hash: String
  var keepRuns: Bool
  var locale: ReportLocale
  var outDirectory: String
  var started: Date
  var commandLine: [String] = CommandLine.arguments

  /// Parameter draws kept for the partial value of information (all runs with --keep-runs).
  static let parameterSampleRuns = 10_000
  /// Runs per evaluation of the break-even search.
  static let breakEvenRuns = 2_000

  /// Every file `mbc simulate` may write.
  static let allFiles = [
    "summary.csv", "incremental.csv", "ledger.csv", "ceac.csv", "evpi.csv", "evppi.csv", "trace.csv", "cashflow.csv", "payback.csv",
    "plane.csv", "break_even.csv", "inputs.csv", "report.html", "runs.csv", "manifest.json",
  ]

  func path(_ file: String) -> String { (outDirectory as NSString).appendingPathComponent(file) }

  /// The break-even search of `analysis.break_even` (nil without one) on the first runs.
  /// - Throws: `.cancelled`, or the run-time error of the search (printed, exit 1).
  func breakEven(runs runCount: Int, cancellation: CancellationFlag) throws(SimulationError) -> (results: [BreakEven.Result], runs: Int)? {
    guard let b = scenario.analysis.breakEven else { return nil }
    let runs = min(runCount, Self.breakEvenRuns)
    do {
      return (try BreakEven.search(simulation, parameter: b.parameter, low: b.low, high: b.high, runs: runs, cancellation: cancellation), runs)
    } catch .cancelled {
      throw .cancelled
    } catch {
      printError("\(scenarioPath): run-time error in the break-even search (analysis.break_even, \(scenario.parameters[b.parameter].name) held at a value of its range): \(error)")
      throw error
    }
  }

  /// Aggregates the session's runs, writes every output and returns what the summary prints.
  /// - Parameters:
  ///   - partial: set for the results of an interrupted run (the manifest says so; the report
  ///     shows it; `partial.notWritten` files are left out).
  ///   - stale: files to remove with the commit (outputs of an earlier run this one does not
  ///     write are removed anyway).
  func write(
    session: SimulationSession, breakEven: (results: [BreakEven.Result], runs: Int)?, clock: inout PhaseClock,
    partial: Manifest.Partial? = nil, resumedRuns: Int? = nil, stale: [String] = []
  ) throws -> (results: ResultSet, tables: ReportTables, files: [String]) {
    let layout = model.layout
    let seed = simulation.seed
    let runCount = session.runs
    let matrix = session.takeMatrix()
    let moments = Aggregation.moments(of: matrix)
    let summaries = Summaries.summarize(matrix, moments: moments)
    // Clamped probabilities of the runs kept (after Ctrl-C: runs 0 ..< runCount), and results
    // that are not finite numbers: a per-run one stops here (exit 1), before any file.
    let faults = RunFaults(clamps: session.clamps.total(runsBelow: runCount), matrix: matrix, names: layout.columns.map(\.name), summaries: summaries)
    try faults.stopIfNotFinite(runs: runCount, simulation: simulation, seed: seed)
    var time = TimeTables.Columns(session.details!, runs: runCount)
    clock.lap("aggregate")

    let data = DecisionData(scenario: scenario, layout: layout, matrix: matrix)
    let acceptability = Acceptability(costs: data.costs, effects: data.outcomes, willingnessToPay: scenario.analysis.grid)
    let parameterSample = session.parameters!.matrix(runs: runCount)
    let evppiLambda = DecisionTables.evppiWillingnessToPay(acceptability, willingnessToPay: scenario.analysis.willingnessToPay, hasOutcome: data.hasOutcome)
    clock.lap("analysis")

    let info = RunInfo(
      mbcVersion: MBC.version, commandLine: commandLine, scenarioPath: scenarioPath, scenarioSHA256: hash,
      seed: seed, runs: runCount, threads: simulation.threads, engine: simulation.engine.rawValue, blasConfiguration: "\(BLAS.configuration); kernel \(BLAS.coreName)",
      startedAt: ISO8601DateFormatter().string(from: started), timings: clock.laps, clientCyclesPerRun: simulation.clientCyclesPerRun)
    var results = ResultSet(scenario: scenario, layout: layout, summaries: summaries, moments: moments, run: info)
    results.run.faults = faults
    var files = ["summary.csv", "incremental.csv", "ledger.csv", "ceac.csv", "evpi.csv", "evppi.csv", "trace.csv", "cashflow.csv", "payback.csv", "plane.csv"]
    if breakEven != nil { files.append("break_even.csv") }
    files += ["inputs.csv", "report.html"]
    if keepRuns { files.append("runs.csv") }
    files.append("manifest.json")
    func manifest() -> Manifest {
      var m = Manifest(results, outputs: files)
      m.partial = partial
      m.resumedRuns = resumedRuns
      return m
    }
    let baseCase = (try? BaseCase.parameterValues(model)) ?? []
    var tables = ReportTables()
    var staged: [AtomicFile.Staged] = []
    Interrupts.writing.withLock { $0 = true }
    defer { Interrupts.writing.withLock { $0 = false } }
    do {
      tables.incremental = DecisionTables.incremental(data, scenario: scenario, willingnessToPay: scenario.analysis.willingnessToPay, seed: seed)
      tables.ledger = LedgerTable.ledger(results, matrix: matrix, time: &time)
      tables.ceac = DecisionTables.ceac(acceptability, scenario: scenario, seed: seed)
      tables.evpi = DecisionTables.evpi(acceptability, scenario: scenario, engine: simulation.engine.rawValue, seed: seed)
      tables.evppi = DecisionTables.evppi(data, parameters: parameterSample, scenario: scenario, valueNames: model.parameterValueNames, willingnessToPay: evppiLambda, seed: seed)
      if let breakEven, let b = scenario.analysis.breakEven {
        tables.breakEven = BreakEvenTable.table(breakEven.results, scenario: scenario, parameter: b.parameter, low: b.low, high: b.high, runs: breakEven.runs, seed: seed)
      }
      tables.trace = TimeTables.trace(&time, scenario: scenario, seed: seed)
      tables.cashflow = TimeTables.cashflow(&time, scenario: scenario, seed: seed)
      tables.summary = SummaryTables.summary(results)
      tables.plane = PlaneTable.table(results, matrix: matrix)
      let named: [(String, CSVTable?)] = [
        ("summary.csv", tables.summary), ("plane.csv", tables.plane), ("incremental.csv", tables.incremental), ("ledger.csv", tables.ledger),
        ("ceac.csv", tables.ceac), ("evpi.csv", tables.evpi), ("evppi.csv", tables.evppi), ("break_even.csv", tables.breakEven),
        ("trace.csv", tables.trace), ("cashflow.csv", tables.cashflow), ("payback.csv", TimeTables.payback(time, scenario: scenario, seed: seed)),
        ("inputs.csv", SummaryTables.inputs(results, baseCase: baseCase)),
      ]
      for case (let file, let table?) in named { staged.append(try AtomicFile.stage(table.text, to: path(file))) }
      // The report is drawn from the tables as written, so that `mbc report` redraws the same page.
      let report = HTMLReport.render(scenario: scenario, manifest: manifest(), tables: tables, locale: locale)
      staged.append(try AtomicFile.stage(report, to: path("report.html")))
      if keepRuns {
        staged.append(try RunsTable.stage(matrix, layout: layout, parameters: session.parameters!.matrix(runs: runCount), parameterNames: model.parameterValueNames, seed: seed, to: path("runs.csv")))
      }
      clock.lap("write")
      results.run.timings = clock.laps
      staged.append(try AtomicFile.stage(manifest().json(), to: path("manifest.json")))
      // Outputs of an earlier run that this one does not write would not match it.
      // With --force over the results of mbc stress: theirs go too.
      let obsolete = (["break_even.csv", "runs.csv"] + StressOutputs.files).filter { !files.contains($0) }.map(path) + stale
      try AtomicFile.commit(staged, removing: obsolete)
    } catch {
      AtomicFile.discard(staged)
      printError("mbc: \(error)")
      throw MBCExit.runtimeError
    }
    return (results, tables, files)
  }

  /// The headline results on standard output.
  static func printSummary(_ r: ResultSet, tables: ReportTables, simulateSeconds: Double, clientCycles: Int, outDirectory: String, files: [String]) {
    let s = r.scenario
    let rate = Double(r.run.runs) * Double(clientCycles) / max(simulateSeconds, 1e-9)
    print("Simulated \(grouped(r.run.runs)) runs in \(String(format: "%.2f", simulateSeconds)) s (\(String(format: "%.3g", rate)) client-\(s.cycle.rawValue)s/s); total \(String(format: "%.2f", r.run.totalSeconds)) s. Seed \(r.run.seed).")
    let reference = s.arms[s.referenceArm]
    for arm in s.arms where arm.name != reference.name {
      print("")
      print("\(arm.name) vs \(reference.name): net saving for \(s.clients) clients over \(s.horizon) \(s.cycle.rawValue)s, \(s.currency), discounted (positive = saves)")
      let header = ["payer", "mean", "per client", "95% uncertainty interval", "P(saves)", "MCSE"]
      var rows: [[String]] = []
      for payer in s.payers.map(\.name) + ["total"] {
        guard let x = r.summary("net_saving.\(arm.name).\(payer)") else { continue }
        rows.append([payer, grouped(x.mean), grouped(x.mean / Double(s.clients)), "\(grouped(x.p2_5)) to \(grouped(x.p97_5))", String(format: "%.1f%%", x.pPositive * 100), grouped(x.mcse)])
      }
      printTable(header, rows)
      let avoided = s.events.compactMap { e -> String? in
        r.summary("events_avoided.\(arm.name).\(e.name)").map { "\(e.name) \(String(format: "%.2f", $0.mean))" }
      }
      if !avoided.isEmpty { print("Events avoided (mean per cohort): " + avoided.joined(separator: ", ")) }
      if let total = tables.ledger?.records(where: ["arm": arm.name, "payer": "total"]).first {
        var parts: [String] = []
        if let roi = total["roi"].flatMap(Double.init) {
          let ci = total["roi_ci_form"] == "bounded" ? " (95% CI \(total["roi_ci_low"].flatMap(Double.init).map { String(format: "%.2f", $0) } ?? "?")–\(total["roi_ci_high"].flatMap(Double.init).map { String(format: "%.2f", $0) } ?? "?"))" : ""
          parts.append("return per euro invested \(String(format: "%.2f", roi))\(ci)")
        }
        if let p = total["p_paid_back_by_horizon"].flatMap(Double.init) {
          let median = total["payback_years_p50"].map { $0 == "Inf" ? "not within the horizon" : (Double($0).map { String(format: "%.1f years", $0) } ?? $0) } ?? "?"
          parts.append("payback (median) \(median), P(paid back by the horizon) \(String(format: "%.0f%%", p * 100))")
        }
        if !parts.isEmpty { print("All payers: " + parts.joined(separator: "; ")) }
      }
      if let outcome = s.outcomeLabel, let row = tables.incremental?.records(where: ["arm": arm.name]).first {
        let status = (row["status"] ?? "").replacingOccurrences(of: "_", with: " ")
        let referenceRow = tables.incremental?.records(where: ["arm": reference.name]).first
        if referenceRow?["status"] == "dominated" && referenceRow?["dominated_by"] == arm.name {
          print("Cost-effectiveness: \(arm.name) dominates \(reference.name) (lower expected cost and more \(outcome))")
        } else if let icer = row["icer"].flatMap(Double.init) {
          print("Cost-effectiveness: \(grouped(icer)) \(s.currency) per unit of \(outcome) against \(row["comparator"] ?? "?") (\(status); Fieller 95% set: \(row["icer_ci_fieller_form"] ?? "?"))")
        } else {
          print("Cost-effectiveness (\(outcome)): \(status)\(row["dominated_by"].flatMap { $0 == "NA" ? nil : " by \($0)" } ?? "")")
        }
      }
      for row in tables.breakEven?.records(where: ["arm": arm.name, "payer": "total"]) ?? [] {
        let value = row["break_even_value"].flatMap(Double.init).map { String(format: "%.4g", $0) }
        print("Break-even (all payers): \(row["parameter"] ?? "") = \(value ?? (row["result"] ?? "").replacingOccurrences(of: "_", with: " "))")
      }
    }
    print("")
    print("Results: \(outDirectory)/ (\(files.joined(separator: ", ")))")
    print("Report:  \(outDirectory)/report.html")
  }
}

import ArgumentParser
import Dispatch
import Foundation
import MBCAnalysis
import MBCEngine
import MBCReport
import MBCScenario

extension EngineKind: ExpressibleByArgument {}

extension MBC {
  /// `mbc simulate FILE --runs 1e6`: the probabilistic analysis.
  struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run the Monte Carlo simulation of a scenario and write the results.",
      discussion: """
        Each run draws every uncertain parameter once, then simulates every client in every arm with the same random numbers per client (common random numbers). Results are identical for any --threads with the same --seed.

        Writes to --out: summary.csv, incremental.csv, ledger.csv, ceac.csv, evpi.csv, evppi.csv, trace.csv, cashflow.csv, payback.csv, plane.csv, break_even.csv (with analysis.break_even), inputs.csv, manifest.json and report.html, and runs.csv with --keep-runs; docs/outputs.md explains every column. `mbc report DIR` redraws report.html from these files (e.g. with --locale nl). Files are replaced atomically; Ctrl-C leaves none half written.

        With --precision the runs go on in batches until the relative Monte Carlo standard error of the main result (--precision-metric; default the total net saving of the first arm against the reference) is below the target, or --runs (default then 1e6) is reached. Runs are numbered as always, so the results equal those of --runs with the number of runs it stopped at.

        Examples:
          mbc simulate Scenarios/bemoeizorg.yaml --runs 1e4
          mbc simulate Scenarios/outreach-ref.yaml --runs 1e6 --seed 7 --threads 2
          mbc simulate Scenarios/bemoeizorg.yaml --precision 0.01
          mbc simulate my.yaml --runs 1_000 --out results/try --keep-runs --quiet
        """)

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    // `.unconditional`: a value such as -1 reaches the check (and its message), not "Missing value".
    @Option(
      parsing: .unconditional,
      help: ArgumentHelp(
        "Number of Monte Carlo runs: 1000, 1_000 or 1e3 (whole numbers only; default 10000); "
          + "with --precision, the most runs (default 1e6).", valueName: "n"),
      transform: RunCount.transform)
    var runs: RunCount?

    @Option(
      parsing: .unconditional,
      help: ArgumentHelp(
        "Stop when the relative Monte Carlo standard error of the main result is below this (e.g. 0.01 for 1%).",
        valueName: "fraction"))
    var precision: Double?

    @Option(help: ArgumentHelp("The metric --precision watches (a column name of runs.csv, e.g. net_saving.BZ.total).", valueName: "name"))
    var precisionMetric: String?

    @Option(
      parsing: .unconditional,
      help: ArgumentHelp("Seed of the random streams; the same seed gives the same results.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: ArgumentHelp("Worker threads (default: all cores).", valueName: "n"))
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Output directory (default: results/<scenario name>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("individual (microsimulation) or cohort (expected-value Markov trace); default: the scenario's 'engine'.", valueName: "kind"))
    var engine: EngineKind?

    @Option(
      parsing: .unconditional,
      help: ArgumentHelp(
        "Willingness to pay per unit of the outcome, for net benefit and the value of information "
          + "(default: the scenario's analysis.wtp).", valueName: "amount"))
    var wtp: Double?

    @Option(help: ArgumentHelp("Simulate only clients of this subgroup (its share becomes 1): results per client of one subgroup. Default output directory: results/<scenario name>-<subgroup>.", valueName: "name"))
    var subgroup: String?

    @Flag(name: [.customLong("keep-runs"), .customLong("save-runs")], help: "Also write runs.csv: the parameter draws and every metric of every run.")
    var keepRuns = false

    @Option(help: ArgumentHelp("Numbers in report.html: en (international: €1,234.56, the default) or nl (Dutch: € 1.234,56).", valueName: "code"))
    var locale: String = "en"

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
      guard (1...1024).contains(threads) else {
        throw ValidationError("--threads must be between 1 and 1024, not \(threads).")
      }
      if let precision, !(precision > 0 && precision < 1) {
        throw ValidationError("--precision is a relative standard error between 0 and 1 (e.g. 0.01 for 1%), not \(precision).")
      }
      if let wtp, !(wtp >= 0 && wtp.isFinite) {
        throw ValidationError("--wtp is an amount of 0 or more per unit of the outcome, not \(wtp).")
      }
      _ = try MBC.Report.parseLocale(locale)
      if precisionMetric != nil && precision == nil {
        throw ValidationError("--precision-metric needs --precision.")
      }
    }

    func run() throws {
      let reportLocale = try MBC.Report.parseLocale(locale)
      let started = Date()
      var clock = PhaseClock()

      // Load and compile.
      let model = try loadModel(scenario, subgroup: subgroup)
      var loaded = model.scenario
      if let wtp {
        if loaded.analysis.outcome == nil { printError("warning: --wtp has no effect: the scenario has no outcome (the analysis is on costs alone)") }
        loaded.analysis.willingnessToPay = wtp
      }
      let bytes = (try? Data(contentsOf: URL(fileURLWithPath: scenario))) ?? Data()
      let hash = SHA256.hex(of: bytes)
      let outDirectory = out ?? "results/\(loaded.name)\(subgroup.map { "-\($0)" } ?? "")"
      try checkOutputDirectory(outDirectory)
      let maxRuns = runs?.value ?? (precision != nil ? 1_000_000 : 10_000)
      let layout = model.layout
      let simulation = Simulation(model: model, seed: seed, threads: threads, engine: engine)
      let parameterRuns = keepRuns ? maxRuns : min(maxRuns, Self.parameterSampleRuns)
      let perRun = Double(layout.count) * 8 + (keepRuns ? Double(model.parameterValueCount) * 8 : 0)
      let physical = Double(ProcessInfo.processInfo.physicalMemory)
      if Double(maxRuns) * perRun > 0.5 * physical {
        printError("error: --runs \(maxRuns) keeps \(layout.count)\(keepRuns ? " + \(model.parameterValueCount)" : "") values per run (\(gigabytes(Double(maxRuns) * perRun)) GB); this machine has \(gigabytes(physical)) GB of memory. Use fewer runs.")
        throw MBCExit.usageError
      }
      // The outputs over time (trace, cash flow, payback) keep whole vectors of the first runs
      // and streamed moments per thread; their size grows with the horizon.
      let details = DetailLayout(scenario: loaded)
      let sampleRuns = DetailCollector.sampleRuns(layout: details, runs: maxRuns)
      let detailBytes = (Double(sampleRuns) + 3 * Double(threads + 2)) * Double(details.count) * 8
      if Double(maxRuns) * perRun + detailBytes > 0.5 * physical {
        printError("error: this run needs about \(gigabytes(Double(maxRuns) * perRun + detailBytes)) GB of memory: "
          + "\(gigabytes(Double(maxRuns) * perRun)) GB for --runs \(maxRuns) and \(gigabytes(detailBytes)) GB for the "
          + "outputs over time (\(details.count) values per run over \(loaded.horizon) cycles, "
          + "kept whole for the first \(sampleRuns) runs); this machine has \(gigabytes(physical)) GB. "
          + "Use a shorter horizon (or longer cycles), or fewer runs.")
        throw MBCExit.usageError
      }
      var precisionColumn: Int?
      if precision != nil {
        precisionColumn = try resolvePrecisionMetric(model)
      }
      clock.lap("load")

      // Simulate.
      if let reason = Simulation.unsupportedReason(model, engine: simulation.engine) {
        printError("\(scenario): error: \(reason)")
        throw MBCExit.usageError
      }
      if !quiet {
        let count = precision.map { "up to \(grouped(maxRuns)) runs (until the relative MCSE of \(layout.columns[precisionColumn!].name) is below \(percent($0)))" } ?? "\(grouped(maxRuns)) runs"
        printError("mbc \(MBC.version): \(loaded.name)\(loaded.onlySubgroup.map { " (subgroup \($0) only)" } ?? ""): \(count) × \(loaded.clients) clients × \(loaded.horizon) \(loaded.cycle.rawValue)s × \(loaded.arms.count) arms, \(simulation.engine.rawValue) engine, seed \(seed), \(threads) thread\(threads == 1 ? "" : "s")")
      }
      let cancellation = CancellationFlag()
      Interrupts.install(cancellation: cancellation)
      let session = SimulationSession(simulation: simulation, maxRuns: maxRuns, details: true, parameterRuns: parameterRuns)
      do {
        if let precision, let precisionColumn {
          try runToPrecision(session, target: precision, column: precisionColumn, cancellation: cancellation)
        } else {
          let progress = SimulationProgress()
          let reporter = ProgressLine(total: maxRuns, progress: progress, enabled: !quiet && isatty(STDERR_FILENO) == 1)
          reporter.start()
          defer { reporter.finish() }
          try RunEstimate.extend(session, to: maxRuns, progress: progress, cancellation: cancellation,
                                 memoryBytes: Double(maxRuns) * perRun + detailBytes, report: !quiet)
        }
      } catch .cancelled {
        printError("mbc: interrupted; no results were written.")
        throw MBCExit.interrupted
      } catch {
        printError("\(scenario): run-time error: \(error)")
        printRunParameters(error, simulation: simulation)
        printError("  (the parameters drawn in that run make the model invalid; reproduce with --seed \(seed))")
        throw MBCExit.runtimeError
      }
      let runCount = session.runs
      let simulateSeconds = clock.lap("simulate")

      // Aggregate.
      let matrix = session.takeMatrix()
      let moments = Aggregation.moments(of: matrix)
      let summaries = Summaries.summarize(matrix, moments: moments)
      let faults = RunFaults(clamps: session.clamps, matrix: matrix, names: layout.columns.map(\.name), summaries: summaries)
      try faults.stopIfNotFinite(runs: runCount, simulation: simulation, seed: seed)
      var time = TimeTables.Columns(session.details!, runs: runCount)
      clock.lap("aggregate")

      // Decision analysis.
      let data = DecisionData(scenario: loaded, layout: layout, matrix: matrix)
      let acceptability = Acceptability(costs: data.costs, effects: data.outcomes, willingnessToPay: loaded.analysis.grid)
      let parameterSample = session.parameters!.matrix(runs: runCount)
      let evppiLambda = DecisionTables.evppiWillingnessToPay(acceptability, willingnessToPay: loaded.analysis.willingnessToPay, hasOutcome: data.hasOutcome)
      var breakEven: (results: [BreakEven.Result], runs: Int)?
      if let b = loaded.analysis.breakEven {
        let runs = min(runCount, Self.breakEvenRuns)
        do {
          breakEven = (try BreakEven.search(simulation, parameter: b.parameter, low: b.low, high: b.high, runs: runs, cancellation: cancellation), runs)
        } catch .cancelled {
          printError("mbc: interrupted; no results were written.")
          throw MBCExit.interrupted
        } catch {
          printError("\(scenario): run-time error in the break-even search (analysis.break_even, \(loaded.parameters[b.parameter].name) held at a value of its range): \(error)")
          throw MBCExit.runtimeError
        }
      }
      clock.lap("analysis")
      if cancellation.isSet {
        printError("mbc: interrupted; no results were written.")
        throw MBCExit.interrupted
      }

      // Write.
      let info = RunInfo(
        mbcVersion: MBC.version, commandLine: CommandLine.arguments, scenarioPath: scenario, scenarioSHA256: hash,
        seed: seed, runs: runCount, threads: threads, engine: simulation.engine.rawValue, blasConfiguration: "\(BLAS.configuration); kernel \(BLAS.coreName)",
        startedAt: ISO8601DateFormatter().string(from: started), timings: clock.laps, clientCyclesPerRun: simulation.clientCyclesPerRun)
      var results = ResultSet(scenario: loaded, layout: layout, summaries: summaries, moments: moments, run: info)
      results.run.faults = faults
      var files = ["summary.csv", "incremental.csv", "ledger.csv", "ceac.csv", "evpi.csv", "evppi.csv", "trace.csv", "cashflow.csv", "payback.csv", "plane.csv"]
      if breakEven != nil { files.append("break_even.csv") }
      files += ["inputs.csv", "report.html"]
      if keepRuns { files.append("runs.csv") }
      files.append("manifest.json")
      let baseCase = (try? BaseCase.parameterValues(model)) ?? []
      Interrupts.writing.withLock { $0 = true }
      var tables = ReportTables()
      do {
        func path(_ f: String) -> String { (outDirectory as NSString).appendingPathComponent(f) }
        tables.incremental = DecisionTables.incremental(data, scenario: loaded, willingnessToPay: loaded.analysis.willingnessToPay, seed: seed)
        tables.ledger = LedgerTable.ledger(results, matrix: matrix, time: &time)
        tables.ceac = DecisionTables.ceac(acceptability, scenario: loaded, seed: seed)
        tables.evpi = DecisionTables.evpi(acceptability, scenario: loaded, engine: simulation.engine.rawValue, seed: seed)
        tables.evppi = DecisionTables.evppi(data, parameters: parameterSample, scenario: loaded, valueNames: model.parameterValueNames, willingnessToPay: evppiLambda, seed: seed)
        if let breakEven, let b = loaded.analysis.breakEven {
          tables.breakEven = BreakEvenTable.table(breakEven.results, scenario: loaded, parameter: b.parameter, low: b.low, high: b.high, runs: breakEven.runs, seed: seed)
        }
        tables.trace = TimeTables.trace(&time, scenario: loaded, seed: seed)
        tables.cashflow = TimeTables.cashflow(&time, scenario: loaded, seed: seed)
        tables.summary = SummaryTables.summary(results)
        tables.plane = PlaneTable.table(results, matrix: matrix)
        let named: [(String, CSVTable?)] = [
          ("summary.csv", tables.summary), ("plane.csv", tables.plane), ("incremental.csv", tables.incremental), ("ledger.csv", tables.ledger),
          ("ceac.csv", tables.ceac), ("evpi.csv", tables.evpi), ("evppi.csv", tables.evppi), ("break_even.csv", tables.breakEven),
          ("trace.csv", tables.trace), ("cashflow.csv", tables.cashflow), ("payback.csv", TimeTables.payback(time, scenario: loaded, seed: seed)),
          ("inputs.csv", SummaryTables.inputs(results, baseCase: baseCase)),
        ]
        for case (let file, let table?) in named { try AtomicFile.write(table.text, to: path(file)) }
        // Outputs of an earlier run that this one does not write would not match it.
        for file in ["break_even.csv", "runs.csv"] where !files.contains(file) {
          try? FileManager.default.removeItem(atPath: path(file))
        }
        // The report is drawn from the tables as written, so that `mbc report` redraws the same page.
        let report = HTMLReport.render(scenario: loaded, manifest: Manifest(results, outputs: files), tables: tables, locale: reportLocale)
        try AtomicFile.write(report, to: path("report.html"))
        if keepRuns {
          try RunsTable.write(matrix, layout: layout, parameters: session.parameters!.matrix(runs: runCount), parameterNames: model.parameterValueNames, seed: seed, to: path("runs.csv"))
        }
        clock.lap("write")
        results.run.timings = clock.laps
        try AtomicFile.write(Manifest(results, outputs: files).json(), to: path("manifest.json"))
      } catch {
        printError("mbc: \(error)")
        throw MBCExit.runtimeError
      }
      Interrupts.writing.withLock { $0 = false }

      if !quiet {
        printSummary(results, tables: tables, simulateSeconds: simulateSeconds, clientCycles: simulation.clientCyclesPerRun, outDirectory: outDirectory, files: files)
      }
      faults.printWarnings(runs: runCount, quiet: quiet)
    }

    /// Parameter draws kept for the partial value of information (all runs with --keep-runs).
    static let parameterSampleRuns = 10_000
    /// Runs per evaluation of the break-even search.
    static let breakEvenRuns = 2_000

    /// The column --precision watches: --precision-metric, or the total net saving of the
    /// first arm against the reference (the first column when there is a single arm).
    private func resolvePrecisionMetric(_ model: CompiledModel) throws -> Int {
      let layout = model.layout
      if let name = precisionMetric {
        if let j = layout.index(of: name) { return j }
        let names = layout.columns.map(\.name)
        let close = names.min { Self.distance(name, $0) < Self.distance(name, $1) }
        printError("error: --precision-metric: no metric '\(name)'\(close.map { "; did you mean '\($0)'?" } ?? ""); the metrics are the columns of runs.csv, e.g. \(names.prefix(3).joined(separator: ", "))")
        throw MBCExit.usageError
      }
      return layout.columns.firstIndex { $0.kind == .netSaving && $0.payer == "total" } ?? layout.index(of: "cost.\(model.scenario.arms[0].name).total") ?? 0
    }

    private static func distance(_ a: String, _ b: String) -> Int {
      let common = zip(a, b).prefix { $0 == $1 }.count
      return max(a.count, b.count) - common
    }

    /// Runs batches until the relative MCSE of `column` is below `target` or the session's
    /// maximum is reached; reports each batch on standard error.
    private func runToPrecision(_ session: SimulationSession, target: Double, column: Int, cancellation: CancellationFlag) throws(SimulationError) {
      let chunk = session.simulation.chunkSize
      var next = min(session.maxRuns, (1000 + chunk - 1) / chunk * chunk)
      while true {
        try session.extend(to: next, cancellation: cancellation)
        let (mean, mcse) = session.meanAndMCSE(column: column)
        if !mean.isFinite { return }  // results that are not finite numbers: reported (exit 1) after the runs
        let relative = mcse / abs(mean)
        let reached = relative <= target
        if !quiet {
          printError("  \(grouped(session.runs)) runs: mean \(grouped(mean)), MCSE \(grouped(mcse)) (\(relative.isFinite ? percent(relative) : "undefined: the mean is 0")\(reached ? ", target reached" : ""))")
        }
        if reached { return }
        if session.runs >= session.maxRuns {
          printError("warning: the relative MCSE is \(relative.isFinite ? percent(relative) : "undefined") after \(grouped(session.runs)) runs, above the target \(percent(target)); raise --runs to allow more runs\(abs(mean) < 3 * mcse ? " (the mean is within 3 MCSE of 0, so a relative precision may not be reachable)" : "")")
          return
        }
        next = session.nextRunCount(relative: relative, target: target)
      }
    }

    private func checkOutputDirectory(_ path: String) throws {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
        printError("error: --out '\(path)' is a file; give a directory for the results.")
        throw MBCExit.usageError
      }
    }

    private func printSummary(_ r: ResultSet, tables: ReportTables, simulateSeconds: Double, clientCycles: Int, outDirectory: String, files: [String]) {
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
}

/// After a run-time error: the failing run's values of the parameters the failing row or value
/// uses (all of them when that is not known, at most 24), so that the cause can be seen.
func printRunParameters(_ error: SimulationError, simulation: Simulation) {
  guard let run = error.run, run >= 0 else { return }
  let scenario = simulation.model.scenario
  var names: Set<String>?
  if case .invalidTransitionRow(_, let armName, let stateName, _) = error,
    let arm = scenario.arms.first(where: { $0.name == armName }),
    let state = scenario.states.firstIndex(where: { $0.name == stateName })
  {
    var used = Set(arm.transitions[state].flatMap { $0.probability.references.map(\.name) })
    // Derived parameters: the parameters their expressions use, too.
    var grew = true
    while grew {
      grew = false
      for p in scenario.parameters where used.contains(p.name) {
        if case .expression(let e) = p.definition {
          for (n, _) in e.references where !used.contains(n) {
            used.insert(n)
            grew = true
          }
        }
      }
    }
    names = used
  }
  let values = simulation.parameterValues(run: run).filter { names?.contains($0.name.split(separator: ".").first.map(String.init) ?? $0.name) ?? true }
  guard !values.isEmpty else { return }
  let shown = values.prefix(24).map { "\($0.name) = \(String(format: "%.6g", $0.value))" }
  printError("  parameters of run \(run)\(names == nil ? "" : " used by that row"): " + shown.joined(separator: ", ")
    + (values.count > 24 ? ", … (\(values.count - 24) more; all of them in runs.csv with --keep-runs)" : ""))
}

/// Wall-clock phases of a command.
struct PhaseClock {
  private var last = DispatchTime.now()
  private(set) var laps: [(phase: String, seconds: Double)] = []

  @discardableResult
  mutating func lap(_ phase: String) -> Double {
    let now = DispatchTime.now()
    let seconds = Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e9
    laps.append((phase, seconds))
    last = now
    return seconds
  }
}

func grouped(_ v: Double) -> String { Formatting.grouped(v) }

func grouped(_ n: Int) -> String { Formatting.grouped(Double(n)) }

func percent(_ fraction: Double) -> String { String(format: "%.3g%%", fraction * 100) }

func gigabytes(_ bytes: Double) -> String { String(format: "%.1f", bytes / 1_073_741_824) }

func printTable(_ header: [String], _ rows: [[String]]) {
  var widths = header.map(\.count)
  for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
  func line(_ cells: [String]) -> String {
    cells.enumerated().map { i, c in
      let pad = String(repeating: " ", count: widths[i] - c.count)
      return i == 0 ? c + pad : pad + c
    }.joined(separator: "  ")
  }
  print("  " + line(header))
  for r in rows { print("  " + line(r)) }
}

import ArgumentParser
import Foundation
import MBCAnalysis
import MBCEngine
import MBCReport
import MBCScenario

extension MBC {
  /// `mbc stress FILE`: the municipal budget stress test of the scenario's `budget:` section.
  struct Stress: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run the budget stress test of a scenario's 'budget:' section over calendar years.",
      discussion: """
        Clients are referred month by month (Poisson, with the scenario's uncertain rate, seasonality and trend), wait for one of the programme's places (FTE × caseload), may leave the waiting list, are served, and their costs follow the scenario's model (usual care while waiting or when never admitted, the intervention arm from admission). Every run draws the parameters once; every variant (referral surge, price rise, funding stop, slower ramp-up) uses the same draws and random numbers as the base case.

        Writes to --out: summary.csv, stress-cashflow.csv, stress-budget.csv, stress-payback.csv, stress-queue.csv, stress-clients.csv, stress-differences.csv, manifest.json and report.html; docs/outputs.md explains every column. Results already in --out are replaced only with --force. The files are replaced together: Ctrl-C leaves the previous ones, never a mixture or a half-written file.

        Examples:
          mbc stress Scenarios/bemoeizorg.yaml
          mbc stress Scenarios/bemoeizorg.yaml --runs 5000 --seed 7 --locale nl
          mbc stress my.yaml --runs 1e3 --out results/try --quiet
        """)

    @Argument(help: "The scenario file (YAML) with a 'budget:' section.")
    var scenario: String

    // `.unconditional`: a value such as -1 reaches the check (and its message), not "Missing value".
    @Option(parsing: .unconditional, help: ArgumentHelp("Number of Monte Carlo runs: 1000, 1_000 or 1e3 (whole numbers only; default 2000).", valueName: "n"), transform: RunCount.transform)
    var runs: RunCount?

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the random streams; the same seed gives the same results.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: ArgumentHelp("Worker threads (default: all cores).", valueName: "n"))
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Output directory (default: results/<scenario name>-stress).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Number format of report.html: en (€1,234.56, default) or nl (€ 1.234,56).", valueName: "code"))
    var locale: String = "en"

    @Flag(help: "Replace the results already in --out.")
    var force = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
      guard (1...1024).contains(threads) else {
        throw ValidationError("--threads must be between 1 and 1024, not \(threads).")
      }
      guard ReportLocale(code: locale) != nil else {
        throw ValidationError("--locale must be one of \(ReportLocale.codes.joined(separator: ", ")), not '\(locale)'.")
      }
    }

    func run() throws {
      let started = Date()
      var clock = PhaseClock()
      let loaded: Scenario
      do {
        loaded = try ScenarioLoader.load(file: scenario)
      } catch {
        printError(error.description)
        throw MBCExit.usageError
      }
      let stress: StressModel
      do {
        stress = try StressModel(loaded)
      } catch let error as ScenarioError {
        printError(error.description)
        throw MBCExit.usageError
      } catch {
        printError("\(scenario): error: \(error)")
        throw MBCExit.usageError
      }
      let runCount = runs?.value ?? 2_000
      let layout = stress.layout
      let bytesPerRun = Double(layout.count) * 8
      let physical = Double(ProcessInfo.processInfo.physicalMemory)
      if Double(runCount) * bytesPerRun > 0.5 * physical {
        printError("error: --runs \(runCount) keeps \(layout.count) values per run (\(gigabytes(Double(runCount) * bytesPerRun)) GB); this machine has \(gigabytes(physical)) GB of memory. Use fewer runs or fewer variants.")
        throw MBCExit.usageError
      }
      let outDirectory = out ?? "results/\(loaded.name)-stress"
      try OutputDirectory(outDirectory).checkReplace(force: force, resumable: false)
      let budget = stress.budget
      if !quiet {
        printError("mbc \(MBC.version): \(loaded.name) budget stress test: \(grouped(runCount)) runs × \(budget.years) years (\(budget.startYear)–\(budget.startYear + budget.years - 1)) × \(layout.variants.count) variant\(layout.variants.count == 1 ? "" : "s") (\(layout.variants.joined(separator: ", "))), seed \(seed), \(threads) thread\(threads == 1 ? "" : "s")")
      }
      clock.lap("load")

      // Simulate.
      let cancellation = CancellationFlag()
      Interrupts.install(cancellation: cancellation)
      var storage = [Double](repeating: 0, count: runCount * layout.count)
      let simulation = StressSimulation(stress: stress, seed: seed, threads: threads)
      let clamps = ProbabilityClamps()
      do {
        let progress = SimulationProgress()
        let reporter = ProgressLine(total: runCount, progress: progress, enabled: !quiet && isatty(STDERR_FILENO) == 1)
        reporter.start()
        defer { reporter.finish() }
        try storage.withUnsafeMutableBufferPointer { buffer throws(SimulationError) in
          try simulation.run(runs: runCount, into: buffer, progress: progress, cancellation: cancellation, clamps: clamps)
        }
      } catch .cancelled {
        printError("mbc: interrupted; no results were written.")
        throw MBCExit.interrupted
      } catch {
        printError("\(scenario): run-time error: \(error)")
        printRunParameters(error, simulation: Simulation(model: stress.model, seed: seed, threads: 1))
        printError("  (the parameters drawn in that run make the budget model invalid; reproduce with --seed \(seed))")
        throw MBCExit.runtimeError
      }
      let simulateSeconds = clock.lap("simulate")

      // Tables.
      let bytes = (try? Data(contentsOf: URL(fileURLWithPath: scenario))) ?? Data()
      let info = RunInfo(
        mbcVersion: MBC.version, commandLine: CommandLine.arguments, scenarioPath: scenario, scenarioSHA256: SHA256.hex(of: bytes),
        seed: seed, runs: runCount, threads: threads, engine: "budget (cohort-engine streams, stochastic queue)",
        blasConfiguration: "\(BLAS.configuration); kernel \(BLAS.coreName)", startedAt: ISO8601DateFormatter().string(from: started),
        timings: clock.laps, clientCyclesPerRun: 0)
      var results = StressResults(stress: stress, matrix: RunMatrix(rows: runCount, columns: layout.count, storage: storage), run: info)
      storage = []
      var faults = RunFaults(clamps: clamps.total(), matrix: RunMatrix(rows: 0, columns: 0), names: [])
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
        let data = try StressReportData(scenario: loaded, run: info, tables: Dictionary(named.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a }))
        html = StressReport.render(data, locale: ReportLocale(code: locale)!)
      } catch {
        printError("mbc: \(error)")
        throw MBCExit.runtimeError
      }
      clock.lap("aggregate")
      if cancellation.isSet {
        printError("mbc: interrupted; no results were written.")
        throw MBCExit.interrupted
      }

      // Write.
      let files = named.map(\.0) + ["report.html", "manifest.json"]
      // Staged, then put in place together: an interrupt leaves the previous files.
      Interrupts.writing.withLock { $0 = true }
      var staged: [AtomicFile.Staged] = []
      do {
        func path(_ f: String) -> String { (outDirectory as NSString).appendingPathComponent(f) }
        for (file, table) in named { staged.append(try AtomicFile.stage(table.text, to: path(file))) }
        staged.append(try AtomicFile.stage(html, to: path("report.html")))
        clock.lap("write")
        results.run.timings = clock.laps
        staged.append(try AtomicFile.stage(Manifest(stress: results, outputs: files).json(), to: path("manifest.json")))
        // With --force over the results of mbc simulate: theirs go, so the directory is one run's.
        let other = (SimulationOutputs.allFiles + [RunStateFile.fileName]).filter { !files.contains($0) }.map(path)
        try AtomicFile.commit(staged, removing: other)
      } catch {
        AtomicFile.discard(staged)
        printError("mbc: \(error)")
        throw MBCExit.runtimeError
      }
      Interrupts.writing.withLock { $0 = false }
      if !quiet { printSummary(results, summary: summary, seconds: simulateSeconds, outDirectory: outDirectory, files: files) }
      faults.printWarnings(runs: runCount, quiet: quiet)
    }

    private func printSummary(_ r: StressResults, summary: CSVTable, seconds: Double, outDirectory: String, files: [String]) {
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
}

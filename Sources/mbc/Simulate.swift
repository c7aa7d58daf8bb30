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
        Each run draws every uncertain parameter once, then simulates every client in every
        arm with the same random numbers per client (common random numbers). Results are
        identical for any --threads with the same --seed.

        Writes to --out: summary.csv, incremental.csv, inputs.csv, manifest.json, report.html
        (and runs.csv with --save-runs). Files are replaced atomically; Ctrl-C leaves none half
        written.

        Examples:
          mbc simulate Scenarios/bemoeizorg.yaml --runs 1e4
          mbc simulate Scenarios/outreach-ref.yaml --runs 1e6 --seed 7 --threads 2
          mbc simulate my.yaml --runs 1_000 --out results/try --save-runs --quiet
        """)

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(help: ArgumentHelp("Number of Monte Carlo runs: 1000, 1_000 or 1e3 (whole numbers only; default 10000).", valueName: "n"), transform: RunCount.transform)
    var runs: RunCount = RunCount(10_000)

    @Option(help: ArgumentHelp("Seed of the random streams; the same seed gives the same results.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Worker threads (default: all cores).", valueName: "n"))
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Output directory (default: results/<scenario name>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("individual (microsimulation) or cohort (expected-value Markov trace); default: the scenario's 'engine'.", valueName: "kind"))
    var engine: EngineKind?

    @Flag(help: "Also write runs.csv with every metric of every run.")
    var saveRuns = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
      guard (1...1024).contains(threads) else {
        throw ValidationError("--threads must be between 1 and 1024, not \(threads).")
      }
    }

    func run() throws {
      let started = Date()
      var clock = PhaseClock()

      // Load and compile.
      let model = try loadModel(scenario)
      let loaded = model.scenario
      let bytes = (try? Data(contentsOf: URL(fileURLWithPath: scenario))) ?? Data()
      let hash = SHA256.hex(of: bytes)
      let outDirectory = out ?? "results/\(loaded.name)"
      try checkOutputDirectory(outDirectory)
      let runCount = runs.value
      let layout = model.layout
      let matrixBytes = Double(runCount) * Double(layout.count) * 8
      let physical = Double(ProcessInfo.processInfo.physicalMemory)
      if matrixBytes > 0.5 * physical {
        printError("error: --runs \(runCount) keeps \(layout.count) values per run (\(gigabytes(matrixBytes)) GB); this machine has \(gigabytes(physical)) GB of memory. Use fewer runs.")
        throw MBCExit.usageError
      }
      clock.lap("load")

      // Simulate.
      let simulation = Simulation(model: model, seed: seed, threads: threads, engine: engine)
      if let reason = Simulation.unsupportedReason(model, engine: simulation.engine) {
        printError("\(scenario): error: \(reason)")
        throw MBCExit.usageError
      }
      if !quiet {
        printError("mbc \(MBC.version): \(loaded.name): \(grouped(runCount)) runs × \(loaded.clients) clients × \(loaded.horizon) \(loaded.cycle.rawValue)s × \(loaded.arms.count) arms, \(simulation.engine.rawValue) engine, seed \(seed), \(threads) thread\(threads == 1 ? "" : "s")")
      }
      let cancellation = CancellationFlag()
      Interrupts.install(cancellation: cancellation)
      let progress = SimulationProgress()
      let reporter = ProgressLine(total: runCount, progress: progress, enabled: !quiet && isatty(STDERR_FILENO) == 1)
      var matrix = RunMatrix(rows: runCount, columns: layout.count)
      do {
        reporter.start()
        defer { reporter.finish() }
        try matrix.storage.withUnsafeMutableBufferPointer { (buffer) throws(SimulationError) in
          try simulation.run(runs: runCount, into: buffer, progress: progress, cancellation: cancellation)
        }
      } catch .cancelled {
        printError("mbc: interrupted; no results were written.")
        throw MBCExit.interrupted
      } catch {
        printError("\(scenario): run-time error: \(error)")
        printError("  (the parameters drawn in that run make the model invalid; reproduce with --seed \(seed))")
        throw MBCExit.runtimeError
      }
      let simulateSeconds = clock.lap("simulate")

      // Aggregate.
      let moments = Aggregation.moments(of: matrix)
      let summaries = Summaries.summarize(matrix, moments: moments)
      clock.lap("aggregate")
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
      var files = ["summary.csv", "incremental.csv", "inputs.csv", "report.html"]
      if saveRuns { files.append("runs.csv") }
      files.append("manifest.json")
      let baseCase = (try? BaseCase.parameterValues(model)) ?? []
      Interrupts.writing.withLock { $0 = true }
      do {
        func path(_ f: String) -> String { (outDirectory as NSString).appendingPathComponent(f) }
        try AtomicFile.write(SummaryTables.summary(results).text, to: path("summary.csv"))
        try AtomicFile.write(SummaryTables.incremental(results).text, to: path("incremental.csv"))
        try AtomicFile.write(SummaryTables.inputs(results, baseCase: baseCase).text, to: path("inputs.csv"))
        try AtomicFile.write(HTMLReport.render(results, matrix: matrix), to: path("report.html"))
        if saveRuns { try RunsTable.write(matrix, layout: layout, seed: seed, to: path("runs.csv")) }
        clock.lap("write")
        results.run.timings = clock.laps
        try AtomicFile.write(Manifest(results, outputs: files).json(), to: path("manifest.json"))
      } catch {
        printError("mbc: \(error)")
        throw MBCExit.runtimeError
      }
      Interrupts.writing.withLock { $0 = false }

      if !quiet {
        printSummary(results, simulateSeconds: simulateSeconds, clientCycles: simulation.clientCyclesPerRun, outDirectory: outDirectory, files: files)
      }
    }

    private func checkOutputDirectory(_ path: String) throws {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
        printError("error: --out '\(path)' is a file; give a directory for the results.")
        throw MBCExit.usageError
      }
    }

    private func printSummary(_ r: ResultSet, simulateSeconds: Double, clientCycles: Int, outDirectory: String, files: [String]) {
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
      }
      print("")
      print("Results: \(outDirectory)/ (\(files.joined(separator: ", ")))")
      print("Report:  \(outDirectory)/report.html")
    }
  }
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

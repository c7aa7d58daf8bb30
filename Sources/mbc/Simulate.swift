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

        Writes to --out: summary.csv, incremental.csv, ledger.csv, ceac.csv, evpi.csv, evppi.csv, trace.csv, cashflow.csv, payback.csv, plane.csv, break_even.csv (with analysis.break_even), inputs.csv, manifest.json and report.html, and runs.csv with --keep-runs; docs/outputs.md explains every column. `mbc report DIR` redraws report.html from these files (e.g. with --locale nl). Results already in --out are replaced only with --force; the files are replaced together. Ctrl-C (or SIGTERM) stops the runs, saves those finished in runs.mbcstate and writes their results marked partial (manifest.json "partial"); --resume continues, and the results equal an uninterrupted run's. A second Ctrl-C stops at once and leaves the previous files.

        --shard i/n simulates part i of n of the runs (for several machines); `mbc merge` combines the shards into the results of the whole run, equal to one unsplit run's.

        With --precision the runs go on in batches until the relative Monte Carlo standard error of the main result (--precision-metric; default the total net saving of the first arm against the reference) is below the target, or --runs (default then 1e6) is reached. Runs are numbered as always, so the results equal those of --runs with the number of runs it stopped at.

        Examples:
          mbc simulate Scenarios/bemoeizorg.yaml --runs 1e4
          mbc simulate Scenarios/outreach-ref.yaml --runs 1e6 --seed 7 --threads 2
          mbc simulate Scenarios/bemoeizorg.yaml --precision 0.01
          mbc simulate my.yaml --runs 1_000 --out results/try --keep-runs --quiet --force
          mbc simulate Scenarios/bemoeizorg.yaml --runs 1e5 --resume      # after Ctrl-C
          mbc simulate Scenarios/bemoeizorg.yaml --runs 1e5 --shard 1/2 --out shards/1
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

    @Flag(help: "Replace the results (or the interrupted run) already in --out.")
    var force = false

    @Flag(help: "Continue the interrupted run saved in --out (runs.mbcstate): the results equal those of an uninterrupted run.")
    var resume = false

    @Option(
      help: ArgumentHelp(
        "Simulate only part i of n of the runs (e.g. 2/4) and save them in --out for `mbc merge`; the merged results equal one run's.",
        valueName: "i/n"),
      transform: ShardOption.transform)
    var shard: ShardOption?

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
      if shard != nil && precision != nil {
        throw ValidationError("--shard cannot be combined with --precision: every shard must know the number of runs (give --runs).")
      }
      if force && resume {
        throw ValidationError("--force starts again and --resume continues: give one of them.")
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
      let maxRuns = runs?.value ?? (precision != nil ? 1_000_000 : 10_000)
      let layout = model.layout
      let simulation = Simulation(model: model, seed: seed, threads: threads, engine: engine)
      let parameterRuns = keepRuns ? maxRuns : min(maxRuns, SimulationOutputs.parameterSampleRuns)
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
      if let reason = Simulation.unsupportedReason(model, engine: simulation.engine) {
        printError("\(scenario): error: \(reason)")
        throw MBCExit.usageError
      }

      let directory = try OutputDirectory(outDirectory)
      if !resume { try directory.checkReplace(force: force, resumable: true) }

      // The runs of this command: all, or a shard's chunks.
      let chunkSize = simulation.chunkSize
      let part = try shard.map { try ResumableCommand.shardRuns($0, maxRuns: maxRuns, chunkSize: chunkSize) } ?? 0..<maxRuns
      let firstRun = part.lowerBound, endRun = part.upperBound
      let session = SimulationSession(simulation: simulation, maxRuns: maxRuns, details: true, parameterRuns: parameterRuns, firstRun: firstRun)
      let identity = RunStateFile.Identity(mbcVersion: MBC.version, scenarioSHA256: hash, session: session, subgroup: subgroup)
      var resumedRuns: Int?
      if resume {
        let saved = try ResumableCommand(scenarioPath: scenario, outDirectory: outDirectory, shard: shard).loadSaved(directory, identity: identity)
        saved.restore(into: session.details!)
        session.replay = saved
        resumedRuns = saved.runs
        if !quiet { printError("Resuming: \(grouped(saved.runs)) of \(grouped(endRun - firstRun)) runs are saved in \(directory.statePath!); simulating the rest.") }
      }
      clock.lap("load")

      // Simulate.
      if !quiet {
        let count = precision.map { "up to \(grouped(maxRuns)) runs (until the relative MCSE of \(layout.columns[precisionColumn!].name) is below \(percent($0)))" } ?? "\(grouped(maxRuns)) runs"
        let part = shard.map { ", shard \($0.description): runs \(grouped(firstRun)) ..< \(grouped(endRun))" } ?? ""
        printError("mbc \(MBC.version): \(loaded.name)\(loaded.onlySubgroup.map { " (subgroup \($0) only)" } ?? ""): \(count) × \(loaded.clients) clients × \(loaded.horizon) \(loaded.cycle.rawValue)s × \(loaded.arms.count) arms, \(simulation.engine.rawValue) engine, seed \(seed), \(threads) thread\(threads == 1 ? "" : "s")\(part)")
      }
      let cancellation = CancellationFlag()
      Interrupts.install(cancellation: cancellation)
      Interrupts.selfInterrupt(afterRuns: ProcessInfo.processInfo.environment["MBC_INTERRUPT_AFTER_RUNS"], ledger: session.ledger, chunkSize: chunkSize)
      let outputs = SimulationOutputs(
        scenarioPath: scenario, scenario: loaded, model: model, simulation: simulation, hash: hash, keepRuns: keepRuns,
        locale: reportLocale, outDirectory: outDirectory, started: started)
      do {
        if let precision, let precisionColumn {
          try runToPrecision(session, target: precision, column: precisionColumn, cancellation: cancellation)
        } else {
          let progress = SimulationProgress()
          let reporter = ProgressLine(total: endRun - firstRun, progress: progress, enabled: !quiet && isatty(STDERR_FILENO) == 1)
          reporter.start()
          defer { reporter.finish() }
          try RunEstimate.extend(session, to: endRun, progress: progress, cancellation: cancellation,
                                 memoryBytes: Double(maxRuns) * perRun + detailBytes, report: !quiet)
        }
      } catch .cancelled {
        try stopAfterInterrupt(session, outputs: outputs, identity: identity, clock: &clock)
      } catch {
        printError("\(scenario): run-time error: \(error)")
        printRunParameters(error, simulation: simulation)
        printError("  (the parameters drawn in that run make the model invalid; reproduce with --seed \(seed))")
        throw MBCExit.runtimeError
      }
      let simulateSeconds = clock.lap("simulate")

      if let shard {
        try writeShard(session, shard: shard, identity: identity, outputs: outputs, clock: &clock)
        return
      }

      // Analyses that simulate again, then aggregate and write.
      let breakEven: (results: [BreakEven.Result], runs: Int)?
      do {
        breakEven = try outputs.breakEven(runs: session.runs, cancellation: cancellation)
      } catch .cancelled {
        try stopAfterInterrupt(session, outputs: outputs, identity: identity, clock: &clock)
      } catch {
        throw MBCExit.runtimeError
      }
      if breakEven != nil { clock.lap("break_even") }
      if cancellation.isSet {
        try stopAfterInterrupt(session, outputs: outputs, identity: identity, clock: &clock)
      }
      let written = try outputs.write(
        session: session, breakEven: breakEven, clock: &clock, resumedRuns: resumedRuns,
        stale: [(outDirectory as NSString).appendingPathComponent(RunStateFile.fileName)])
      if !quiet {
        SimulationOutputs.printSummary(written.results, tables: written.tables, simulateSeconds: simulateSeconds, clientCycles: simulation.clientCyclesPerRun, outDirectory: outDirectory, files: written.files)
      }
      written.results.run.faults.printWarnings(runs: session.runs, quiet: quiet)
    }

    /// After Ctrl-C or SIGTERM: saves the completed chunks (runs.mbcstate) and writes the
    /// results of the longest stretch of completed runs 0 ..< k, marked partial; exits with 130.
    private func stopAfterInterrupt(
      _ session: SimulationSession, outputs: SimulationOutputs, identity: RunStateFile.Identity, clock: inout PhaseClock
    ) throws -> Never {
      let saved = try resumable(outputs).saveAfterInterrupt(session, identity: identity)
      guard shard == nil else { throw MBCExit.interrupted }
      let kept = session.keepCompletedPrefix()
      guard kept > 0 else {
        printError("  (no results written: the first chunk of runs did not finish)")
        throw MBCExit.interrupted
      }
      printError("  Writing the results of runs 0 ..< \(grouped(kept)), marked partial (Ctrl-C again to skip) …")
      let partial = Manifest.Partial(
        runsRequested: session.maxRuns, runsCompleted: kept, runsSaved: saved, stateFile: RunStateFile.fileName,
        notWritten: outputs.scenario.analysis.breakEven != nil ? ["break_even.csv"] : [], resumeCommand: resumable(outputs).resumeCommand())
      _ = try outputs.write(session: session, breakEven: nil, clock: &clock, partial: partial)
      printError("  Partial results of \(grouped(kept)) runs: \(outputs.outDirectory)/ (manifest.json: \"partial\")")
      throw MBCExit.interrupted
    }

    private func resumable(_ outputs: SimulationOutputs) -> ResumableCommand {
      ResumableCommand(scenarioPath: scenario, outDirectory: outputs.outDirectory, shard: shard, keepRuns: keepRuns, willingnessToPay: wtp)
    }

    /// A shard's output: its runs in runs.mbcstate and a manifest that says which shard.
    private func writeShard(_ session: SimulationSession, shard: ShardOption, identity: RunStateFile.Identity, outputs: SimulationOutputs, clock: inout PhaseClock) throws {
      let info = RunInfo(
        mbcVersion: MBC.version, commandLine: CommandLine.arguments, scenarioPath: scenario, scenarioSHA256: outputs.hash,
        seed: seed, runs: session.maxRuns, threads: threads, engine: session.simulation.engine.rawValue,
        blasConfiguration: "\(BLAS.configuration); kernel \(BLAS.coreName)", startedAt: ISO8601DateFormatter().string(from: outputs.started),
        timings: clock.laps, clientCyclesPerRun: session.simulation.clientCyclesPerRun)
      var manifest = Manifest(
        run: info, scenario: outputs.scenario, outputs: [RunStateFile.fileName, "manifest.json"], clients: outputs.scenario.clients,
        horizonCycles: outputs.scenario.horizon, randomNumbers: "xoshiro256++ streams keyed by (seed, run, client, purpose) via SplitMix64 hashing")
      manifest.subgroup = outputs.scenario.onlySubgroup
      manifest.shard = Manifest.ShardRecord(index: shard.index, count: shard.count, firstRun: session.firstRun, endRun: session.runs, stateFile: RunStateFile.fileName)
      try resumable(outputs).writeShard(session, identity: identity, manifest: manifest, others: SimulationOutputs.allFiles, quiet: quiet)
    }

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

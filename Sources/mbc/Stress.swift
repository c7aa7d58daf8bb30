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

        Writes to --out: summary.csv, stress-cashflow.csv, stress-budget.csv, stress-payback.csv, stress-queue.csv, stress-clients.csv, stress-differences.csv, manifest.json and report.html; docs/outputs.md explains every column. Results already in --out are replaced only with --force; the files are replaced together. Ctrl-C (or SIGTERM) saves the runs finished in runs.mbcstate and writes their results marked partial; --resume continues, with results equal to an uninterrupted run's. --shard i/n and `mbc merge` split a stress test over machines.

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

    @Flag(help: "Continue the interrupted stress test saved in --out (runs.mbcstate): the results equal those of an uninterrupted run.")
    var resume = false

    @Option(
      help: ArgumentHelp("Run only part i of n of the runs (e.g. 2/4) and save them in --out for `mbc merge`.", valueName: "i/n"),
      transform: ShardOption.transform)
    var shard: ShardOption?

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
      guard (1...1024).contains(threads) else {
        throw ValidationError("--threads must be between 1 and 1024, not \(threads).")
      }
      if force && resume {
        throw ValidationError("--force starts again and --resume continues: give one of them.")
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
      let directory = try OutputDirectory(outDirectory)
      if !resume { try directory.checkReplace(force: force, resumable: true) }
      let simulation = StressSimulation(stress: stress, seed: seed, threads: threads)
      let part = try shard.map { try ResumableCommand.shardRuns($0, maxRuns: runCount, chunkSize: simulation.chunkSize) } ?? 0..<runCount
      let session = StressSession(simulation: simulation, maxRuns: runCount, firstRun: part.lowerBound)
      let bytes = (try? Data(contentsOf: URL(fileURLWithPath: scenario))) ?? Data()
      let hash = SHA256.hex(of: bytes)
      let identity = RunStateFile.Identity(mbcVersion: MBC.version, scenarioSHA256: hash, session: session, subgroup: nil)
      let resumable = ResumableCommand(scenarioPath: scenario, outDirectory: outDirectory, shard: shard)
      var resumedRuns: Int?
      if resume {
        let saved = try resumable.loadSaved(directory, identity: identity)
        session.replay = saved
        resumedRuns = saved.runs
        if !quiet { printError("Resuming: \(grouped(saved.runs)) of \(grouped(part.count)) runs are saved in \(directory.statePath!); simulating the rest.") }
      }
      let budget = stress.budget
      if !quiet {
        let shardText = shard.map { ", shard \($0.description): runs \(grouped(part.lowerBound)) ..< \(grouped(part.upperBound))" } ?? ""
        printError("mbc \(MBC.version): \(loaded.name) budget stress test: \(grouped(runCount)) runs × \(budget.years) years (\(budget.startYear)–\(budget.startYear + budget.years - 1)) × \(layout.variants.count) variant\(layout.variants.count == 1 ? "" : "s") (\(layout.variants.joined(separator: ", "))), seed \(seed), \(threads) thread\(threads == 1 ? "" : "s")\(shardText)")
      }
      clock.lap("load")

      // Simulate.
      let cancellation = CancellationFlag()
      Interrupts.install(cancellation: cancellation)
      Interrupts.selfInterrupt(afterRuns: ProcessInfo.processInfo.environment["MBC_INTERRUPT_AFTER_RUNS"], ledger: session.ledger, chunkSize: simulation.chunkSize)
      let outputs = StressOutputs(
        scenarioPath: scenario, scenario: loaded, stress: stress, hash: hash, threads: threads, locale: ReportLocale(code: locale)!,
        outDirectory: outDirectory, started: started)
      // After Ctrl-C or SIGTERM: save the finished chunks, write the results of runs 0 ..< k
      // (the longest stretch with no gap) marked partial, exit 130.
      func stopAfterInterrupt() throws -> Never {
        let saved = try resumable.saveAfterInterrupt(session, identity: identity)
        guard shard == nil else { throw MBCExit.interrupted }
        let kept = session.keepCompletedPrefix()
        guard kept > 0 else { throw MBCExit.interrupted }
        printError("  Writing the results of runs 0 ..< \(grouped(kept)), marked partial (Ctrl-C again to skip) …")
        let partial = Manifest.Partial(
          runsRequested: runCount, runsCompleted: kept, runsSaved: saved, stateFile: RunStateFile.fileName, notWritten: [],
          resumeCommand: resumable.resumeCommand())
        _ = try outputs.write(session: session, clock: &clock, partial: partial)
        printError("  Partial results of \(grouped(kept)) runs: \(outDirectory)/ (manifest.json: \"partial\")")
        throw MBCExit.interrupted
      }
      do {
        let progress = SimulationProgress()
        let reporter = ProgressLine(total: part.count, progress: progress, enabled: !quiet && isatty(STDERR_FILENO) == 1)
        reporter.start()
        defer { reporter.finish() }
        try session.run(to: part.upperBound, progress: progress, cancellation: cancellation)
      } catch .cancelled {
        try stopAfterInterrupt()
      } catch {
        printError("\(scenario): run-time error: \(error)")
        printRunParameters(error, simulation: Simulation(model: stress.model, seed: seed, threads: 1))
        printError("  (the parameters drawn in that run make the budget model invalid; reproduce with --seed \(seed))")
        throw MBCExit.runtimeError
      }
      let simulateSeconds = clock.lap("simulate")

      if let shard {
        let info = RunInfo(
          mbcVersion: MBC.version, commandLine: CommandLine.arguments, scenarioPath: scenario, scenarioSHA256: hash, seed: seed, runs: runCount,
          threads: threads, engine: StressSession.engineName, blasConfiguration: "\(BLAS.configuration); kernel \(BLAS.coreName)",
          startedAt: ISO8601DateFormatter().string(from: started), timings: clock.laps, clientCyclesPerRun: 0)
        var manifest = Manifest(
          run: info, scenario: loaded, outputs: [RunStateFile.fileName, "manifest.json"], clients: 0, horizonCycles: budget.months,
          randomNumbers: "xoshiro256++ streams keyed by (seed, run, month, purpose) via SplitMix64 hashing")
        manifest.variants = layout.variants
        manifest.shard = Manifest.ShardRecord(index: shard.index, count: shard.count, firstRun: part.lowerBound, endRun: part.upperBound, stateFile: RunStateFile.fileName)
        try resumable.writeShard(session, identity: identity, manifest: manifest, others: StressOutputs.files, quiet: quiet)
        return
      }
      if cancellation.isSet { try stopAfterInterrupt() }
      let written = try outputs.write(session: session, clock: &clock, resumedRuns: resumedRuns)
      if !quiet {
        StressOutputs.printSummary(written.results, summary: written.summary, seconds: simulateSeconds, outDirectory: outDirectory, files: StressOutputs.files)
      }
      written.faults.printWarnings(runs: runCount, quiet: quiet)
    }
  }
}

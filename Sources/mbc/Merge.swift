import ArgumentParser
import Foundation
import MBCEngine
import MBCReport
import MBCScenario

extension MBC {
  /// `mbc merge DIR…`: the results of a run simulated in shards (`mbc simulate --shard i/n`
  /// or `mbc stress --shard i/n`).
  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Combine the shards of a run (mbc simulate or mbc stress --shard i/n) into the results of the whole run.",
      discussion: """
        Reads runs.mbcstate from every shard's output directory, checks that they are the shards 1 … n of one run \
        (same scenario, seed, runs, engine and mbc version; no shard missing or given twice), and writes the same \
        files mbc simulate (or mbc stress) writes. The CSV files equal those of one unsplit run with the same seed, byte for byte; \
        only manifest.json differs (command line, threads, timings).

        The scenario named in the shards must be unchanged (its SHA-256 is saved); if it has moved, give it with \
        --scenario. analysis.break_even, if the scenario has one, is computed here (it simulates again).

        Examples:
          mbc simulate Scenarios/bemoeizorg.yaml --runs 1e5 --shard 1/2 --out shards/1    # on one machine
          mbc simulate Scenarios/bemoeizorg.yaml --runs 1e5 --shard 2/2 --out shards/2    # on another
          mbc merge shards/1 shards/2 --out results/bemoeizorg-1e5
        """)

    @Argument(help: "The output directories of the shards (or their runs.mbcstate files).")
    var shards: [String]

    @Option(help: ArgumentHelp("Output directory (default: results/<scenario name>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("The scenario file, when the one the shards name has moved.", valueName: "file"))
    var scenario: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Worker threads for analysis.break_even (default: all cores).", valueName: "n"))
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Numbers in report.html: en (€1,234.56, the default) or nl (€ 1.234,56).", valueName: "code"))
    var locale: String = "en"

    @Flag(help: "Replace the results already in --out.")
    var force = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
      guard (1...1024).contains(threads) else {
        throw ValidationError("--threads must be between 1 and 1024, not \(threads).")
      }
      _ = try MBC.Report.parseLocale(locale)
      guard !shards.isEmpty else { throw ValidationError("give the output directories of the shards.") }
    }

    func run() throws {
      let reportLocale = try MBC.Report.parseLocale(locale)
      let started = Date()
      var clock = PhaseClock()

      // The shards.
      let paths = try shards.map { given -> String in
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: given, isDirectory: &isDirectory) else {
          printError("error: '\(given)' does not exist; give the output directory of a shard.")
          throw MBCExit.usageError
        }
        let path = isDirectory.boolValue ? (given as NSString).appendingPathComponent(RunStateFile.fileName) : given
        guard FileManager.default.fileExists(atPath: path) else {
          printError("error: '\(given)' has no \(RunStateFile.fileName); give the output directory of mbc simulate --shard i/n.")
          throw MBCExit.usageError
        }
        return path
      }
      let saved: SavedRuns
      do {
        saved = try SavedRuns(paths: paths)
      } catch {
        printError("error: \(error)")
        throw MBCExit.usageError
      }
      let header = saved.header
      let identity = header.identity
      try checkComplete(saved, paths: paths)

      // The scenario, as the shards ran it.
      let scenarioPath = scenario ?? header.scenarioPath
      let bytes = FileManager.default.contents(atPath: scenarioPath) ?? Data()
      let hash = SHA256.hex(of: bytes)
      guard hash == identity.scenarioSHA256 else {
        printError(bytes.isEmpty
          ? "error: the shards' scenario '\(scenarioPath)' cannot be read; give it with --scenario."
          : "error: '\(scenarioPath)' has changed since the shards ran (SHA-256 \(hash.prefix(12))…, the shards' \(identity.scenarioSHA256.prefix(12))…); give the scenario they ran with --scenario.")
        throw MBCExit.usageError
      }
      if identity.engine == StressSession.engineName {
        try mergeStress(saved, scenarioPath: scenarioPath, hash: hash, started: started, paths: paths)
        return
      }
      let model = try loadModel(scenarioPath, subgroup: identity.subgroup)
      var loaded = model.scenario
      if let wtp = header.willingnessToPay { loaded.analysis.willingnessToPay = wtp }
      guard let engine = EngineKind(rawValue: identity.engine), let seed = UInt64(identity.seed) else {
        printError("error: \(paths[0]): unknown engine '\(identity.engine)' or seed '\(identity.seed)'.")
        throw MBCExit.usageError
      }
      let simulation = Simulation(model: model, seed: seed, threads: threads, engine: engine)
      let session = SimulationSession(simulation: simulation, maxRuns: identity.runs, details: true, parameterRuns: identity.parameterRows)
      try checkFits(identity, session: session, hash: hash)
      let outDirectory = out ?? "results/\(loaded.name)\(identity.subgroup.map { "-\($0)" } ?? "")"
      try OutputDirectory(outDirectory).checkReplace(force: force, resumable: false)
      saved.restore(into: session.details!)
      session.replay = saved
      do {
        try session.extend(to: identity.runs)  // every chunk is replayed: nothing is simulated
      } catch {
        printError("mbc: \(error)")
        throw MBCExit.runtimeError
      }
      clock.lap("load")
      if !quiet {
        printError("mbc \(MBC.version): merging \(paths.count) shard\(paths.count == 1 ? "" : "s") of \(loaded.name): \(grouped(identity.runs)) runs, seed \(seed), \(engine.rawValue) engine")
      }

      let cancellation = CancellationFlag()
      Interrupts.install(cancellation: cancellation)
      var outputs = SimulationOutputs(
        scenarioPath: scenarioPath, scenario: loaded, model: model, simulation: simulation, hash: hash, keepRuns: header.keepRuns,
        locale: reportLocale, outDirectory: outDirectory, started: started)
      outputs.commandLine = CommandLine.arguments
      let breakEven: (results: [BreakEven.Result], runs: Int)?
      do {
        breakEven = try outputs.breakEven(runs: session.runs, cancellation: cancellation)
      } catch .cancelled {
        printError("\nmbc: interrupted; nothing was written (the shards are unchanged).")
        throw MBCExit.interrupted
      } catch {
        throw MBCExit.runtimeError
      }
      if breakEven != nil { clock.lap("break_even") }
      if cancellation.isSet {
        printError("\nmbc: interrupted; nothing was written (the shards are unchanged).")
        throw MBCExit.interrupted
      }
      let written = try outputs.write(session: session, breakEven: breakEven, clock: &clock)
      if !quiet {
        SimulationOutputs.printSummary(written.results, tables: written.tables, simulateSeconds: 0, clientCycles: 0, outDirectory: outDirectory, files: written.files)
      }
      written.results.run.faults.printWarnings(runs: identity.runs, quiet: quiet)
    }

    /// The shards of `mbc stress --shard i/n`: the files of `mbc stress`.
    private func mergeStress(_ saved: SavedRuns, scenarioPath: String, hash: String, started: Date, paths: [String]) throws {
      var clock = PhaseClock()
      let identity = saved.header.identity
      let loaded: Scenario
      let stress: StressModel
      do {
        loaded = try ScenarioLoader.load(file: scenarioPath)
        stress = try StressModel(loaded)
      } catch {
        printError("\(scenarioPath): error: \(error)")
        throw MBCExit.usageError
      }
      guard let seed = UInt64(identity.seed) else {
        printError("error: \(paths[0]): unknown seed '\(identity.seed)'.")
        throw MBCExit.usageError
      }
      let session = StressSession(simulation: StressSimulation(stress: stress, seed: seed, threads: threads), maxRuns: identity.runs)
      try checkFits(identity, session: session, hash: hash)
      let outDirectory = out ?? "results/\(loaded.name)-stress"
      try OutputDirectory(outDirectory).checkReplace(force: force, resumable: false)
      session.replay = saved
      do {
        try session.run(to: identity.runs)  // every chunk is replayed: nothing is simulated
      } catch {
        printError("mbc: \(error)")
        throw MBCExit.runtimeError
      }
      clock.lap("load")
      if !quiet {
        printError("mbc \(MBC.version): merging \(paths.count) shard\(paths.count == 1 ? "" : "s") of the \(loaded.name) budget stress test: \(grouped(identity.runs)) runs, seed \(seed)")
      }
      Interrupts.install(cancellation: CancellationFlag())
      let outputs = StressOutputs(
        scenarioPath: scenarioPath, scenario: loaded, stress: stress, hash: hash, threads: threads, locale: try MBC.Report.parseLocale(locale),
        outDirectory: outDirectory, started: started)
      let written = try outputs.write(session: session, clock: &clock)
      if !quiet {
        StressOutputs.printSummary(written.results, summary: written.summary, seconds: 0, outDirectory: outDirectory, files: StressOutputs.files)
      }
      written.faults.printWarnings(runs: identity.runs, quiet: quiet)
    }

    /// The shards' runs must have been made by this mbc from this scenario (same model size,
    /// chunks and samples kept), or exit 2 with the differences.
    private func checkFits(_ identity: RunStateFile.Identity, session: some ResumableRuns, hash: String) throws {
      let here = RunStateFile.Identity(mbcVersion: MBC.version, scenarioSHA256: hash, session: session, subgroup: identity.subgroup)
      let differences = identity.differences(from: here, labels: ("shards", "this mbc"))
      guard differences.isEmpty else {
        printError("error: the shards do not fit this mbc and scenario: \(differences.joined(separator: "; ")).")
        throw MBCExit.usageError
      }
    }

    /// Every shard 1 … n present once and complete; otherwise a usage error naming what is missing.
    private func checkComplete(_ saved: SavedRuns, paths: [String]) throws {
      let identity = saved.header.identity
      let chunkCount = (identity.runs + identity.chunkSize - 1) / identity.chunkSize
      let have = Set(saved.chunks)
      guard have.count < chunkCount else { return }
      // Which shards (of the first file's split) lack runs.
      var problems: [String] = []
      if let split = saved.header.shard {
        for i in 1...split.count {
          let shard = RunStateFile.Shard(index: i, count: split.count)
          let chunks = shard.chunks(of: chunkCount)
          let missing = chunks.filter { !have.contains($0) }
          guard !missing.isEmpty else { continue }
          let first = chunks.lowerBound * identity.chunkSize, end = min(chunks.upperBound * identity.chunkSize, identity.runs)
          problems.append(missing.count == chunks.count
            ? "shard \(shard.description) (runs \(grouped(first)) ..< \(grouped(end))) is not given"
            : "shard \(shard.description) is incomplete (\(grouped(missing.count * identity.chunkSize)) of its runs missing: it was interrupted; continue it with --resume)")
        }
      }
      if problems.isEmpty { problems = ["\(grouped(identity.runs - saved.runs)) of \(grouped(identity.runs)) runs are missing"] }
      printError("error: the shards do not make a whole run: " + problems.joined(separator: "; ") + ".")
      throw MBCExit.usageError
    }
  }
}

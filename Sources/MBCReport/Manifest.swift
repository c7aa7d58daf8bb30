import Foundation
import MBCScenario

/// manifest.json: what was run, so that a result can be cited and reproduced exactly.
public struct Manifest: Codable, Sendable {
  /// Version of this file's layout; bump when fields change meaning.
  public static let currentSchemaVersion = 1

  public var schemaVersion: Int
  public var mbcVersion: String
  public var commandLine: [String]
  public var scenario: ScenarioRecord
  public var seed: String
  public var runs: Int
  public var clients: Int
  /// The subgroup every client was drawn from (`--subgroup`); absent for the scenario's mix.
  public var subgroup: String?
  public var horizonCycles: Int
  public var arms: [String]
  public var referenceArm: String
  public var payers: [String]
  public var threads: Int
  public var engine: String
  public var randomNumbers: String
  public var blas: String
  public var startedAt: String
  public var wallSeconds: Double
  public var timingsSeconds: [String: Double]
  public var clientCyclesPerSecond: Double
  public var outputs: [String]
  /// `mbc stress`: the variants compared (the first is "base"); nil for `mbc simulate`.
  public var variants: [String]?
  /// Set when the run was interrupted: the results are those of the first `runs` runs.
  public var partial: Partial?
  /// Set for a shard (`--shard i/n`): its runs are in runs.mbcstate, for `mbc merge`.
  public var shard: ShardRecord?
  /// Runs taken from the state file of an interrupted run (`--resume`), not simulated again.
  public var resumedRuns: Int?

  /// Results of an interrupted run: they equal those of a run with `--runs` = `runs_completed`.
  public struct Partial: Codable, Sendable {
    public var runsRequested: Int
    /// The results are of runs 0 ..< runsCompleted (the longest stretch with no gap).
    public var runsCompleted: Int
    /// All runs finished and saved in `state_file`, including those after a gap.
    public var runsSaved: Int
    public var stateFile: String
    /// Outputs not written because their analysis did not finish (e.g. break_even.csv).
    public var notWritten: [String]
    /// The command that continues the run.
    public var resumeCommand: String

    public init(runsRequested: Int, runsCompleted: Int, runsSaved: Int, stateFile: String, notWritten: [String], resumeCommand: String) {
      self.runsRequested = runsRequested
      self.runsCompleted = runsCompleted
      self.runsSaved = runsSaved
      self.stateFile = stateFile
      self.notWritten = notWritten
      self.resumeCommand = resumeCommand
    }

    enum CodingKeys: String, CodingKey {
      case runsRequested = "runs_requested", runsCompleted = "runs_completed", runsSaved = "runs_saved", stateFile = "state_file"
      case notWritten = "not_written", resumeCommand = "resume_command"
    }
  }

  /// One shard of a run split with `--shard i/n`.
  public struct ShardRecord: Codable, Sendable {
    public var index: Int
    public var count: Int
    /// Its runs: first_run ..< end_run.
    public var firstRun: Int
    public var endRun: Int
    public var stateFile: String

    public init(index: Int, count: Int, firstRun: Int, endRun: Int, stateFile: String) {
      self.index = index
      self.count = count
      self.firstRun = firstRun
      self.endRun = endRun
      self.stateFile = stateFile
    }

    enum CodingKeys: String, CodingKey {
      case index, count, firstRun = "first_run", endRun = "end_run", stateFile = "state_file"
    }
  }
  /// Probabilities clamped into [0, 1] (`invalid_probabilities: clamp`); absent when none were.
  public var clampedProbabilities: RunFaults.Clamped?
  /// Metrics with values that are not finite numbers (written as NA or Inf); absent when none.
  public var nonFiniteResults: [RunFaults.NonFinite]?

  public struct ScenarioRecord: Codable, Sendable {
    public var path: String
    public var name: String
    public var sha256: String
  }

  enum CodingKeys: String, CodingKey {
    case schemaVersion = "schema_version", mbcVersion = "mbc_version", commandLine = "command_line", scenario, seed, runs, clients, subgroup
    case horizonCycles = "horizon_cycles", arms, referenceArm = "reference_arm", payers, threads, engine
    case randomNumbers = "random_numbers", blas, startedAt = "started_at", wallSeconds = "wall_seconds"
    case timingsSeconds = "timings_seconds", clientCyclesPerSecond = "client_cycles_per_second", outputs, variants
    case partial, shard, resumedRuns = "resumed_runs"
    case clampedProbabilities = "clamped_probabilities", nonFiniteResults = "non_finite_results"
  }

  public init(_ results: ResultSet, outputs: [String]) {
    let r = results.run
    let s = results.scenario
    let simulate = r.timings.first { $0.phase == "simulate" }?.seconds ?? 0
    self.init(run: r, scenario: s, outputs: outputs, clients: s.clients, horizonCycles: s.horizon,
              randomNumbers: "xoshiro256++ streams keyed by (seed, run, client, purpose) via SplitMix64 hashing")
    subgroup = s.onlySubgroup
    clientCyclesPerSecond = simulate > 0 ? Double(r.runs) * Double(r.clientCyclesPerRun) / simulate : 0
  }

  /// The manifest of `mbc stress`: `horizon_cycles` is the stress test's months, `clients` 0
  /// (clients arrive by the inflow), `engine` the budget engine.
  public init(stress: StressResults, outputs: [String]) {
    self.init(run: stress.run, scenario: stress.scenario, outputs: outputs, clients: 0, horizonCycles: stress.budget.months,
              randomNumbers: "xoshiro256++ streams keyed by (seed, run, month, purpose) via SplitMix64 hashing")
    variants = stress.layout.variants
  }

  /// What both commands record.
  public init(run r: RunInfo, scenario s: Scenario, outputs: [String], clients: Int, horizonCycles: Int, randomNumbers: String) {
    schemaVersion = Self.currentSchemaVersion
    mbcVersion = r.mbcVersion
    commandLine = r.commandLine
    scenario = ScenarioRecord(path: r.scenarioPath, name: s.name, sha256: r.scenarioSHA256)
    seed = String(r.seed)
    runs = r.runs
    self.clients = clients
    subgroup = nil
    self.horizonCycles = horizonCycles
    arms = s.arms.map(\.name)
    referenceArm = s.arms[s.referenceArm].name
    payers = s.payers.map(\.name)
    threads = r.threads
    engine = r.engine
    self.randomNumbers = randomNumbers
    blas = r.blasConfiguration
    startedAt = r.startedAt
    wallSeconds = r.totalSeconds
    timingsSeconds = Dictionary(r.timings.map { ($0.phase, $0.seconds) }, uniquingKeysWith: +)
    clientCyclesPerSecond = 0
    self.outputs = outputs
    clampedProbabilities = r.faults.clamped
    nonFiniteResults = r.faults.nonFinite.isEmpty ? nil : r.faults.nonFinite
  }

  /// Pretty-printed JSON with sorted keys (stable diffs).
  public func json() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}

import MBCAnalysis
import MBCEngine
import MBCScenario

/// Everything the output files are made from: the scenario, how it was run, and the
/// aggregated per-run metrics (one ``MetricSummary`` per ``MetricLayout`` column, plus their
/// covariance).
public struct ResultSet: Sendable {
  public var scenario: Scenario
  public var layout: MetricLayout
  public var summaries: [MetricSummary]
  public var moments: Moments
  public var run: RunInfo

  public init(scenario: Scenario, layout: MetricLayout, summaries: [MetricSummary], moments: Moments, run: RunInfo) {
    precondition(summaries.count == layout.count && moments.mean.count == layout.count)
    self.scenario = scenario
    self.layout = layout
    self.summaries = summaries
    self.moments = moments
    self.run = run
  }

  /// The summary of the column called `name` (see ``MetricLayout/Column/name``).
  public func summary(_ name: String) -> MetricSummary? {
    layout.index(of: name).map { summaries[$0] }
  }

  /// The unit of a column's values, e.g. "EUR (discounted, cohort of 100 clients)".
  public func unit(of column: MetricLayout.Column) -> String {
    switch column.kind {
    case .cost, .netSaving, .interventionCost:
      "\(scenario.currency) (discounted, cohort of \(scenario.clients) clients)"
    case .events, .eventsAvoided:
      "count (cohort of \(scenario.clients) clients)"
    case .effect, .effectGain:
      "\(scenario.effects.first { $0.name == column.effect }?.label ?? "effect") (discounted, cohort of \(scenario.clients) clients)"
    }
  }
}

/// How the results were produced: what the manifest records.
public struct RunInfo: Sendable {
  public var mbcVersion: String
  public var commandLine: [String]
  public var scenarioPath: String
  public var scenarioSHA256: String
  public var seed: UInt64
  public var runs: Int
  public var threads: Int
  public var engine: String
  public var blasConfiguration: String
  public var startedAt: String
  /// Seconds per phase: load, simulate, aggregate, write (filled in as they finish).
  public var timings: [(phase: String, seconds: Double)]
  public var clientCyclesPerRun: Int
  /// Probabilities clamped and results that are not finite numbers (manifest.json).
  public var faults = RunFaults()
  /// Set for the results of an interrupted run (`mbc stress`; `mbc simulate`'s report reads the manifest).
  public var partial: Manifest.Partial?

  public init(mbcVersion: String, commandLine: [String], scenarioPath: String, scenarioSHA256: String, seed: UInt64, runs: Int, threads: Int, engine: String, blasConfiguration: String, startedAt: String, timings: [(phase: String, seconds: Double)] = [], clientCyclesPerRun: Int) {
    self.mbcVersion = mbcVersion
    self.commandLine = commandLine
    self.scenarioPath = scenarioPath
    self.scenarioSHA256 = scenarioSHA256
    self.seed = seed
    self.runs = runs
    self.threads = threads
    self.engine = engine
    self.blasConfiguration = blasConfiguration
    self.startedAt = startedAt
    self.timings = timings
    self.clientCyclesPerRun = clientCyclesPerRun
  }

  public var totalSeconds: Double { timings.map(\.seconds).reduce(0, +) }
}

import MBCAnalysis
import MBCEngine
import MBCScenario

/// The per-run costs and outcome of every arm, as the decision analyses take them
/// (`[arm][run]`), read from the runs × metrics matrix.
///
/// The cost is the arm's discounted total cost over payers. The outcome is the scenario's
/// `analysis.outcome`: an effect (more is better), or the negated count of an event (so that
/// an arm's incremental outcome is the number of events it avoids); all zeros when the analysis
/// is on costs alone. Net monetary benefit at willingness to pay λ is λ·outcome − cost.
public struct DecisionData: Sendable {
  public let costs: [[Double]]
  public let outcomes: [[Double]]
  /// Whether the scenario has an outcome (else the analysis is on costs alone).
  public let hasOutcome: Bool
  public let runs: Int

  /// Reads the first `runs` runs of `matrix` (all by default).
  public init(scenario: Scenario, layout: MetricLayout, matrix: RunMatrix, runs: Int? = nil) {
    let n = min(runs ?? matrix.rows, matrix.rows)
    self.runs = n
    func column(_ name: String, sign: Double = 1) -> [Double] {
      guard let j = layout.index(of: name) else { return [Double](repeating: 0, count: n) }
      return (0..<n).map { sign * matrix[$0, j] }
    }
    costs = scenario.arms.map { column("cost.\($0.name).total") }
    switch scenario.analysis.outcome {
    case .effect(let k)?:
      outcomes = scenario.arms.map { column("effect.\($0.name).\(scenario.effects[k].name)") }
      hasOutcome = true
    case .eventsAvoided(let e)?:
      outcomes = scenario.arms.map { column("events.\($0.name).\(scenario.events[e].name)", sign: -1) }
      hasOutcome = true
    case nil:
      outcomes = scenario.arms.map { _ in [Double](repeating: 0, count: n) }
      hasOutcome = false
    }
  }

  /// Net monetary benefit per arm and run at willingness to pay `lambda`.
  public func netMonetaryBenefit(_ lambda: Double) -> [[Double]] {
    zip(costs, outcomes).map { c, e in zip(c, e).map { lambda * $1 - $0 } }
  }
}

extension RatioInterval {
  /// The interval as three CSV fields: low, high and its form — `bounded` ([low, high]),
  /// `two_rays` ((−∞, low] ∪ [high, ∞): the interval is unbounded because the denominator's
  /// interval includes 0) or `whole_line` (every value; low and high missing).
  var fields: [CSVTable.Field] {
    switch self {
    case .bounded(let lower, let upper): [.number(lower), .number(upper), .text("bounded")]
    case .excluding(let lower, let upper): [.number(lower), .number(upper), .text("two_rays")]
    case .wholeLine: [.missing, .missing, .text("whole_line")]
    }
  }
}

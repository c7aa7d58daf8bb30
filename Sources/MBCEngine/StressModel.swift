import MBCScenario

/// A scenario prepared for a budget stress test (`mbc stress`): its per-client model compiled
/// with a horizon of the stress test's months and without the cost lines marked
/// `intervention: true` (the budget's programme costs replace them), plus the budget.
public struct StressModel: Sendable {
  /// The scenario as given (with its `budget:`).
  public let scenario: Scenario
  public let budget: Scenario.Budget
  /// The per-client model the streams come from (see above).
  public let model: CompiledModel
  public let layout: StressLayout

  /// Why `scenario` cannot be stress-tested, as a sentence; nil when it can.
  public static func unsupportedReason(_ scenario: Scenario) -> String? {
    guard scenario.budget != nil else {
      return "the scenario has no 'budget:' section; mbc stress needs one (docs/scenario-format.md § Budget stress tests)"
    }
    return nil
  }

  /// - Throws: ``ScenarioError`` when the model cannot be compiled; a ``StressModelError``
  ///   when the scenario has no budget or the cohort engine cannot follow it.
  public init(_ scenario: Scenario) throws {
    guard let budget = scenario.budget else { throw StressModelError(message: Self.unsupportedReason(scenario)!) }
    var perClient = scenario
    perClient.horizon = budget.months
    perClient.costs.removeAll { $0.intervention }
    let model = try CompiledModel(perClient)
    if let reason = CohortEngine.unsupportedReason(model) {
      throw StressModelError(message: "mbc stress follows the clients with the cohort engine, but \(reason)")
    }
    self.scenario = scenario
    self.budget = budget
    self.model = model
    layout = StressLayout(budget: budget, payers: scenario.payers.count)
  }
}

/// Why a scenario cannot be stress-tested.
public struct StressModelError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public init(message: String) { self.message = message }
  public var description: String { message }
}

import MBCScenario
import Testing

@testable import MBCEngine

/// `Scenario.restricted(toSubgroup:)` (`mbc simulate --subgroup`, `mbc check --base-case
/// --subgroup`): all clients come from one subgroup, everything else is unchanged.
@Suite("Results per subgroup")
struct SubgroupRestrictionTests {
  /// Two subgroups (30% / 70%) that differ in their start state, their event rate and their
  /// moves. `Stuck` is absorbing and costs c per cycle; `Free` moves to `Stuck`.
  static let yaml = """
    horizon: {value: 12, source: t}
    clients:
      count: {value: 50, source: t}
      subgroups:
        a: {label: Group A, share: 0.3, start: Stuck, source: t}
        b: {label: Group B, share: 0.7, start: Free, source: t}
    payers: [municipality]
    states: [Free, Stuck]
    parameters:
      lambda_a: {value: 0.5, source: t}
      lambda_b: {value: 0.1, source: t}
      p_stick: {dist: beta, mean: 0.2, sd: 0.05, source: t}
      c_stuck: {value: 100, source: t}
    arms:
      only: {transitions: {Free: {Stuck: p_stick}}}
    events:
      calls: {rate: {Free: "if(subgroup == 'a', lambda_a, lambda_b)", Stuck: "if(subgroup == 'a', lambda_a, lambda_b)"}}
    costs:
      stuck: {per: cycle, states: Stuck, amount: c_stuck, payer: municipality}
    """

  @Test("the cohort base case of each subgroup has its exact event count, and the mix is their share-weighted sum")
  func cohortBaseCase() throws {
    let scenario = try ScenarioLoader.load(yaml: Self.yaml, file: "test.yaml")
    let whole = try BaseCase.cohortResults(CompiledModel(scenario))
    let a = try BaseCase.cohortResults(CompiledModel(scenario.restricted(toSubgroup: "a")))
    let b = try BaseCase.cohortResults(CompiledModel(scenario.restricted(toSubgroup: "b")))
    let layout = try CompiledModel(scenario).layout
    let calls = try #require(layout.index(of: "events.only.calls"))
    let cost = try #require(layout.index(of: "cost.only.municipality"))
    // Events: N clients × rate × 12 cycles, whatever the state (the rate is the same in both).
    let expectedA = 50 * 0.5 * 12.0
    let expectedB = 50 * 0.1 * 12.0
    let gotA = a[calls]
    let gotB = b[calls]
    #expect(abs(gotA - expectedA) < 1e-9 * expectedA)
    #expect(abs(gotB - expectedB) < 1e-9 * expectedB)
    // Group A starts in the absorbing state: 12 cycles × 100 for each of the 50 clients.
    let costA = a[cost]
    #expect(abs(costA - 50 * 12 * 100.0) < 1e-6)
    // The cohort engine is linear in the subgroup weights: the mix is 0.3 A + 0.7 B, metric
    // by metric (rounding only).
    for j in whole.indices {
      let mixed = 0.3 * a[j] + 0.7 * b[j]
      let w = whole[j]
      #expect(abs(w - mixed) <= 1e-12 * max(1, abs(w)), "metric \(layout.columns[j].name)")
    }
  }

  @Test("in the individual engine every client of a restricted run is in that subgroup")
  func individualEngine() throws {
    let scenario = try ScenarioLoader.load(yaml: Self.yaml, file: "test.yaml")
    let restricted = try CompiledModel(scenario.restricted(toSubgroup: "a"))
    let cost = try #require(restricted.layout.index(of: "cost.only.municipality"))
    let matrix = try simulate(restricted, runs: 200)
    let columns = restricted.layout.count
    // Every group-A client starts in the absorbing Stuck state, so every run costs exactly
    // 50 × 12 × 100 (undiscounted); a single client of group B would make a run cheaper.
    let costs = (0..<200).map { matrix[$0 * columns + cost] }
    let wrong = costs.filter { abs($0 - 60_000) > 1e-6 }.count
    #expect(wrong == 0)
    #expect(restricted.scenario.onlySubgroup == "a")
    #expect(restricted.scenario.onlySubgroupLabel == "Group A")
  }

  @Test("an unknown subgroup is an error that names the subgroups and suggests the closest")
  func unknownSubgroup() throws {
    let scenario = try ScenarioLoader.load(yaml: Self.yaml, file: "test.yaml")
    do {
      _ = try scenario.restricted(toSubgroup: "aa")
      Issue.record("restricting to an unknown subgroup did not fail")
    } catch {
      let message = error.description
      #expect(message.contains("no subgroup 'aa'"))
      #expect(message.contains("did you mean 'a'"))
      #expect(message.contains("the subgroups are a, b"))
    }
  }
}

import Foundation
import Testing

@testable import MBCScenario

/// The keys added for the complete language: clients, tables, effects, timing, arms that
/// inherit and set parameters, price years — each read correctly, each mistake reported.
@Suite("Scenario language")
struct LanguageTests {
  /// `minimalScenario` with extra YAML appended (top-level keys) and replacements applied.
  func scenario(_ extra: String = "", replacing: [(String, String)] = []) -> String {
    var s = minimalScenario
    for (a, b) in replacing { s = s.replacingOccurrences(of: a, with: b) }
    return s + "\n" + extra
  }

  @Test("a price year converts an amount with the scenario's index")
  func test_priceIndex() throws {
    let yaml = scenario("price_year: 2024\nprice_index: {factors: {2016: 1.299, 2022: 1.073}, source: CBS CPI}\n",
                        replacing: [("c_sick: {value: 100, source: test}", "c_sick: {value: 100, price_year: 2016, source: test}")])
    let s = try load(yaml).get()
    #expect(s.parameters.first { $0.name == "c_sick" }?.priceFactor == 1.299)
    #expect(s.warnings.isEmpty)
    let missing = scenario("price_year: 2024\nprice_index: {factors: {2016: 1.299}, source: CBS}\n",
                           replacing: [("c_sick: {value: 100, source: test}", "c_sick: {value: 100, price_year: 2011, source: test}")])
    #expect(errors(missing) == ["t.yaml:12:36: error: parameters.c_sick.price_year: no price index factor for 2011; the index has 2016"])
  }

  @Test("tables: bands must increase and match the values; lookups name a defined table")
  func test_tables() throws {
    let ok = scenario("tables: {mortality: {bands: [0, 40, 65], values: [0.001, 0.01, 0.05], source: CBS}}\n",
                      replacing: [("Well: {Sick: p_sick}", "Well: {Sick: \"p_sick + lookup(mortality, cycle)\"}")])
    let s = try load(ok).get()
    #expect(s.tables.first?.value(at: 39.999) == 0.001)
    #expect(s.tables.first?.value(at: 40) == 0.01)
    #expect(s.tables.first?.value(at: 100) == 0.05)
    #expect(s.tables.first?.value(at: -1).isNaN == true)
    #expect(errors(scenario("tables: {mortality: {bands: [0, 40, 40], values: [1, 2, 3], source: x}}\n")) == [
      "t.yaml:19:29: error: tables.mortality.bands: the bands of table 'mortality' must increase; 40.0 follows 40.0"
    ])
    #expect(errors(scenario("tables: {mortality: {bands: [0, 40], values: [1, 2, 3], source: x}}\n")) == [
      "t.yaml:19:46: error: tables.mortality.values: table 'mortality' has 2 bands but 3 values"
    ])
    let unknown = scenario("tables: {mortality: {bands: [0], values: [1], source: x}}\n",
                           replacing: [("Well: {Sick: p_sick}", "Well: {Sick: \"lookup(mortalty, cycle)\"}")])
    #expect(errors(unknown) == ["t.yaml:14:24: error: transitions.Well.Sick: in expression 'lookup(mortalty, cycle)': unknown table 'mortalty'; did you mean 'mortality'?"])
  }

  @Test("variables are for transitions, events, costs and effects, not for parameters")
  func test_variablesNotInParameters() {
    let yaml = scenario(replacing: [("c_sick: {value: 100, source: test}", "c_sick: {expr: 100 * cycle, source: test}")])
    #expect(errors(yaml) == [
      "t.yaml:12:24: error: parameters.c_sick.expr: in expression '100 * cycle': 'cycle' changes during a run, but parameters are drawn once per run; use 'cycle' in transitions, events, costs or effects instead"
    ])
    let age = scenario(replacing: [("amount: c_sick", "amount: c_sick * age")])
    #expect(errors(age) == ["t.yaml:18:53: error: costs.sick.amount: in expression 'c_sick * age': 'age' needs clients with an age; give one in clients.attributes.age"])
  }

  @Test("clients: subgroups, attributes and their mistakes")
  func test_clients() throws {
    let clients = """
      clients:
        count: {value: 10, source: t}
        attributes:
          sex: {female: 0.4, male: 0.6, source: t}
        subgroups:
          a: {share: 0.7, start: Well, attributes: {age: {value: 30, source: t}}, source: t}
          b: {share: 0.3, start: {Well: 0.5, Sick: 0.5}, attributes: {age: {value: 50, source: t}, sex: {female: 0.9, male: 0.1, source: t}}, source: t}
      """
    let ok = scenario(replacing: [("clients: {value: 10, assumption: small test cohort}", clients), ("start: Well\n", ""),
                                  ("amount: c_sick", "amount: \"c_sick * if(sex == 'female' && subgroup == 'b', age, 1)\"")])
    let s = try load(ok).get()
    #expect(s.subgroups.map(\.name) == ["a", "b"])
    #expect(s.attributes.map(\.categories) == [["female", "male"]])
    #expect(s.subgroups[1].start.count == 2)
    #expect(s.subgroups[1].attributeShares[0]?.count == 2)
    #expect(s.warnings.isEmpty, "\(s.warnings)")
    let badShares = ok.replacingOccurrences(of: "a: {share: 0.7", with: "a: {share: 0.6")
    #expect(errors(badShares) == ["t.yaml:1:1: error: clients.subgroups: the subgroup shares sum to 0.8999999999999999; they must sum to 1"])
    let badCategory = ok.replacingOccurrences(of: "sex == 'female'", with: "sex == 'f'")
    #expect(errors(badCategory).first?.contains("\"f\" is not a category of 'sex'; expected one of \"female\", \"male\"") == true)
  }

  @Test("timing: named rules and explicit weights; effects have their own discounting")
  func test_timingAndEffects() throws {
    let yaml = scenario("""
      timing: {first: 1/3, odd: 2/3, even: 4/3, last: 1/3}
      transition_timing: next_boundary
      effects:
        qaly: {label: QALYs, discount: 0.015, timing: half_cycle, values: {well: {per: cycle, states: Well, amount: c_sick}}, source: t}
      """)
    let s = try load(yaml).get()
    let darth = RewardTiming.custom(first: Self.third, odd: 2 * Self.third, even: 4 * Self.third, last: Self.third)
    #expect(s.costTiming == darth)
    #expect(s.transitionTiming == .nextBoundary)
    #expect(s.effects.first?.timing == .halfCycle)
    #expect(s.effects.first?.discountRate == 0.015)
    #expect(errors(scenario("timing: halfcycle\n")) == ["t.yaml:19:9: error: timing: unknown timing 'halfcycle'; did you mean 'half_cycle'?"])
    #expect(errors(scenario("timing: simpson\n", replacing: [("value: 12,", "value: 11,")])) == ["t.yaml:19:9: error: timing: Simpson's rule needs an even number of cycles; the horizon is 11"])
  }

  static let third = 1.0 / 3
  static let timingCases: [(RewardTiming, [Double])] = [
    (.start, [1, 1, 1, 0]),
    (.end, [0, 1, 1, 1]),
    (.halfCycle, [0.5, 1, 1, 0.5]),
    (.lifeTable, [0.5, 1, 1, 0.5]),
    (.custom(first: third, odd: 4 * third, even: 2 * third, last: third), [third, 4 * third, 2 * third, third]),
  ]

  @Test("weights of the timing rules", arguments: timingCases)
  func test_timingWeights(timing: RewardTiming, expected: [Double]) {
    // Without discounting (d ≡ 1) the weights are the rule itself.
    #expect(timing.weights(discount: [1, 1, 1, 1]) == expected)
    // Life-table discounts each cycle at its start: boundary t gets ½(d_{t−1} + d_t).
    if timing == .lifeTable {
      let w = timing.weights(discount: [1, 0.5, 0.25, 0.125])
      #expect(w == [0.5, 0.75, 0.375, 0.125])
    }
  }

  @Test("an arm inherits rows and settings from an arm above it and sets its own parameters")
  func test_armInheritance() throws {
    let arms = "  UC: {label: Usual care, parameters: {c_sick: {value: 200, source: t}}}\n  INT:\n    inherits: UC\n    transitions: {Sick: {Well: p_sick}}\n    parameters: {p_sick: p_sick / p_sick}"
    let yaml = scenario(replacing: [("  UC: {label: Usual care}", arms)])
    let s = try load(yaml).get()
    #expect(s.arms[1].label == "Usual care")
    #expect(s.arms[1].parameterOverrides.map(\.name) == ["c_sick", "p_sick"])
    #expect(s.arms[1].transitions[0].count == 1 && s.arms[1].transitions[1].count == 1)
    let below = scenario(replacing: [("  UC: {label: Usual care}", "  UC: {inherits: INT}\n  INT: {}")])
    #expect(errors(below) == ["t.yaml:16:18: error: arms.UC.inherits: arm 'UC' inherits from 'INT', which must be listed above it"])
  }
}

import Foundation
import MBCScenario
import Testing

@testable import MBCEngine

/// Groups of clients (`groups:`; ``GroupProcess``): division into groups, closing, the exact
/// cohort expectation against the individual engine, and the groups' shared costs.
@Suite("Groups")
struct GroupTests {
  /// A support circle: 100 clients in circles of `size`; a circle closes below `minimum`;
  /// members leave (p_leave) or become homeless (p_homeless · rr); closing sends them to
  /// Independent. Every parameter is fixed, so the cohort engine's value is exact.
  static func yaml(size: Int = 10, minimum: Int = 8, leave: String = "0.05", clients: Int = 100, horizon: Int = 24) -> String {
    """
    horizon: {value: \(horizon), source: t}
    clients: {value: \(clients), source: t}
    discount: {costs: 0.03, source: t}
    payers: [municipality]
    states: [Circle, Independent, Homeless]
    start: Independent
    parameters:
      p_leave: {value: \(leave), source: t}
      p_homeless: {value: 0.01, source: t}
      rr: {value: 0.3, source: t}
      size: {value: \(size), source: t}
      minimum: {value: \(minimum), source: t}
      c_coach: {value: 900, source: t}
      c_coach_first: {value: 1800, source: t}
      months_first: {value: 12, source: t}
      c_start: {value: 5000, source: t}
      c_care: {value: 400, source: t}
      c_shelter: {value: 2500, source: t}
    groups:
      circle: {label: Circle, arms: [BC], member: Circle, size: size, minimum: minimum, on_close: Independent, source: t}
    transitions:
      Independent: {Homeless: p_homeless}
      Circle: {Independent: p_leave, Homeless: p_homeless * rr}
    arms:
      UC: {}
      BC: {}
    events:
      left: {on_transition: {from: Circle, to: Independent}}
      homeless: {on_enter: Homeless}
    costs:
      coach: {per: group_cycle, group: circle, amount: "if(cycle < months_first, c_coach_first, c_coach)", payer: municipality, intervention: true}
      startup: {per: group_start, group: circle, amount: c_start, payer: municipality, intervention: true}
      care: {per: cycle, states: Independent, amount: c_care, payer: municipality}
      shelter: {per: cycle, states: Homeless, amount: c_shelter, payer: municipality}
    """
  }

  @Test("clients are divided over ⌈N/size⌉ groups whose sizes differ by at most one, in order")
  func division() {
    let d = GroupProcess.Division(clients: 100, size: 12)  // 9 groups: 1 of 12, 8 of 11
    #expect(d == GroupProcess.Division(clients: 100, size: 12))
    #expect(d.groups == 9 && d.smaller == 11 && d.larger == 1)
    var counts = [Int](repeating: 0, count: d.groups)
    for c in 0..<100 { counts[d.group(ofClient: c)] += 1 }
    #expect(counts == [12] + [Int](repeating: 11, count: 8))
    for g in 0..<d.groups {
      let (first, count) = d.members(ofGroup: g)
      #expect(count == counts[g])
      #expect(d.group(ofClient: first) == g && d.group(ofClient: first + count - 1) == g)
    }
    let even = GroupProcess.Division(clients: 100, size: 10)
    #expect(even.groups == 10 && even.smaller == 10 && even.larger == 0)
    let one = GroupProcess.Division(clients: 7, size: 10)
    #expect(one.groups == 1 && one.smaller == 7)
  }

  @Test("a group closes at the first boundary with fewer than the minimum members, never at the end")
  func closingBoundary() {
    // Exit cycles of 5 members: K_0 = 5, K_1 = 5, K_2 = 4 (one left in cycle 1), K_3 = 3, K_4 = 2.
    let exits: [Int32] = [1, 2, 3, 10, 10]
    exits.withUnsafeBufferPointer { e in
      #expect(GroupProcess.closingBoundary(exitCycles: e, minimum: 3, horizon: 10) == 4)
      #expect(GroupProcess.closingBoundary(exitCycles: e, minimum: 5, horizon: 10) == 2)
      #expect(GroupProcess.closingBoundary(exitCycles: e, minimum: 6, horizon: 10) == 0)
      #expect(GroupProcess.closingBoundary(exitCycles: e, minimum: 0, horizon: 10) == nil)
      // Boundary 4 is the end of a 4-cycle horizon: no check there.
      #expect(GroupProcess.closingBoundary(exitCycles: e, minimum: 3, horizon: 4) == nil)
    }
  }

  @Test("the cohort expectation matches a direct simulation of the group process")
  func expectationAgainstSimulation() {
    // 3 groups of 10 (N = 30), minimum 7, stay 0.93 for 12 cycles. Simulated 200,000 times
    // with its own generator; members_t is a mean of a variable in [0, 30]: its sd is at
    // most 15, so the standard error is below 15/√200000 = 0.034; 4σ = 0.14.
    let stay = [Double](repeating: 0.93, count: 12)
    let exact = GroupProcess.expected(clients: 30, size: 10, minimum: 7, stay: stay)
    var rng = SplitMixForTests(seed: 42)
    let reps = 200_000
    var members = [Double](repeating: 0, count: 13)
    var open = [Double](repeating: 0, count: 12)
    for _ in 0..<reps {
      for _ in 0..<3 {
        var k = 10
        var closed = false
        for t in 0...12 {
          if !closed && t < 12 && k < 7 { closed = true }
          if !closed { members[t] += Double(k) } else if t == 12 { members[t] += 0 }
          if t == 12 { break }
          if !closed { open[t] += 1 }
          if !closed { k = (0..<k).reduce(0) { n, _ in n + (rng.next() < 0.93 ? 1 : 0) } }
        }
      }
    }
    for t in 0...12 {
      let simulated = members[t] / Double(reps)
      #expect(abs(simulated - exact.members[t]) < 0.14, "members at boundary \(t): \(simulated) vs \(exact.members[t])")
    }
    for t in 0..<12 {
      // Open groups in [0, 3]: sd ≤ 1.5, standard error ≤ 0.0034; 4σ = 0.014.
      let simulated = open[t] / Double(reps)
      #expect(abs(simulated - exact.openGroups[t]) < 0.014, "open groups in cycle \(t): \(simulated) vs \(exact.openGroups[t])")
    }
    #expect(exact.formed == 3 && exact.notFormed == 0)
    // Closing matters here: without it, members_12 would be 30 · 0.93^12 = 12.3.
    #expect(exact.members[12] < 10)
  }

  @Test("individual engine means agree with the exact cohort values within 4 standard errors")
  func enginesAgree() throws {
    for (size, minimum, leave) in [(10, 8, "0.05"), (12, 9, "0.03"), (7, 0, "0.05"), (10, 11, "0.05")] {
      let m = try model(Self.yaml(size: size, minimum: minimum, leave: leave))
      let exact = try simulate(m, runs: 1, engine: .cohort)
      let runs = 3000
      let matrix = try simulate(m, runs: runs, engine: .individual)
      for (j, column) in m.layout.columns.enumerated() {
        let (mean, mcse) = meanAndMCSE(matrix, columns: m.layout.count, column: j)
        let value = exact[j]
        // 4 standard errors, plus rounding for columns without variation.
        let ok = abs(mean - value) <= 4 * mcse + 1e-9 * max(1, abs(value))
        #expect(ok, "size \(size), minimum \(minimum): \(column.name) individual \(mean) ± \(mcse), cohort \(value)")
      }
    }
  }

  @Test("a group that never closes costs exactly groups × Σ_t d_t·c_t, plus the start-up per group")
  func sharedCostsExact() throws {
    // minimum 0: the 10 groups stay open for all 24 cycles in every run.
    let m = try model(Self.yaml(size: 10, minimum: 0))
    let column = try #require(m.layout.index(of: "intervention_cost.BC.total"))
    var expected = 10 * 5000.0
    for t in 0..<24 { expected += 10 * pow(1.03, -Double(t) / 12) * (t < 12 ? 1800 : 900) }
    for engine in [EngineKind.cohort, .individual] {
      let matrix = try simulate(m, runs: 5, engine: engine)
      for r in 0..<5 {
        let got = matrix[r * m.layout.count + column]
        #expect(abs(got - expected) < 1e-6 * expected, "\(engine) run \(r): \(got) vs \(expected)")
      }
    }
    // Groups that cannot form (minimum above the size) cost nothing, and their members start
    // where a closing group sends them: no one moves out of the circle.
    let none = try model(Self.yaml(size: 10, minimum: 11))
    let matrix = try simulate(none, runs: 5, engine: .individual)
    let left = try #require(none.layout.index(of: "events.BC.left"))
    let cost = try #require(none.layout.index(of: "intervention_cost.BC.total"))
    for r in 0..<5 {
      let runLeft = matrix[r * none.layout.count + left]
      let runCost = matrix[r * none.layout.count + cost]
      #expect(runLeft == 0 && runCost == 0)
    }
  }

  @Test("closing a group moves its remaining members: more leave with a higher minimum")
  func closingMovesMembers() throws {
    let never = try simulate(try model(Self.yaml(minimum: 0)), runs: 1, engine: .cohort)
    let often = try simulate(try model(Self.yaml(minimum: 9)), runs: 1, engine: .cohort)
    let m = try model(Self.yaml(minimum: 0))
    let left = try #require(m.layout.index(of: "events.BC.left"))
    // Without closing: members leave at 5% a month for 24 months, 100·(0.05/0.053)(1 − 0.947^24).
    let q = 1 - 0.05 - 0.003
    let byRow = 100 * 0.05 / 0.053 * (1 - pow(q, 24))
    #expect(abs(never[left] - byRow) < 1e-9 * byRow)
    #expect(often[left] > never[left] + 10)
  }

  @Test("the scenario language rejects groups that the engines could not follow exactly, with clear messages")
  func languageErrors() throws {
    func errors(_ yaml: String) -> [String] {
      do {
        _ = try ScenarioLoader.load(yaml: yaml, file: "g.yaml")
        return []
      } catch {
        return error.errors.map(\.description)
      }
    }
    let base = Self.yaml()
    let into = errors(base.replacingOccurrences(of: "Independent: {Homeless: p_homeless}", with: "Independent: {Homeless: p_homeless, Circle: p_homeless}"))
    #expect(into.contains { $0.contains("transitions.Independent.Circle") && $0.contains("no move may lead into it") }, "\(into)")
    let variable = errors(base.replacingOccurrences(of: "Circle: {Independent: p_leave,", with: "Circle: {Independent: \"p_leave * if(time_in_state < 3, 1, 0)\","))
    #expect(variable.contains { $0.contains("may use 'cycle' and 'time' but not 'time_in_state'") }, "\(variable)")
    let unknown = errors(base.replacingOccurrences(of: "group: circle, amount: c_start", with: "group: cirle, amount: c_start"))
    #expect(unknown.contains { $0.contains("unknown group 'cirle'; did you mean 'circle'?") }, "\(unknown)")
    let perClient = errors(base.replacingOccurrences(of: "amount: c_start", with: "amount: \"c_start * cycle\""))
    #expect(perClient.contains { $0.contains("a cost per group formed may use parameters only") }, "\(perClient)")
    let missing = errors(base.replacingOccurrences(of: "on_close: Independent, ", with: ""))
    #expect(missing.contains { $0.contains("group 'circle' needs 'on_close'") }, "\(missing)")
    let same = errors(base.replacingOccurrences(of: "on_close: Independent", with: "on_close: Circle"))
    #expect(same.contains { $0.contains("'on_close' must differ from the member state 'Circle'") }, "\(same)")
    let effect = errors(base + "\neffects:\n  x: {values: {y: {per: group_cycle, group: circle, amount: 1}}}\n")
    #expect(effect.contains { $0.contains("'per: group_cycle' is for cost lines") }, "\(effect)")
    #expect(errors(base).isEmpty)
  }
}

/// A small generator for the direct simulation (independent of the engine's streams).
struct SplitMixForTests {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> Double {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Double(z >> 11) * 0x1p-53
  }
}

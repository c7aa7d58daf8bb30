import Foundation
import Testing

@testable import MBCEngine
@testable import MBCScenario

@Suite("Break-even search")
struct BreakEvenTests {
  /// Usual care costs the insurer 100 a month per client still in the first state; the
  /// intervention costs the municipality 1,000 at the start and the insurer c_int a month.
  /// Undiscounted, with S = Σ_{t<36} (1 − p)^t the expected months in the first state, the
  /// total net saving per client is 100·S_UC − c_int·S_INT − 1000, zero at
  /// c_int* = (100·S_UC − 1000)/S_INT; the insurer's is zero at 100·S_UC/S_INT; the
  /// municipality never breaks even.
  static let yaml = """
    format: mbc/1
    cycle: month
    horizon: {value: 36, source: t}
    clients: {value: 50, source: t}
    reference: UC
    payers: [municipality, insurer]
    states: [Client, Gone]
    start: Client
    parameters:
      c_int: {dist: uniform, min: 20, max: 80, source: t}
      p_uc: {dist: beta, mean: 0.02, sd: 0.005, source: t}
      p_int: {value: 0.01, source: t}
    arms:
      UC: {transitions: {Client: {Gone: p_uc}}}
      INT: {transitions: {Client: {Gone: p_int}}}
    costs:
      care_uc: {per: cycle, states: Client, amount: 100, payer: insurer, arms: UC, source: t}
      care_int: {per: cycle, states: Client, amount: c_int, payer: insurer, arms: INT}
      start: {per: start, amount: 1000, payer: municipality, arms: INT, intervention: true, source: t}
    analysis:
      break_even: {parameter: c_int, from: 0, to: 200}
    """

  @Test("cohort engine: the break-even values solve the hand-worked equations")
  func test_cohort() throws {
    let m = try model(Self.yaml)
    // p_uc is uncertain: the expected saving averages S_UC over its draws, which the search
    // does with the same runs; the hand value uses the same runs' mean of S_UC.
    let runs = 200
    let sim = Simulation(model: m, seed: 3, threads: 2, engine: .cohort)
    let results = try BreakEven.search(sim, parameter: 0, low: 0, high: 200, runs: runs)
    // Mean S_UC over the runs, from the usual-care insurer cost of the same runs (100·S_UC·N).
    var fixed = sim
    fixed.fixedParameters[0] = 0
    var out = [Double](repeating: 0, count: runs * m.layout.count)
    try out.withUnsafeMutableBufferPointer { (b) throws(SimulationError) in try fixed.run(runs: runs, into: b) }
    let j = m.layout.index(of: "cost.UC.insurer")!
    let sUC = (0..<runs).map { out[$0 * m.layout.count + j] }.reduce(0, +) / Double(runs) / (100 * 50)
    let sINT = (0..<36).map { Foundation.pow(0.99, Double($0)) }.reduce(0, +)
    let total = results.first { $0.payer == 2 }!
    let insurer = results.first { $0.payer == 1 }!
    let municipality = results.first { $0.payer == 0 }!
    #expect(total.value.map { abs($0 - (100 * sUC - 1000) / sINT) < 1e-6 } == true, "\(String(describing: total.value))")
    #expect(insurer.value.map { abs($0 - 100 * sUC / sINT) < 1e-6 } == true, "\(String(describing: insurer.value))")
    #expect(municipality.value == nil && municipality.savingAtLow < 0 && municipality.savingAtHigh < 0)
    #expect(total.crossings == 1)
  }

  /// The individual engine's break-even value is an estimate; it must lie within 4 of its own
  /// MCSEs of the cohort engine's exact value (false failure ≈ 6e-5, two-sided normal tail).
  @Test("individual engine: the break-even value lies within 4 MCSE of the exact one")
  func test_individual() throws {
    let m = try model(Self.yaml)
    let exact = try BreakEven.search(Simulation(model: m, seed: 3, threads: 2, engine: .cohort), parameter: 0, low: 0, high: 200, runs: 300)
    let estimate = try BreakEven.search(Simulation(model: m, seed: 3, threads: 2, engine: .individual), parameter: 0, low: 0, high: 200, runs: 300)
    for (e, x) in zip(estimate, exact) where x.value != nil {
      let value = try #require(e.value)
      let mcse = try #require(e.mcse)
      #expect(mcse > 0)
      #expect(abs(value - x.value!) < 4 * mcse, "payer \(e.payer): \(value) ± \(mcse) vs \(x.value!)")
    }
  }
}

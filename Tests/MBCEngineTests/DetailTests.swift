import Foundation
import MBCAnalysis
import Testing

@testable import MBCEngine
@testable import MBCScenario

/// Runs `runs` runs with the outputs over time collected, keeping every run whole.
func simulateDetails(_ model: CompiledModel, runs: Int, seed: UInt64 = 1, threads: Int = 2, chunkSize: Int = 256, engine: EngineKind? = nil)
  throws(SimulationError) -> (matrix: [Double], details: DetailCollector)
{
  var out = [Double](repeating: .nan, count: runs * model.layout.count)
  let collector = DetailCollector(layout: DetailLayout(scenario: model.scenario), sampleRuns: runs)
  let sim = Simulation(model: model, seed: seed, threads: threads, chunkSize: chunkSize, engine: engine)
  try out.withUnsafeMutableBufferPointer { (buffer) throws(SimulationError) in
    try sim.run(runs: runs, into: buffer, details: collector)
  }
  return (out, collector)
}

@Suite("Outputs over time: trace, cash flow, payback")
struct DetailTests {
  /// The cohort engine's trace and cash flow of the fixed outreach model equal the trace and
  /// the per-cycle costs computed by hand (``HandTrace``), summed per model year.
  @Test("cohort trace and cash flow equal the hand-computed Markov trace, to 1e-9 relative")
  func test_cohortMatchesHand() throws {
    let m = try model(fixedOutreach)
    let hand = HandTrace()
    let (_, details) = try simulateDetails(m, runs: 2, engine: .cohort)
    let layout = details.layout
    let run = details.sample.matrix(runs: 1)
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }
    #expect(layout.years == 3)
    for a in 0..<2 {
      for t in 0...36 {
        for s in 0..<5 {
          let v = run[0, layout.occupancy(arm: a, boundary: t, state: s)]
          #expect(close(v, hand.occupancy[a][t][s]), "arm \(a) t \(t) s \(s): \(v) vs \(hand.occupancy[a][t][s])")
        }
      }
      for y in 0..<3 {
        for p in 0..<4 {
          for (basis, perCycle) in [(DetailLayout.Basis.discounted, hand.cycleCost), (.undiscounted, hand.cycleCostUndiscounted)] {
            let expected = (y * 12..<(y * 12 + 12)).map { perCycle[a][$0][p] }.reduce(0, +)
            let v = run[0, layout.cash(arm: a, year: y, payer: p, basis: basis)]
            #expect(close(v, expected), "arm \(a) year \(y + 1) payer \(p) \(basis): \(v) vs \(expected)")
          }
        }
      }
    }
    // The streamed mean of identical runs is that run.
    let j = layout.cash(arm: 1, year: 2, payer: 4, basis: .discounted)
    #expect(details.moments.count == 2)
    #expect(close(details.moments.mean[j], run[0, j]))
  }

  /// With fixed parameters the runs are i.i.d. cohorts; each streamed mean must lie within
  /// 4.5 MCSE of the exact cohort value. Over the 115 values compared a false failure has
  /// probability ≤ 115 × 6.8e-6 ≈ 8e-4 (two-sided normal tail at 4.5σ; union bound).
  @Test("individual engine: mean trace and cash flow within 4.5 MCSE of the cohort engine's")
  func test_individualAgreesWithCohort() throws {
    let m = try model(fixedOutreach)
    let (_, exactDetails) = try simulateDetails(m, runs: 1, engine: .cohort)
    let exact = exactDetails.sample.matrix(runs: 1)
    let (_, details) = try simulateDetails(m, runs: 600, engine: .individual)
    let layout = details.layout
    let moments = details.moments
    var compared: [Int] = []
    for a in 0..<2 {
      for t in [6, 12, 24, 36] { for s in 0..<5 { compared.append(layout.occupancy(arm: a, boundary: t, state: s)) } }
      for y in 0..<3 { for p in 0...4 { for b in DetailLayout.Basis.allCases { compared.append(layout.cash(arm: a, year: y, payer: p, basis: b)) } } }
    }
    for y in 0..<3 { for p in 0...4 { compared.append(layout.netCash(comparison: 0, year: y, payer: p, basis: .discounted)) } }
    #expect(compared.count == 115)
    for j in compared {
      let mcse = moments.mcse(j)
      let diff = abs(moments.mean[j] - exact[0, j])
      if mcse == 0 {
        #expect(diff <= 1e-9 * max(1, abs(exact[0, j])), "column \(j)")
      } else {
        #expect(diff < 4.5 * mcse, "column \(j): \(moments.mean[j]) ± \(mcse) vs exact \(exact[0, j])")
      }
    }
  }

  /// Accounting identities that hold run by run, on every complete example of the scenario
  /// documentation (time-dependent tables, tunnels, subgroups, every reward timing, transition
  /// rewards, events with dimensions) and with both engines.
  @Test("per run: discounted cash flows sum to the costs, occupancy sums to the cohort, net cash is reference − arm")
  func test_identities() throws {
    for (i, yaml) in try DocumentationTests.completeExamples().enumerated() {
      let scenario = try ScenarioLoader.load(yaml: yaml, file: DocumentationTests.page.path)
      let m = try CompiledModel(scenario)
      for engine in [EngineKind.individual, .cohort] where Simulation.unsupportedReason(m, engine: engine) == nil {
        let runs = 12
        let (matrix, details) = try simulateDetails(m, runs: runs, engine: engine)
        let layout = details.layout
        let sample = details.sample.matrix(runs: runs)
        let P = m.payerCount
        for r in 0..<runs {
          for a in 0..<m.armCount {
            for p in 0...P {
              let cost = matrix[r * m.layout.count + m.layout.cost(arm: a, payer: p)]
              let sum = (0..<layout.years).map { sample[r, layout.cash(arm: a, year: $0, payer: p, basis: .discounted)] }.reduce(0, +)
              #expect(abs(sum - cost) <= 1e-9 * max(1, abs(cost)), "example \(i + 1) \(engine) run \(r) arm \(a) payer \(p): \(sum) vs \(cost)")
            }
            for t in 0...m.horizon {
              let n = (0..<m.stateCount).map { sample[r, layout.occupancy(arm: a, boundary: t, state: $0)] }.reduce(0, +)
              #expect(abs(n - Double(m.clients)) <= 1e-9 * Double(m.clients), "example \(i + 1) \(engine) run \(r) arm \(a) t \(t): \(n) clients")
            }
          }
          for (k, a) in layout.comparisons.enumerated() {
            for y in 0..<layout.years {
              for p in 0...P {
                let net = sample[r, layout.netCash(comparison: k, year: y, payer: p, basis: .undiscounted)]
                let diff = sample[r, layout.cash(arm: layout.reference, year: y, payer: p, basis: .undiscounted)] - sample[r, layout.cash(arm: a, year: y, payer: p, basis: .undiscounted)]
                #expect(net == diff)
              }
            }
          }
        }
      }
    }
  }

  @Test("outputs over time are bit-identical for 1 and 2 threads and for any run split into calls")
  func test_deterministic() throws {
    let m = try CompiledModel(try ScenarioLoader.load(file: scenariosFolder.appendingPathComponent("outreach-ref.yaml").path))
    let (_, one) = try simulateDetails(m, runs: 700, threads: 1, chunkSize: 64)
    let (_, two) = try simulateDetails(m, runs: 700, threads: 2, chunkSize: 64)
    #expect(one.moments == two.moments)
    #expect(one.sample.matrix(runs: 700).storage.elementsEqual(two.sample.matrix(runs: 700).storage) { $0 == $1 || ($0.isNaN && $1.isNaN) })
    // The same 700 runs in two calls (runs 0..<384, then 384..<700) give the same moments.
    let collector = DetailCollector(layout: DetailLayout(scenario: m.scenario), sampleRuns: 0)
    var out = [Double](repeating: 0, count: 700 * m.layout.count)
    let sim = Simulation(model: m, seed: 1, threads: 2, chunkSize: 64)
    try out.withUnsafeMutableBufferPointer { (b) throws(SimulationError) in
      try sim.run(runs: 384, into: b, details: collector)
      try sim.run(runs: 316, firstRun: 384, into: UnsafeMutableBufferPointer(rebasing: b[(384 * m.layout.count)...]), details: collector)
    }
    #expect(collector.moments == one.moments)
  }

  /// One state; usual care costs 100 a month; the intervention costs 1,000 at the start and
  /// 50 a month. Undiscounted, the cumulative net saving after cycle t (0-based) is
  /// −1000 + 50·(t + 1): not positive up to t = 19 (0 at t = 19), positive from t = 20, so
  /// payback = 20 + 1 = 21 cycles; paid back by the end of year 2 (24 cycles), not year 1.
  /// Discounted at 12%/year (d_t = 1.12^(−t/12)) the saving of cycle t is 50·d_t and the
  /// payback is the first cycle with Σ_{τ ≤ t} 50·d_τ > 1000, computed here directly.
  @Test("payback time and P(paid back by year) on a hand-worked example")
  func test_payback() throws {
    func yaml(horizon: Int) -> String {
      """
      format: mbc/1
      cycle: month
      horizon: {value: \(horizon), source: t}
      clients: {value: 1, source: t}
      discount: {costs: 0.12, source: t}
      reference: UC
      payers: [municipality, insurer]
      states: [Client]
      start: Client
      parameters:
        c_uc: {value: 100, source: t}
        c_int: {value: 50, source: t}
        c_start: {value: 1000, source: t}
      arms: {UC: {label: Usual care}, INT: {label: Intervention}}
      costs:
        care_uc: {per: cycle, states: Client, amount: c_uc, payer: insurer, arms: UC}
        care_int: {per: cycle, states: Client, amount: c_int, payer: insurer, arms: INT}
        start: {per: start, amount: c_start, payer: municipality, arms: INT, intervention: true}
      """
    }
    let m = try model(yaml(horizon: 36))
    let (_, details) = try simulateDetails(m, runs: 1, engine: .cohort)
    let layout = details.layout
    let run = details.sample.matrix(runs: 1)
    let total = m.payerCount
    #expect(run[0, layout.payback(comparison: 0, payer: total, basis: .undiscounted)] == 21)
    var cumulative = -1000.0
    var expected = 0
    for t in 0..<36 {
      cumulative += 50 * Foundation.pow(1.12, -Double(t) / 12)
      if cumulative > 0 {
        expected = t + 1
        break
      }
    }
    #expect(expected > 21)
    #expect(run[0, layout.payback(comparison: 0, payer: total, basis: .discounted)] == Double(expected))
    #expect(run[0, layout.paidBack(comparison: 0, year: 0, payer: total, basis: .undiscounted)] == 0)
    #expect(run[0, layout.paidBack(comparison: 0, year: 1, payer: total, basis: .undiscounted)] == 1)
    #expect(run[0, layout.paidBack(comparison: 0, year: 2, payer: total, basis: .undiscounted)] == 1)
    // The municipality only pays (never paid back); the insurer saves from the first cycle.
    #expect(run[0, layout.payback(comparison: 0, payer: 0, basis: .undiscounted)] == .infinity)
    #expect(run[0, layout.payback(comparison: 0, payer: 1, basis: .undiscounted)] == 1)
    // Undiscounted yearly net saving: −1000 + 12·50 in year 1, 600 in years 2 and 3.
    #expect(run[0, layout.netCash(comparison: 0, year: 0, payer: total, basis: .undiscounted)] == -400)
    #expect(run[0, layout.netCash(comparison: 0, year: 1, payer: total, basis: .undiscounted)] == 600)
    // With an 18-month horizon the intervention has not paid back.
    let short = try model(yaml(horizon: 18))
    let (_, d2) = try simulateDetails(short, runs: 1, engine: .cohort)
    #expect(d2.sample.matrix(runs: 1)[0, d2.layout.payback(comparison: 0, payer: total, basis: .undiscounted)] == .infinity)
    #expect(d2.layout.years == 2)
  }

  /// With a constant occupancy every timing rule gives the same cost per cycle once the
  /// boundaries are attributed to cycles (half-cycle: ½ of boundary 0 and ½ of boundary 1
  /// make cycle 0, …), so a cost of 30 a month is 360 in each full year and 180 in a half one.
  @Test("boundary costs are attributed to cycles for every timing rule", arguments: ["start", "end", "half_cycle", "life_table"])
  func test_timing(timing: String) throws {
    let m = try model("""
      format: mbc/1
      cycle: month
      horizon: {value: 18, source: t}
      clients: {value: 2, source: t}
      timing: \(timing)
      payers: [municipality]
      states: [Client]
      start: Client
      parameters:
        c: {value: 30, source: t}
      arms: {A: {label: A}, B: {label: B}}
      costs:
        care: {per: cycle, states: Client, amount: c, payer: municipality}
      """)
    let (_, details) = try simulateDetails(m, runs: 1, engine: .individual)
    let run = details.sample.matrix(runs: 1)
    let layout = details.layout
    #expect(abs(run[0, layout.cash(arm: 0, year: 0, payer: 0, basis: .undiscounted)] - 720) < 1e-9)
    #expect(abs(run[0, layout.cash(arm: 0, year: 1, payer: 0, basis: .undiscounted)] - 360) < 1e-9)
  }
}

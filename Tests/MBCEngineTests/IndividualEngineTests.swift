import Foundation
import Testing

@testable import MBCEngine
@testable import MBCScenario

/// outreach-ref with every parameter fixed at its benchmark mean (lognormal multipliers at
/// their means exp(μ + σ²/2)), so that the exact cohort expectation is known.
let fixedOutreach = """
  format: mbc/1
  name: fixed-outreach
  cycle: month
  horizon: {value: 36, source: t}
  clients: {value: 100, source: t}
  discount: {costs: 0.04, source: t}
  reference: UC
  payers: [municipality, health_insurer, housing_corporation, police_justice]
  states: [Avoiding, Engaged, InCare, Admitted, Homeless]
  start: Avoiding
  parameters:
    p_engage_bz: {value: 0.15, source: t}
    p_engage_uc: {value: 0.02, source: t}
    p_evict: {value: 0.010, source: t}
    rr_evict_engaged: {value: 0.306060, source: t}
    p_admit: {value: 0.020, source: t}
    rr_admit_engaged: {value: 0.510101, source: t}
    rr_admit_incare: {value: 0.5, source: t}
    p_discharge: {value: 0.5, source: t}
    p_handover: {value: 0.2, source: t}
    p_dropout: {value: 0.03, source: t}
    p_rehouse: {value: 0.05, source: t}
    lambda_nuisance: {value: 0.3, source: t}
    rr_nuisance_engaged: {value: 0.5, source: t}
    c_bz_month: {value: 420, source: t}
    c_eviction: {value: 60000, source: t}
    c_homeless_month: {value: 1500, source: t}
    c_admit_month: {value: 12000, source: t}
    c_incare_month: {value: 600, source: t}
    c_nuisance: {value: 1300, source: t}
    c_intake: {value: 250, source: t}
  transitions:
    Engaged: {InCare: p_handover, Admitted: p_admit * rr_admit_engaged, Homeless: p_evict * rr_evict_engaged}
    InCare: {Avoiding: p_dropout, Admitted: p_admit * rr_admit_incare}
    Admitted: {InCare: p_discharge}
    Homeless: {Avoiding: p_rehouse}
  arms:
    UC:
      transitions:
        Avoiding: {InCare: p_engage_uc, Admitted: p_admit, Homeless: p_evict}
    BZ:
      transitions:
        Avoiding: {Engaged: p_engage_bz, Admitted: p_admit, Homeless: p_evict}
  events:
    eviction: {on_enter: Homeless}
    admission: {on_enter: Admitted}
    nuisance: {rate: {Avoiding: lambda_nuisance, Engaged: lambda_nuisance * rr_nuisance_engaged}}
  costs:
    outreach: {per: cycle, states: Engaged, amount: c_bz_month, payer: municipality}
    homeless: {per: cycle, states: Homeless, amount: c_homeless_month, payer: municipality}
    admission: {per: cycle, states: Admitted, amount: c_admit_month, payer: health_insurer}
    care: {per: cycle, states: InCare, amount: c_incare_month, payers: {health_insurer: 0.7, municipality: 0.3}, source: t}
    eviction: {per: event, event: eviction, amount: c_eviction, payers: {municipality: 0.7, housing_corporation: 0.1, police_justice: 0.2}, source: t}
    nuisance: {per: event, event: nuisance, amount: c_nuisance, payers: {police_justice: 0.5, housing_corporation: 0.3, municipality: 0.2}, source: t}
    intake: {per: start, amount: c_intake, payer: municipality, arms: BZ}
    discharge: {per: transition, from: Admitted, to: InCare, amount: c_intake, payer: health_insurer}
  """

@Suite("Individual engine")
struct IndividualEngineTests {
  @Test("the mean over runs matches the exact cohort expectation within 4 MCSE, for every cost and count")
  func test_engine_matchesExactCohort() throws {
    let m = try model(fixedOutreach)
    let runs = 2000
    let matrix = try simulate(m, runs: runs)
    let exact = HandTrace()
    let layout = m.layout
    // With fixed parameters the runs are i.i.d., so the mean of R runs has standard error
    // sd/√R (estimated). |mean − exact| < 4·MCSE fails by chance with probability ≈ 6e-5 per
    // metric (two-sided normal tail), ≈ 2e-3 over the ~30 metrics checked here.
    var checked = 0
    for a in 0..<m.armCount {
      for p in 0..<m.payerCount {
        let (mean, mcse) = meanAndMCSE(matrix, columns: layout.count, column: layout.cost(arm: a, payer: p))
        #expect(abs(mean - exact.cost[a][p]) < 4 * mcse, "cost arm \(a) payer \(p): \(mean) ± \(mcse) vs exact \(exact.cost[a][p])")
        #expect(mcse > 0)
        checked += 1
      }
      for e in 0..<m.scenario.events.count {
        let (mean, mcse) = meanAndMCSE(matrix, columns: layout.count, column: layout.events(arm: a, event: e))
        #expect(abs(mean - exact.events[a][e]) < 4 * mcse, "events arm \(a) event \(e): \(mean) ± \(mcse) vs exact \(exact.events[a][e])")
        checked += 1
      }
    }
    #expect(checked == 2 * (4 + 3))
  }

  @Test("the cohort engine reproduces the hand-computed trace to 1e-12 relative")
  func test_cohortEngine_matchesHandTrace() throws {
    let m = try model(fixedOutreach)
    let row = try BaseCase.cohortResults(m)
    let exact = HandTrace()
    for a in 0..<2 {
      for p in 0..<4 {
        let x = row[m.layout.cost(arm: a, payer: p)]
        #expect(abs(x - exact.cost[a][p]) <= 1e-12 * abs(exact.cost[a][p]), "cost arm \(a) payer \(p): \(x) vs \(exact.cost[a][p])")
      }
      for e in 0..<3 {
        let x = row[m.layout.events(arm: a, event: e)]
        #expect(abs(x - exact.events[a][e]) <= 1e-12 * exact.events[a][e], "events arm \(a) event \(e): \(x) vs \(exact.events[a][e])")
      }
    }
  }

  @Test("the totals, net savings and events avoided are consistent with the per-arm columns")
  func test_derivedColumns() throws {
    let m = try model(fixedOutreach)
    let matrix = try simulate(m, runs: 50)
    let l = m.layout
    for r in 0..<50 {
      let row = Array(matrix[(r * l.count)..<((r + 1) * l.count)])
      for a in 0..<2 {
        let sum = (0..<4).map { row[l.cost(arm: a, payer: $0)] }.reduce(0, +)
        #expect(abs(row[l.cost(arm: a, payer: 4)] - sum) <= 1e-9 * abs(sum))
      }
      let base = l.comparison(0)
      for p in 0...4 { #expect(row[base + p] == row[l.cost(arm: 0, payer: p)] - row[l.cost(arm: 1, payer: p)]) }
      for e in 0..<3 { #expect(row[base + 5 + e] == row[l.events(arm: 0, event: e)] - row[l.events(arm: 1, event: e)]) }
    }
    #expect(l.columns.map(\.name).prefix(6) == ["cost.UC.municipality", "cost.UC.health_insurer", "cost.UC.housing_corporation", "cost.UC.police_justice", "cost.UC.total", "events.UC.eviction"])
    #expect(l.columns.last?.name == "events_avoided.BZ.nuisance")
  }

  @Test("results are bit-identical for 1, 2 and 8 threads and any chunk size")
  func test_determinism_acrossThreads() throws {
    let m = try CompiledModel(try ScenarioLoader.load(file: scenariosFolder.appendingPathComponent("outreach-ref.yaml").path))
    let one = try simulate(m, runs: 300, seed: 42, threads: 1)
    let two = try simulate(m, runs: 300, seed: 42, threads: 2, chunkSize: 7)
    let eight = try simulate(m, runs: 300, seed: 42, threads: 8, chunkSize: 1)
    #expect(one.map(\.bitPattern) == two.map(\.bitPattern))
    #expect(one.map(\.bitPattern) == eight.map(\.bitPattern))
    #expect(!one.contains { $0.isNaN })
    let otherSeed = try simulate(m, runs: 300, seed: 43, threads: 2)
    #expect(one != otherSeed)
  }

  @Test("common random numbers: identical arms give a net saving of exactly 0 in every run")
  func test_commonRandomNumbers() throws {
    let same = fixedOutreach.replacingOccurrences(of: "Avoiding: {Engaged: p_engage_bz, Admitted: p_admit, Homeless: p_evict}", with: "Avoiding: {InCare: p_engage_uc, Admitted: p_admit, Homeless: p_evict}")
      .replacingOccurrences(of: ", arms: BZ}", with: "}")
    let m = try model(same)
    let matrix = try simulate(m, runs: 100)
    let l = m.layout
    for r in 0..<100 {
      for j in l.comparison(0)..<l.count { #expect(matrix[r * l.count + j] == 0) }
    }
  }

  @Test("adding an event does not change the transitions (each purpose has its own stream)")
  func test_streams_independentByPurpose() throws {
    let base = try model(fixedOutreach)
    let extra = try model(fixedOutreach.replacingOccurrences(of: "  costs:\n", with: "    calls: {rate: {Avoiding: lambda_nuisance}}\n  costs:\n"))
    let a = try simulate(base, runs: 40)
    let b = try simulate(extra, runs: 40)
    // Admissions and evictions are transition counts: unchanged by the new event's draws.
    for r in 0..<40 {
      for arm in 0..<2 {
        for e in 0..<2 {
          #expect(a[r * base.layout.count + base.layout.events(arm: arm, event: e)] == b[r * extra.layout.count + extra.layout.events(arm: arm, event: e)])
        }
      }
    }
  }

  @Test("a transition row that exceeds 1 for a drawn parameter set names the run, arm and state")
  func test_invalidRow_runtimeError() throws {
    let yaml = minimalTwoState.replacingOccurrences(of: "p: {value: 0.1, source: t}", with: "p: {dist: uniform, min: 0.2, max: 0.9, source: t}")
    let m = try model(yaml)
    var first: SimulationError?
    for threads in [1, 2, 8] {
      do {
        _ = try simulate(m, runs: 500, threads: threads, chunkSize: 3)
        Issue.record("expected an error")
      } catch {
        if first == nil { first = error }
        #expect(error == first, "the reported error must not depend on the thread count")
        guard case .invalidTransitionRow(let run, let arm, let state, let detail) = error else {
          Issue.record("unexpected error \(error)")
          continue
        }
        #expect(arm == "UC" && state == "Well")
        #expect(detail.hasPrefix("the moves sum to "))
        #expect(detail.hasSuffix("; they must sum to at most 1 (the stay probability is the rest)"))
        #expect(run >= 0 && run < 500)
      }
    }
    // The reported run is the first failing one: all earlier runs succeed.
    if case .invalidTransitionRow(let run, _, _, _) = first!, run > 0 {
      _ = try simulate(m, runs: run, threads: 2)
    }
  }

  @Test("a single probability outside [0, 1] is reported with its value")
  func test_probabilityOutOfRange() throws {
    let m = try model(minimalTwoState.replacingOccurrences(of: "Well: {Sick: p, Dead: q}", with: "Well: {Sick: p - q}"))
    #expect(throws: SimulationError.invalidTransitionRow(run: 0, arm: "UC", state: "Well", detail: "the probability of moving to Sick is -0.19999999999999998; expected a probability in [0, 1]")) {
      _ = try simulate(m, runs: 10)
    }
  }

  @Test("a cancelled simulation stops with .cancelled")
  func test_cancellation() throws {
    let m = try model(fixedOutreach)
    let flag = CancellationFlag()
    flag.set()
    var out = [Double](repeating: 0, count: 10 * m.layout.count)
    #expect(throws: SimulationError.cancelled) {
      try out.withUnsafeMutableBufferPointer { (b) throws(SimulationError) in
        try Simulation(model: m, seed: 1, threads: 2).run(runs: 10, into: b, cancellation: flag)
      }
    }
  }

  @Test("a move with probability 0 is never taken, even when later columns are empty")
  func test_zeroProbabilityMoves() throws {
    // Well → Sick and Well → Dead both 0: the stay column (first) is the last with positive
    // probability, so the scan stops there for every u and no client ever moves.
    let yaml = minimalTwoState.replacingOccurrences(of: "Well: {Sick: p, Dead: q}", with: "Well: {Sick: zero, Dead: zero}")
    let m = try model(yaml)
    let matrix = try simulate(m, runs: 200)
    for r in 0..<200 { #expect(matrix[r * m.layout.count + m.layout.events(arm: 0, event: 0)] == 0) }
  }
}

let minimalTwoState = """
  format: mbc/1
  horizon: {value: 24, source: t}
  clients: {value: 50, source: t}
  discount: {costs: 0.03, source: t}
  payers: [municipality]
  states: [Well, Sick, Dead]
  start: Well
  parameters:
    p: {value: 0.1, source: t}
    q: {value: 0.3, source: t}
    zero: {value: 0, source: t}
  transitions:
    Well: {Sick: p, Dead: q}
  arms:
    UC: {}
  events:
    sick: {on_enter: Sick}
  costs:
    sick: {per: cycle, states: Sick, amount: 100, payer: municipality}
  """

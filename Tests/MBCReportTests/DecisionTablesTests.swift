import Foundation
import MBCAnalysis
import MBCEngine
import MBCScenario
import Testing

@testable import MBCReport

/// A simulated scenario with everything the tables need.
struct Simulated {
  let model: CompiledModel
  let matrix: RunMatrix
  let results: ResultSet
  let session: SimulationSession
  var scenario: Scenario { model.scenario }

  init(_ yaml: String, runs: Int, engine: EngineKind = .cohort, seed: UInt64 = 1) throws {
    model = try CompiledModel(try ScenarioLoader.load(yaml: yaml, file: "test.yaml"))
    session = SimulationSession(simulation: Simulation(model: model, seed: seed, threads: 2, engine: engine), maxRuns: runs, details: true, parameterRuns: runs)
    try session.extend(to: runs)
    matrix = session.takeMatrix()
    let moments = Aggregation.moments(of: matrix)
    let info = RunInfo(mbcVersion: "test", commandLine: [], scenarioPath: "test.yaml", scenarioSHA256: "", seed: seed, runs: runs, threads: 2,
                       engine: engine.rawValue, blasConfiguration: "", startedAt: "", clientCyclesPerRun: 1)
    results = ResultSet(scenario: model.scenario, layout: model.layout, summaries: Summaries.summarize(matrix, moments: moments), moments: moments, run: info)
  }
}

/// The number in column `name` of the first row whose `key` column is `value` (all keys must match).
func number(_ table: CSVTable, _ name: String, where keys: [String: String]) -> Double? {
  guard let j = table.header.firstIndex(of: name) else { return nil }
  let row = table.rows.first { row in keys.allSatisfy { k, v in table.header.firstIndex(of: k).map { row[$0] == v } ?? false } }
  return row.flatMap { $0[j] == "Inf" ? .infinity : Double($0[j]) }
}

func text(_ table: CSVTable, _ name: String, where keys: [String: String]) -> String? {
  guard let j = table.header.firstIndex(of: name) else { return nil }
  return table.rows.first { row in keys.allSatisfy { k, v in table.header.firstIndex(of: k).map { row[$0] == v } ?? false } }?[j]
}

/// Usual care costs the insurer `c_uc` a month; the intervention costs the municipality 1,000 per
/// client at the start (the investment) and the insurer 50 a month; one eviction risk differs.
func investmentScenario(c_uc: String = "{value: 100, source: t}", discount: Double = 0) -> String {
  """
  format: mbc/1
  cycle: month
  horizon: {value: 36, source: t}
  clients: {value: 10, source: t}
  discount: {costs: \(discount), source: t}
  reference: UC
  payers: [municipality, insurer]
  states: [Client, Evicted]
  start: Client
  parameters:
    c_uc: \(c_uc)
    c_int: {value: 50, source: t}
    c_start: {value: 1000, source: t}
    p_uc: {value: 0.02, source: t}
    p_int: {value: 0.01, source: t}
  arms:
    UC: {transitions: {Client: {Evicted: p_uc}}}
    INT: {transitions: {Client: {Evicted: p_int}}}
  events:
    eviction: {on_enter: Evicted}
  costs:
    care_uc: {per: cycle, states: Client, amount: c_uc, payer: insurer, arms: UC}
    care_int: {per: cycle, states: Client, amount: c_int, payer: insurer, arms: INT}
    start: {per: start, amount: c_start, payer: municipality, arms: INT, intervention: true}
  analysis:
    outcome: eviction
  """
}

@Suite("Decision tables")
struct DecisionTablesTests {
  /// Hand-worked ledger with the cohort engine. Per client: the municipality pays 1,000 at the
  /// start (the investment) and saves nothing, so its net saving is −1,000 and its gross saving
  /// 0: ROI 0. The insurer pays c_uc·Σ_t s_UC(t) in usual care and 50·Σ_t s_INT(t) with the
  /// intervention, where s(t) = (1 − p)^t is the share still a client at the start of cycle t
  /// (costs at the start of each cycle): its ROI is that saving / 1,000; the total ROI is
  /// (net total + 1,000) / 1,000.
  @Test("payer ledger: net and gross savings, ROI per payer, roles, payback (hand-worked)")
  func test_ledger() throws {
    let sim = try Simulated(investmentScenario(), runs: 3)
    var time = TimeTables.Columns(sim.session.details!, runs: 3)
    let ledger = LedgerTable.ledger(sim.results, matrix: sim.matrix, time: &time)
    let N = 10.0
    let stayUC = (0..<36).map { Foundation.pow(0.98, Double($0)) }.reduce(0, +)
    let stayINT = (0..<36).map { Foundation.pow(0.99, Double($0)) }.reduce(0, +)
    let insurerSaving = N * (100 * stayUC - 50 * stayINT)
    func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) <= 1e-9 * max(1, abs(b)) } ?? false }
    #expect(close(number(ledger, "net_saving_mean", where: ["payer": "municipality"]), -1000 * N))
    #expect(close(number(ledger, "gross_saving_mean", where: ["payer": "municipality"]), 0))
    #expect(close(number(ledger, "roi", where: ["payer": "municipality"]), 0))
    #expect(close(number(ledger, "intervention_cost_mean", where: ["payer": "municipality"]), 1000 * N))
    #expect(close(number(ledger, "roi", where: ["payer": "insurer"]), insurerSaving / (1000 * N)))
    #expect(close(number(ledger, "roi", where: ["payer": "total"]), (insurerSaving - 1000 * N + 1000 * N) / (1000 * N)))
    #expect(text(ledger, "role", where: ["payer": "municipality"]) == "funds and loses")
    #expect(text(ledger, "role", where: ["payer": "insurer"]) == "gains")
    // Payback of the total: the first cycle t with N·(100·Σ_{τ≤t} s_UC − 50·Σ_{τ≤t} s_INT) > 1000·N,
    // in years (t + 1)/12 — it stays positive once positive, as each cycle saves.
    var cumulative = -1000.0
    var cycles = 0
    for t in 0..<36 {
      cumulative += 100 * Foundation.pow(0.98, Double(t)) - 50 * Foundation.pow(0.99, Double(t))
      if cumulative > 0 {
        cycles = t + 1
        break
      }
    }
    #expect(cycles > 0)
    #expect(close(number(ledger, "payback_years_p50", where: ["payer": "total"]), Double(cycles) / 12))
    #expect(number(ledger, "payback_years_p50", where: ["payer": "municipality"]) == .infinity)
    #expect(number(ledger, "p_paid_back_by_horizon", where: ["payer": "total"]) == 1)
  }

  /// With evictions as the outcome the ICER is the extra cost per eviction avoided:
  /// (cost_INT − cost_UC) / (evictions_UC − evictions_INT), from the cohort engine's exact values.
  @Test("incremental analysis on evictions avoided: ICER = extra cost / evictions avoided")
  func test_incrementalEventsAvoided() throws {
    let sim = try Simulated(investmentScenario(c_uc: "{value: 20, source: t}"), runs: 3)
    let data = DecisionData(scenario: sim.scenario, layout: sim.model.layout, matrix: sim.matrix)
    let table = DecisionTables.incremental(data, scenario: sim.scenario, willingnessToPay: 5000, seed: 1)
    let m = sim.results.moments
    let layout = sim.model.layout
    let dc = m.mean[layout.index(of: "cost.INT.total")!] - m.mean[layout.index(of: "cost.UC.total")!]
    let avoided = m.mean[layout.index(of: "events.UC.eviction")!] - m.mean[layout.index(of: "events.INT.eviction")!]
    #expect(dc > 0 && avoided > 0)
    let icer = number(table, "icer", where: ["arm": "INT"])
    #expect(icer.map { abs($0 - dc / avoided) <= 1e-9 * dc / avoided } == true)
    #expect(text(table, "status", where: ["arm": "INT"]) == "frontier")
    #expect(text(table, "comparator", where: ["arm": "INT"]) == "UC")
    #expect(text(table, "outcome", where: ["arm": "INT"]) == "eviction_avoided")
    // Incremental net monetary benefit at 5,000 per eviction avoided.
    let inmb = number(table, "inmb_versus_reference_mean", where: ["arm": "INT"])
    #expect(inmb.map { abs($0 - (5000 * avoided - dc)) <= 1e-6 * abs(5000 * avoided - dc) } == true)
  }

  /// EVPI recomputed here from the runs: mean over runs of the best net benefit minus the best
  /// mean net benefit; and the acceptability curve as the share of runs each arm wins.
  @Test("EVPI and CEAC equal their definitions computed from the runs")
  func test_evpiAndCEAC() throws {
    let sim = try Simulated(investmentScenario(c_uc: "{dist: uniform, min: 40, max: 90, source: t}"), runs: 400)
    let data = DecisionData(scenario: sim.scenario, layout: sim.model.layout, matrix: sim.matrix)
    let grid = [0.0, 2000, 10000]
    let acceptability = Acceptability(costs: data.costs, effects: data.outcomes, willingnessToPay: grid)
    let evpi = DecisionTables.evpi(acceptability, scenario: sim.scenario, engine: "cohort", seed: 1)
    let ceac = DecisionTables.ceac(acceptability, scenario: sim.scenario, seed: 1)
    let layout = sim.model.layout
    let cUC = sim.matrix.column(layout.index(of: "cost.UC.total")!), cINT = sim.matrix.column(layout.index(of: "cost.INT.total")!)
    let eUC = sim.matrix.column(layout.index(of: "events.UC.eviction")!), eINT = sim.matrix.column(layout.index(of: "events.INT.eviction")!)
    for lambda in grid {
      let nbUC = (0..<400).map { -lambda * eUC[$0] - cUC[$0] }
      let nbINT = (0..<400).map { -lambda * eINT[$0] - cINT[$0] }
      let meanUC = nbUC.reduce(0, +) / 400, meanINT = nbINT.reduce(0, +) / 400
      let expected = (0..<400).map { max(nbUC[$0], nbINT[$0]) }.reduce(0, +) / 400 - max(meanUC, meanINT)
      let key = CSVTable.format(lambda)
      let got = number(evpi, "evpi_cohort", where: ["wtp": key])
      #expect(got.map { abs($0 - expected) <= 1e-6 * max(1, expected) } == true, "λ \(lambda): \(String(describing: got)) vs \(expected)")
      let wins = Double((0..<400).filter { nbINT[$0] > nbUC[$0] }.count) / 400
      #expect(number(ceac, "p_cost_effective", where: ["wtp": key, "arm": "INT"]) == wins)
      #expect(number(ceac, "optimal", where: ["wtp": key, "arm": "INT"]) == (meanINT > meanUC ? 1 : 0))
    }
    // The EVPI is the EVPI of the cohort; per client it is divided by the 10 clients.
    let cohort = number(evpi, "evpi_cohort", where: ["wtp": "2000"])!
    #expect(number(evpi, "evpi_per_client", where: ["wtp": "2000"]) == cohort / 10)
  }

  /// The only uncertain input is c_uc, so the EVPPI of c_uc is the EVPI (up to the regression's
  /// fit: the cohort engine's net benefit is linear in c_uc, which the spline basis contains).
  @Test("EVPPI of the only uncertain parameter equals the EVPI")
  func test_evppiEqualsEVPI() throws {
    let sim = try Simulated(investmentScenario(c_uc: "{dist: uniform, min: 60, max: 140, source: t}"), runs: 1000)
    let data = DecisionData(scenario: sim.scenario, layout: sim.model.layout, matrix: sim.matrix)
    let table = DecisionTables.evppi(
      data, parameters: sim.session.parameters!.matrix(runs: 1000), scenario: sim.scenario, valueNames: sim.model.parameterValueNames,
      willingnessToPay: 0, seed: 1, bootstrapReplicates: 0)
    #expect(table.rows.count == 1)
    let evppi = number(table, "evppi_per_client", where: ["group": "c_uc"])!
    let evpi = number(table, "evpi_per_client", where: ["group": "c_uc"])!
    #expect(evpi > 0)
    #expect(abs(evppi - evpi) <= 1e-6 * evpi, "EVPPI \(evppi) vs EVPI \(evpi)")
  }
}
